/* Shared helpers for the WasmLab benchmark kernels.
 *
 * Every kernel must print the same checksum natively and in wasm32, so:
 *  - only fixed-width integer types where values matter (long and size_t are 32-bit on wasm32);
 *  - unsigned arithmetic wherever a value may wrap (signed overflow is undefined);
 *  - floating point only through + - * / sqrt and comparisons (exact in IEEE 754), never
 *    sin/exp/pow, whose last bit differs between glibc and wasi-libc;
 *  - our own PRNG, never rand();
 *  - results are folded into a 64-bit checksum, never printed as decimals of doubles.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Size parameter: no argument gives the default size (~0.5-2 s natively at -O2), "small"
 * about a fifth of that work (for interpreters, whose runs take 10x longer), "quick" a
 * smoke-test size, a number that size. */
static int64_t bench_size(int argc, char **argv, int64_t def, int64_t small, int64_t quick) {
    if (argc < 2) return def;
    if (strcmp(argv[1], "quick") == 0) return quick;
    if (strcmp(argv[1], "small") == 0) return small;
    char *end = NULL;
    long long v = strtoll(argv[1], &end, 10);
    if (end == argv[1] || *end != '\0' || v <= 0) {
        fprintf(stderr, "usage: %s [quick|small|SIZE]\n", argv[0]);
        exit(2);
    }
    return (int64_t)v;
}

/* splitmix64: small, fast, and identical on every platform. */
typedef struct { uint64_t s; } rng_t;

static inline uint64_t rng_next(rng_t *r) {
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline uint32_t rng_u32(rng_t *r) { return (uint32_t)(rng_next(r) >> 32); }

/* Uniform-enough value in [0, n) without division. */
static inline uint32_t rng_below(rng_t *r, uint32_t n) {
    return (uint32_t)(((uint64_t)rng_u32(r) * n) >> 32);
}

/* Double in [0, 1) with 53 random bits. */
static inline double rng_double(rng_t *r) {
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Order-dependent checksum accumulator. */
static inline uint64_t mix64(uint64_t h, uint64_t v) {
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    h *= 0xFF51AFD7ED558CCDull;
    return h ^ (h >> 33);
}

static inline uint64_t double_bits(double d) {
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static inline void *bench_alloc(size_t bytes) {
    void *p = malloc(bytes);
    if (!p) {
        fprintf(stderr, "out of memory (%zu bytes)\n", bytes);
        exit(3);
    }
    return p;
}

static inline void bench_print(uint64_t checksum) {
    printf("checksum: %016llx\n", (unsigned long long)checksum);
}

#endif
