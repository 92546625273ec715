// Misbehaves: unbounded recursion (call stack exhausted: a trap, 500).
#include <stdio.h>

// Through a volatile function pointer the compiler can neither turn the recursion into a
// loop nor give it frames in linear memory: each level is a Wasm call.
static unsigned depth(unsigned n);
static unsigned (*volatile next)(unsigned) = depth;

static unsigned depth(unsigned n) {
    if (n == 0xFFFFFFFFu) return 0;
    return next(n + 1) ^ n;
}

int main(void) {
    printf("%u\n", depth(0));
    return 0;
}
