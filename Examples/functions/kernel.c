// A PolyBench-style kernel: C = A x B for N x N doubles (N from the query, default 64),
// answered with a checksum of C.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 64;
    if (n < 1 || n > 512) n = 64;
    double *a = malloc(sizeof(double) * n * n), *b = malloc(sizeof(double) * n * n), *c = calloc((size_t)n * n, sizeof(double));
    if (!a || !b || !c) return 1;
    for (int i = 0; i < n * n; i++) {
        a[i] = (double)(i % 17) / 16.0;
        b[i] = (double)(i % 13) / 12.0;
    }
    for (int i = 0; i < n; i++)
        for (int k = 0; k < n; k++)
            for (int j = 0; j < n; j++) c[i * n + j] += a[i * n + k] * b[k * n + j];
    unsigned long long sum = 0;
    for (int i = 0; i < n * n; i++) sum = sum * 31 + (unsigned long long)(c[i] * 1024.0);
    printf("%llu\n", sum);
    return 0;
}
