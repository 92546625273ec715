/* fib: naive doubly recursive Fibonacci (call-heavy: ~1.6^N calls, tiny frames). */
#include "bench.h"

/* noinline keeps the recursion a real call in every compiler mode. */
__attribute__((noinline)) static uint32_t fib(uint32_t n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(int argc, char **argv) {
    uint32_t n = (uint32_t)bench_size(argc, argv, 41, 38, 22);
    uint64_t h = 0;
    /* Two nearby arguments so the result is not a single constant-foldable call. */
    for (uint32_t k = n - 1; k <= n; k++) h = mix64(h, fib(k));
    bench_print(h);
    return 0;
}
