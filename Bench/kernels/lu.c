/* lu: in-place LU decomposition without pivoting of a diagonally dominant N x N matrix. */
#include "bench.h"

int main(int argc, char **argv) {
    int n = (int)bench_size(argc, argv, 1600, 940, 80);
    double *a = bench_alloc(sizeof(double) * n * n);
    rng_t r = {42};
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) a[i * n + j] = rng_double(&r) - 0.5;
        a[i * n + i] += (double)n; /* dominant diagonal: no pivoting needed */
    }
    for (int k = 0; k < n; k++) {
        double pivot = a[k * n + k];
        for (int i = k + 1; i < n; i++) {
            double *ai = a + i * n;
            const double *ak = a + k * n;
            double f = ai[k] / pivot;
            ai[k] = f;
            for (int j = k + 1; j < n; j++) ai[j] -= f * ak[j];
        }
    }
    uint64_t h = 0;
    for (int i = 0; i < n * n; i++) h = mix64(h, double_bits(a[i]));
    bench_print(h);
    free(a);
    return 0;
}
