/* nussinov: RNA secondary-structure DP (maximum base pairing) over a random sequence of
 * length N, O(N^3), on 32-bit ints (PolyBench-style). */
#include "bench.h"

static inline int max_i(int a, int b) { return a > b ? a : b; }
/* Bases 0..3 = A C G U; A-U and C-G pair. */
static inline int pairs(int a, int b) { return a + b == 3; }

int main(int argc, char **argv) {
    int n = (int)bench_size(argc, argv, 1600, 940, 150);
    int *seq = bench_alloc(sizeof(int) * n);
    int *t = bench_alloc(sizeof(int) * n * n);
    rng_t r = {2024};
    for (int i = 0; i < n; i++) seq[i] = (int)rng_below(&r, 4);
    memset(t, 0, sizeof(int) * n * n);
    for (int i = n - 1; i >= 0; i--) {
        int *ti = t + i * n;
        for (int j = i + 1; j < n; j++) {
            int v = ti[j - 1];
            if (i + 1 < n) v = max_i(v, t[(i + 1) * n + j]);
            if (i + 1 < j) v = max_i(v, t[(i + 1) * n + j - 1] + pairs(seq[i], seq[j]));
            else v = max_i(v, pairs(seq[i], seq[j]));
            for (int k = i + 1; k < j; k++) v = max_i(v, ti[k] + t[(k + 1) * n + j]);
            ti[j] = v;
        }
    }
    uint64_t h = 0;
    for (int i = 0; i < n; i += 7)
        for (int j = i; j < n; j += 3) h = mix64(h, (uint64_t)(uint32_t)t[i * n + j]);
    h = mix64(h, (uint64_t)t[n - 1]);
    bench_print(h);
    free(seq); free(t);
    return 0;
}
