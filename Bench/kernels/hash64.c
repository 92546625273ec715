/* hash64: a 64-bit multiply/rotate/xor block hash (four independent lanes of 8-byte words,
 * in the spirit of xxHash/wyhash but our own constants) over a 1 MiB buffer, repeated. */
#include "bench.h"

static inline uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static inline uint64_t load64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8); /* little-endian on both x86-64 and wasm32 */
    return v;
}

static uint64_t hash_buffer(const uint8_t *p, uint32_t len, uint64_t seed) {
    const uint64_t k1 = 0x9FB21C651E98DF25ull, k2 = 0xC13FA9A902A6328Full;
    uint64_t a = seed ^ k1, b = seed + k2, c = rotl(seed, 17) ^ k2, d = seed * k1;
    uint32_t i = 0;
    for (; i + 32 <= len; i += 32) {
        a = rotl(a + load64(p + i) * k2, 31) * k1;
        b = rotl(b + load64(p + i + 8) * k2, 29) * k1;
        c = rotl(c + load64(p + i + 16) * k2, 27) * k1;
        d = rotl(d + load64(p + i + 24) * k2, 33) * k1;
    }
    uint64_t h = rotl(a, 1) + rotl(b, 7) + rotl(c, 12) + rotl(d, 18) + len;
    for (; i < len; i++) h = (h ^ p[i]) * k1;
    h ^= h >> 29; h *= k2; h ^= h >> 32;
    return h;
}

int main(int argc, char **argv) {
    int reps = (int)bench_size(argc, argv, 10000, 2000, 40);
    uint32_t len = 1u << 20;
    uint8_t *buf = bench_alloc(len);
    rng_t r = {1};
    for (uint32_t i = 0; i < len; i += 8) {
        uint64_t v = rng_next(&r);
        memcpy(buf + i, &v, 8);
    }
    uint64_t h = 0;
    for (int k = 0; k < reps; k++) {
        /* vary the length and offset so the tail loop and unaligned loads are exercised */
        uint32_t off = (uint32_t)k % 7, n = len - off - (uint32_t)(k % 31);
        h = mix64(h, hash_buffer(buf + off, n, h));
    }
    bench_print(h);
    free(buf);
    return 0;
}
