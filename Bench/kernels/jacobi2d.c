/* jacobi2d: 5-point Jacobi stencil on an N x N grid, T sweeps ping-ponging two arrays. */
#include "bench.h"

int main(int argc, char **argv) {
    int t = (int)bench_size(argc, argv, 500, 100, 2);
    int n = 1000;
    double *a = bench_alloc(sizeof(double) * n * n);
    double *b = bench_alloc(sizeof(double) * n * n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            a[i * n + j] = ((double)i * (j + 2) + 2) / n;
            b[i * n + j] = ((double)i * (j + 3) + 3) / n;
        }
    for (int s = 0; s < t; s++) {
        for (int i = 1; i < n - 1; i++)
            for (int j = 1; j < n - 1; j++)
                b[i * n + j] = 0.2 * (a[i * n + j] + a[i * n + j - 1] + a[i * n + j + 1] +
                                      a[(i + 1) * n + j] + a[(i - 1) * n + j]);
        for (int i = 1; i < n - 1; i++)
            for (int j = 1; j < n - 1; j++)
                a[i * n + j] = 0.2 * (b[i * n + j] + b[i * n + j - 1] + b[i * n + j + 1] +
                                      b[(i + 1) * n + j] + b[(i - 1) * n + j]);
    }
    uint64_t h = 0;
    for (int i = 0; i < n * n; i++) h = mix64(h, double_bits(a[i]));
    bench_print(h);
    free(a); free(b);
    return 0;
}
