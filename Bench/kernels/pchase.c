/* pchase: dependent loads along one random cycle (Sattolo's shuffle) through an array of
 * 32-bit indices (32 MiB at the default size): latency-bound, cache- and TLB-missing access. */
#include "bench.h"

int main(int argc, char **argv) {
    int64_t steps = bench_size(argc, argv, 6000000, 1200000, 500000);
    uint32_t n = 1u << 12; /* smallest power of two >= steps, at most 8 Mi entries */
    while (n < (1u << 23) && (int64_t)n < steps) n <<= 1;
    uint32_t *next = bench_alloc(sizeof(uint32_t) * n);
    rng_t r = {31337};
    for (uint32_t i = 0; i < n; i++) next[i] = i;
    /* Sattolo: a uniformly random single cycle covering every slot. */
    for (uint32_t i = n - 1; i > 0; i--) {
        uint32_t j = rng_below(&r, i);
        uint32_t t = next[i]; next[i] = next[j]; next[j] = t;
    }
    uint32_t p = 0;
    uint64_t h = 0, sum = 0;
    for (int64_t s = 0; s < steps; s++) {
        p = next[p];
        sum += p;
        if ((s & 0xFFFFF) == 0) h = mix64(h, p);
    }
    h = mix64(h, sum);
    h = mix64(h, p);
    bench_print(h);
    free(next);
    return 0;
}
