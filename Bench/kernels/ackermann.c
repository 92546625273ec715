/* ackermann: the Ackermann function A(2..3, n) (deep, irregular recursion: ~1M calls per
 * A(3,7), depth up to ~2^(n+3)). Each call's argument depends on the previous result so
 * no call can be hoisted or merged. */
#include "bench.h"

__attribute__((noinline)) static uint32_t ack(uint32_t m, uint32_t n) {
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

int main(int argc, char **argv) {
    int reps = (int)bench_size(argc, argv, 3000, 600, 10);
    uint64_t h = 0;
    uint32_t prev = 0;
    for (int i = 0; i < reps; i++) {
        uint32_t m = 2 + (prev & 1);       /* mostly A(3, n): A(3,n) is odd */
        uint32_t n = 5 + (uint32_t)(i % 3); /* 5..7 keeps the depth under ~1100 frames */
        prev = ack(m, n);
        h = mix64(h, prev);
    }
    bench_print(h);
    return 0;
}
