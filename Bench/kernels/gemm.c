/* gemm: C = alpha*A*B + beta*C on dense N x N doubles (PolyBench-style, i-k-j order). */
#include "bench.h"

static uint64_t checksum_matrix(const double *m, int n) {
    uint64_t h = 0;
    for (int i = 0; i < n * n; i++) h = mix64(h, double_bits(m[i]));
    return h;
}

int main(int argc, char **argv) {
    int n = (int)bench_size(argc, argv, 1200, 700, 60);
    double alpha = 1.5, beta = 1.2;
    double *a = bench_alloc(sizeof(double) * n * n);
    double *b = bench_alloc(sizeof(double) * n * n);
    double *c = bench_alloc(sizeof(double) * n * n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            a[i * n + j] = (double)((i * j + 1) % n) / n;
            b[i * n + j] = (double)((i * (j + 1) + 2) % n) / n;
            c[i * n + j] = (double)((i * (j + 2) + 3) % n) / n;
        }
    for (int i = 0; i < n; i++) {
        double *ci = c + i * n;
        for (int j = 0; j < n; j++) ci[j] *= beta;
        for (int k = 0; k < n; k++) {
            double aik = alpha * a[i * n + k];
            const double *bk = b + k * n;
            for (int j = 0; j < n; j++) ci[j] += aik * bk[j];
        }
    }
    bench_print(checksum_matrix(c, n));
    free(a); free(b); free(c);
    return 0;
}
