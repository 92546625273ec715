/* seidel2d: 9-point Gauss-Seidel sweeps in place on an N x N grid (loop-carried dependence:
 * the compiler cannot vectorise it, so it measures scalar load/compute/store throughput). */
#include "bench.h"

int main(int argc, char **argv) {
    int t = (int)bench_size(argc, argv, 90, 18, 2);
    int n = 1000;
    double *a = bench_alloc(sizeof(double) * n * n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) a[i * n + j] = ((double)i * (j + 2) + 2) / n;
    for (int s = 0; s < t; s++)
        for (int i = 1; i < n - 1; i++)
            for (int j = 1; j < n - 1; j++)
                a[i * n + j] = (a[(i - 1) * n + j - 1] + a[(i - 1) * n + j] + a[(i - 1) * n + j + 1] +
                                a[i * n + j - 1] + a[i * n + j] + a[i * n + j + 1] +
                                a[(i + 1) * n + j - 1] + a[(i + 1) * n + j] + a[(i + 1) * n + j + 1]) / 9.0;
    uint64_t h = 0;
    for (int i = 0; i < n * n; i++) h = mix64(h, double_bits(a[i]));
    bench_print(h);
    free(a);
    return 0;
}
