// Misbehaves: never returns (the route's timeout-ms kills it: 504).
int main(void) {
    volatile unsigned long spins = 0;
    for (;;) spins++;
}
