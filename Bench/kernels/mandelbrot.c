/* mandelbrot: escape-time iteration over an N x N grid of the complex plane (max 200
 * iterations), packing the in-set bits into bytes as in the classic benchmark. */
#include "bench.h"

int main(int argc, char **argv) {
    int n = (int)bench_size(argc, argv, 1900, 850, 200);
    int row_bytes = (n + 7) / 8;
    uint8_t *bits = bench_alloc((size_t)row_bytes * n);
    uint64_t iters = 0;
    for (int y = 0; y < n; y++) {
        double ci = 2.0 * y / n - 1.0;
        for (int xb = 0; xb < row_bytes; xb++) {
            uint8_t byte = 0;
            for (int bit = 0; bit < 8; bit++) {
                int x = xb * 8 + bit;
                double cr = 2.0 * x / n - 1.5;
                double zr = 0, zi = 0, tr = 0, ti = 0;
                int k = 0;
                for (; k < 200 && tr + ti <= 4.0; k++) {
                    zi = 2.0 * zr * zi + ci;
                    zr = tr - ti + cr;
                    tr = zr * zr;
                    ti = zi * zi;
                }
                iters += (uint64_t)k;
                byte = (uint8_t)(byte << 1 | (x < n && tr + ti <= 4.0));
            }
            bits[y * row_bytes + xb] = byte;
        }
    }
    uint64_t h = mix64(0, iters);
    for (int i = 0; i < row_bytes * n; i++) h = mix64(h, bits[i]);
    bench_print(h);
    free(bits);
    return 0;
}
