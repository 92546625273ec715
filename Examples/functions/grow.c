// Misbehaves: allocates until memory.grow is refused (memory-limit-pages), then exits 2
// without output (500).
#include <stdlib.h>

// A volatile sink keeps each allocation alive; otherwise the compiler drops the unused
// malloc and, assuming it never fails, leaves an empty infinite loop.
static void *volatile sink;

int main(void) {
    for (;;) {
        char *p = malloc(1 << 20);
        if (!p) return 2;
        p[0] = 1;
        sink = p;
    }
}
