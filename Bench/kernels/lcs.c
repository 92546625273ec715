/* lcs: longest common subsequence of random strings (alphabet 8) by row-by-row DP,
 * over several pairs; O(N^2) per pair with two rolling rows. */
#include "bench.h"

static uint32_t lcs_length(const uint8_t *x, const uint8_t *y, int n, uint32_t *prev, uint32_t *cur) {
    memset(prev, 0, sizeof(uint32_t) * (n + 1));
    for (int i = 1; i <= n; i++) {
        cur[0] = 0;
        uint8_t xi = x[i - 1];
        for (int j = 1; j <= n; j++) {
            if (xi == y[j - 1]) cur[j] = prev[j - 1] + 1;
            else cur[j] = prev[j] > cur[j - 1] ? prev[j] : cur[j - 1];
        }
        uint32_t *tmp = prev; prev = cur; cur = tmp;
    }
    return prev[n];
}

int main(int argc, char **argv) {
    int n = (int)bench_size(argc, argv, 12000, 5400, 800);
    int pairs = 4;
    uint8_t *x = bench_alloc(n), *y = bench_alloc(n);
    uint32_t *prev = bench_alloc(sizeof(uint32_t) * (n + 1));
    uint32_t *cur = bench_alloc(sizeof(uint32_t) * (n + 1));
    rng_t r = {99};
    uint64_t h = 0;
    for (int p = 0; p < pairs; p++) {
        for (int i = 0; i < n; i++) x[i] = (uint8_t)rng_below(&r, 8);
        /* y is a mutated copy of x, so the answer is long and data-dependent. */
        for (int i = 0; i < n; i++) y[i] = rng_below(&r, 4) == 0 ? (uint8_t)rng_below(&r, 8) : x[i];
        h = mix64(h, lcs_length(x, y, n, prev, cur));
    }
    bench_print(h);
    free(x); free(y); free(prev); free(cur);
    return 0;
}
