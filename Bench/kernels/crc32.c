/* crc32: table-driven CRC-32 (IEEE 802.3, reflected, slicing-by-4) over a 4 MiB buffer,
 * repeated, with a bytewise reference pass to check the fast one. */
#include "bench.h"

static uint32_t table[4][256];

static void make_tables(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 4; t++) table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xFF];
}

static uint32_t crc_bytewise(uint32_t crc, const uint8_t *p, uint32_t n) {
    crc = ~crc;
    for (uint32_t i = 0; i < n; i++) crc = table[0][(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

static uint32_t crc_slice4(uint32_t crc, const uint8_t *p, uint32_t n) {
    crc = ~crc;
    uint32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        crc ^= (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24;
        crc = table[3][crc & 0xFF] ^ table[2][(crc >> 8) & 0xFF] ^ table[1][(crc >> 16) & 0xFF] ^ table[0][crc >> 24];
    }
    for (; i < n; i++) crc = table[0][(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

int main(int argc, char **argv) {
    int reps = (int)bench_size(argc, argv, 250, 50, 4);
    uint32_t len = 4u << 20;
    uint8_t *buf = bench_alloc(len);
    rng_t r = {3};
    for (uint32_t i = 0; i < len; i++) buf[i] = (uint8_t)(rng_next(&r) >> 56);
    make_tables();
    if (crc_slice4(0, (const uint8_t *)"123456789", 9) != 0xCBF43926u) { printf("bad crc\n"); return 1; }
    uint64_t h = 0;
    uint32_t crc = 0;
    for (int k = 0; k < reps; k++) {
        crc = crc_slice4(crc, buf + (k & 3), len - 4);
        h = mix64(h, crc);
    }
    /* the bytewise reference must agree with slicing */
    uint32_t ref = crc_bytewise(0, buf, len), fast = crc_slice4(0, buf, len);
    if (ref != fast) { printf("crc mismatch\n"); return 1; }
    h = mix64(h, ref);
    bench_print(h);
    free(buf);
    return 0;
}
