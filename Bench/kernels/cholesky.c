/* cholesky: A = L L^T for a symmetric positive definite N x N matrix (PolyBench-style). */
#include "bench.h"
#include <math.h>

int main(int argc, char **argv) {
    int n = (int)bench_size(argc, argv, 1700, 1000, 90);
    double *a = bench_alloc(sizeof(double) * n * n);
    rng_t r = {7};
    /* Symmetric with a dominant diagonal, hence positive definite. */
    for (int i = 0; i < n; i++) {
        for (int j = 0; j <= i; j++) {
            double v = rng_double(&r) - 0.5;
            a[i * n + j] = v;
            a[j * n + i] = v;
        }
        a[i * n + i] = (double)n + rng_double(&r);
    }
    for (int i = 0; i < n; i++) {
        double *ai = a + i * n;
        for (int j = 0; j < i; j++) {
            const double *aj = a + j * n;
            double s = ai[j];
            for (int k = 0; k < j; k++) s -= ai[k] * aj[k];
            ai[j] = s / aj[j];
        }
        double s = ai[i];
        for (int k = 0; k < i; k++) s -= ai[k] * ai[k];
        ai[i] = sqrt(s);
    }
    uint64_t h = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++) h = mix64(h, double_bits(a[i * n + j]));
    bench_print(h);
    free(a);
    return 0;
}
