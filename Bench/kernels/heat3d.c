/* heat3d: explicit heat equation on an N^3 grid, T steps ping-ponging two arrays. */
#include "bench.h"

#define IDX(i, j, k) (((i) * n + (j)) * n + (k))

static void step(double *dst, const double *src, int n) {
    for (int i = 1; i < n - 1; i++)
        for (int j = 1; j < n - 1; j++)
            for (int k = 1; k < n - 1; k++) {
                double c = src[IDX(i, j, k)];
                dst[IDX(i, j, k)] = 0.125 * (src[IDX(i + 1, j, k)] - 2.0 * c + src[IDX(i - 1, j, k)]) +
                                    0.125 * (src[IDX(i, j + 1, k)] - 2.0 * c + src[IDX(i, j - 1, k)]) +
                                    0.125 * (src[IDX(i, j, k + 1)] - 2.0 * c + src[IDX(i, j, k - 1)]) + c;
            }
}

int main(int argc, char **argv) {
    int t = (int)bench_size(argc, argv, 200, 40, 1);
    int n = 120;
    double *a = bench_alloc(sizeof(double) * n * n * n);
    double *b = bench_alloc(sizeof(double) * n * n * n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            for (int k = 0; k < n; k++) {
                a[IDX(i, j, k)] = (double)(i + j + (n - k)) * 10.0 / n;
                b[IDX(i, j, k)] = a[IDX(i, j, k)];
            }
    for (int s = 0; s < t; s++) {
        step(b, a, n);
        step(a, b, n);
    }
    uint64_t h = 0;
    for (int i = 0; i < n * n * n; i++) h = mix64(h, double_bits(a[i]));
    bench_print(h);
    free(a); free(b);
    return 0;
}
