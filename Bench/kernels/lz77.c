/* lz77: an LZ77 compressor (32 KiB window, hash chains, greedy matching with one-step lazy
 * evaluation) and its decompressor, run as a round trip over generated text-like data.
 * Stream format: a flag byte announces 8 items; literal = 1 byte, match = 3 bytes
 * (16-bit distance - 1, length - 3). The round trip must reproduce the input exactly. */
#include "bench.h"

enum { WINDOW = 1 << 15, HASH_BITS = 15, MIN_MATCH = 3, MAX_MATCH = 258, MAX_CHAIN = 48 };

typedef struct { uint32_t len, dist; } match_t;

static inline uint32_t hash3(const uint8_t *p) {
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
    return (v * 2654435761u) >> (32 - HASH_BITS);
}

typedef struct {
    int32_t head[1 << HASH_BITS];
    int32_t prev[WINDOW];
} chains_t;

static void insert(chains_t *c, const uint8_t *in, uint32_t pos) {
    uint32_t h = hash3(in + pos);
    c->prev[pos & (WINDOW - 1)] = c->head[h];
    c->head[h] = (int32_t)pos;
}

static match_t longest(const chains_t *c, const uint8_t *in, uint32_t pos, uint32_t n) {
    match_t best = {0, 0};
    uint32_t limit = n - pos < MAX_MATCH ? n - pos : MAX_MATCH;
    if (limit < MIN_MATCH) return best;
    int32_t cand = c->head[hash3(in + pos)];
    for (int steps = 0; cand >= 0 && steps < MAX_CHAIN; steps++) {
        uint32_t cp = (uint32_t)cand;
        if (pos - cp > WINDOW - 1 || cp >= pos) break;
        if (in[cp + best.len] == in[pos + best.len]) {
            uint32_t l = 0;
            while (l < limit && in[cp + l] == in[pos + l]) l++;
            if (l > best.len) { best.len = l; best.dist = pos - cp; if (l == limit) break; }
        }
        int32_t next = c->prev[cp & (WINDOW - 1)];
        if (next >= cand) break; /* the slot was overwritten by a newer position */
        cand = next;
    }
    if (best.len < MIN_MATCH) best.len = 0;
    return best;
}

/* Returns the compressed size; out must hold n + n/8 + 16 bytes. */
static uint32_t compress(const uint8_t *in, uint32_t n, uint8_t *out, chains_t *c) {
    for (uint32_t i = 0; i < (1u << HASH_BITS); i++) c->head[i] = -1;
    uint32_t o = 0, flag_at = 0, items = 8, pos = 0;
    while (pos < n) {
        if (items == 8) { flag_at = o++; out[flag_at] = 0; items = 0; }
        match_t m = pos + MIN_MATCH <= n ? longest(c, in, pos, n) : (match_t){0, 0};
        if (m.len && pos + 1 + MIN_MATCH <= n) {
            /* lazy step: prefer a literal if the next position has a longer match */
            insert(c, in, pos);
            match_t next = longest(c, in, pos + 1, n);
            if (next.len > m.len) m.len = 0;
        } else if (pos + MIN_MATCH <= n) {
            insert(c, in, pos);
        }
        if (m.len) {
            out[flag_at] |= (uint8_t)(1u << items);
            out[o++] = (uint8_t)((m.dist - 1) & 0xFF);
            out[o++] = (uint8_t)((m.dist - 1) >> 8);
            out[o++] = (uint8_t)(m.len - MIN_MATCH);
            for (uint32_t k = 1; k < m.len; k++)
                if (pos + k + MIN_MATCH <= n) insert(c, in, pos + k);
            pos += m.len;
        } else {
            out[o++] = in[pos++];
        }
        items++;
    }
    return o;
}

/* Returns the decompressed size, or UINT32_MAX on a malformed stream. */
static uint32_t decompress(const uint8_t *in, uint32_t n, uint8_t *out, uint32_t cap) {
    uint32_t i = 0, o = 0;
    while (i < n) {
        uint8_t flags = in[i++];
        for (int k = 0; k < 8 && i < n; k++) {
            if (flags & (1u << k)) {
                if (i + 3 > n) return UINT32_MAX;
                uint32_t dist = ((uint32_t)in[i] | (uint32_t)in[i + 1] << 8) + 1;
                uint32_t len = (uint32_t)in[i + 2] + MIN_MATCH;
                i += 3;
                if (dist > o || o + len > cap) return UINT32_MAX;
                for (uint32_t j = 0; j < len; j++, o++) out[o] = out[o - dist]; /* may overlap */
            } else {
                if (o >= cap) return UINT32_MAX;
                out[o++] = in[i++];
            }
        }
    }
    return o;
}

static uint32_t make_input(uint8_t *buf, uint32_t n, rng_t *r) {
    static const char *words[] = {"alpha ", "beta ", "gamma ", "delta ", "wasm ", "module ", "(func ",
                                  "(local.get $x) ", "(i32.add) ", "\n", "memory ", "bounds check ", "tier "};
    uint32_t i = 0;
    while (i < n) {
        uint32_t k = rng_below(r, 20);
        if (k < 13) {
            for (const char *w = words[k]; *w && i < n; w++) buf[i++] = (uint8_t)*w;
        } else if (k < 17 && i > 64) { /* repeat a recent phrase */
            uint32_t back = 1 + rng_below(r, i < 4000 ? i : 4000), len = 4 + rng_below(r, 40);
            for (uint32_t j = 0; j < len && i < n; j++, i++) buf[i] = buf[i - back];
        } else {
            buf[i++] = (uint8_t)(32 + rng_below(r, 95)); /* noise */
        }
    }
    return n;
}

int main(int argc, char **argv) {
    int reps = (int)bench_size(argc, argv, 16, 3, 1);
    uint32_t n = 1u << 20;
    uint8_t *in = bench_alloc(n), *packed = bench_alloc(n + n / 8 + 16), *back = bench_alloc(n);
    chains_t *c = bench_alloc(sizeof *c);
    rng_t r = {1977};
    uint64_t h = 0;
    for (int k = 0; k < reps; k++) {
        make_input(in, n, &r);
        uint32_t psize = compress(in, n, packed, c);
        uint32_t usize = decompress(packed, psize, back, n);
        if (usize != n || memcmp(in, back, n) != 0) { printf("round trip failed\n"); return 1; }
        h = mix64(h, psize);
        for (uint32_t i = 0; i < psize; i += 61) h = mix64(h, packed[i]);
    }
    bench_print(h);
    free(in); free(packed); free(back); free(c);
    return 0;
}
