/* knapsack: 0/1 knapsack DP over N items and capacity W with one rolling row of 64-bit
 * values (a compare-and-select per cell, memory-streaming backwards). */
#include "bench.h"

int main(int argc, char **argv) {
    int items = (int)bench_size(argc, argv, 5000, 1000, 20);
    int cap = 200000;
    uint32_t *w = bench_alloc(sizeof(uint32_t) * items);
    uint32_t *v = bench_alloc(sizeof(uint32_t) * items);
    uint64_t *best = bench_alloc(sizeof(uint64_t) * (cap + 1));
    rng_t r = {5};
    for (int i = 0; i < items; i++) {
        w[i] = 1 + rng_below(&r, 1000);
        v[i] = w[i] + rng_below(&r, 500);
    }
    memset(best, 0, sizeof(uint64_t) * (cap + 1));
    uint64_t h = 0;
    for (int i = 0; i < items; i++) {
        uint32_t wi = w[i];
        uint64_t vi = v[i];
        for (int c = cap; c >= (int)wi; c--) {
            uint64_t with = best[c - wi] + vi;
            if (with > best[c]) best[c] = with;
        }
        if ((i & 63) == 0) h = mix64(h, best[cap / 2 + i % 1000]);
    }
    h = mix64(h, best[cap]);
    bench_print(h);
    free(w); free(v); free(best);
    return 0;
}
