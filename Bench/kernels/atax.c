/* atax: y = A^T (A x) on an M x N matrix, repeated with x fed back from y (PolyBench-style). */
#include "bench.h"

int main(int argc, char **argv) {
    int reps = (int)bench_size(argc, argv, 180, 36, 4);
    int m = 1900, n = 2100;
    double *a = bench_alloc(sizeof(double) * m * n);
    double *x = bench_alloc(sizeof(double) * n);
    double *y = bench_alloc(sizeof(double) * n);
    double *tmp = bench_alloc(sizeof(double) * m);
    for (int j = 0; j < n; j++) x[j] = 1.0 + (double)j / n;
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) a[i * n + j] = (double)((i + j) % n) / (5.0 * m);
    uint64_t h = 0;
    for (int r = 0; r < reps; r++) {
        for (int j = 0; j < n; j++) y[j] = 0.0;
        for (int i = 0; i < m; i++) {
            const double *ai = a + i * n;
            double t = 0.0;
            for (int j = 0; j < n; j++) t += ai[j] * x[j];
            tmp[i] = t;
            for (int j = 0; j < n; j++) y[j] += ai[j] * t;
        }
        /* Normalise by the largest magnitude so values stay in range across repetitions. */
        double mx = 0.0;
        for (int j = 0; j < n; j++) { double v = y[j] < 0 ? -y[j] : y[j]; if (v > mx) mx = v; }
        for (int j = 0; j < n; j++) x[j] = y[j] / mx;
        h = mix64(h, double_bits(mx));
    }
    for (int j = 0; j < n; j++) h = mix64(h, double_bits(y[j]));
    bench_print(h);
    free(a); free(x); free(y); free(tmp);
    return 0;
}
