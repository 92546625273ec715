/* 2mm: D = alpha*A*B*C + beta*D, two chained matrix products (PolyBench-style). */
#include "bench.h"

/* out = s * x * y (all n x n), i-k-j order. */
static void matmul(double *out, const double *x, const double *y, double s, int n) {
    for (int i = 0; i < n; i++) {
        double *oi = out + i * n;
        for (int j = 0; j < n; j++) oi[j] = 0.0;
        for (int k = 0; k < n; k++) {
            double xik = s * x[i * n + k];
            const double *yk = y + k * n;
            for (int j = 0; j < n; j++) oi[j] += xik * yk[j];
        }
    }
}

int main(int argc, char **argv) {
    int n = (int)bench_size(argc, argv, 1000, 580, 50);
    double alpha = 1.5, beta = 1.2;
    size_t bytes = sizeof(double) * n * n;
    double *a = bench_alloc(bytes), *b = bench_alloc(bytes), *c = bench_alloc(bytes);
    double *d = bench_alloc(bytes), *tmp = bench_alloc(bytes), *tmp2 = bench_alloc(bytes);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            a[i * n + j] = (double)((i * j + 1) % n) / n;
            b[i * n + j] = (double)(i * (j + 1) % n) / n;
            c[i * n + j] = (double)((i * (j + 3) + 1) % n) / n;
            d[i * n + j] = (double)(i * (j + 2) % n) / n;
        }
    matmul(tmp, a, b, alpha, n);
    matmul(tmp2, tmp, c, 1.0, n);
    uint64_t h = 0;
    for (int i = 0; i < n * n; i++) {
        d[i] = d[i] * beta + tmp2[i];
        h = mix64(h, double_bits(d[i]));
    }
    bench_print(h);
    free(a); free(b); free(c); free(d); free(tmp); free(tmp2);
    return 0;
}
