// fib(n) for n from the query (`/fib?30`: argv[1] is "30"), by the naive recursion.
#include <stdio.h>
#include <stdlib.h>

static unsigned long long fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(int argc, char **argv) {
    unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 20;
    if (n > 45) {
        printf("Status: 400 Bad Request\nContent-Type: text/plain\n\nn must be at most 45\n");
        return 0;
    }
    printf("%llu\n", fib(n));
    return 0;
}
