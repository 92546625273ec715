/* hashtable: open-addressing (linear probing, tombstones) 64-bit key -> 32-bit value map
 * under a random mix of inserts, lookups and deletes; the table grows by rehashing. */
#include "bench.h"

enum { EMPTY = 0, FULL = 1, DEAD = 2 };

typedef struct {
    uint64_t *keys;
    uint32_t *vals;
    uint8_t *state;
    uint32_t cap, used, live; /* used counts FULL + DEAD slots */
} table_t;

static inline uint32_t hash_key(uint64_t k) {
    k ^= k >> 33; k *= 0xC2B2AE3D27D4EB4Full; k ^= k >> 29;
    return (uint32_t)k;
}

static void table_init(table_t *t, uint32_t cap) {
    t->cap = cap; t->used = 0; t->live = 0;
    t->keys = bench_alloc(sizeof(uint64_t) * cap);
    t->vals = bench_alloc(sizeof(uint32_t) * cap);
    t->state = bench_alloc(cap);
    memset(t->state, EMPTY, cap);
}

static void table_free(table_t *t) { free(t->keys); free(t->vals); free(t->state); }

static void table_put(table_t *t, uint64_t k, uint32_t v);

static void table_resize(table_t *t, uint32_t cap) {
    table_t old = *t;
    table_init(t, cap);
    for (uint32_t i = 0; i < old.cap; i++)
        if (old.state[i] == FULL) table_put(t, old.keys[i], old.vals[i]);
    table_free(&old);
}

static void table_put(table_t *t, uint64_t k, uint32_t v) {
    if ((t->used + 1) * 4 > t->cap * 3) table_resize(t, t->live * 2 > t->cap / 2 ? t->cap * 2 : t->cap);
    uint32_t mask = t->cap - 1, i = hash_key(k) & mask, grave = UINT32_MAX;
    for (;;) {
        uint8_t s = t->state[i];
        if (s == EMPTY) break;
        if (s == DEAD) { if (grave == UINT32_MAX) grave = i; }
        else if (t->keys[i] == k) { t->vals[i] = v; return; }
        i = (i + 1) & mask;
    }
    if (grave != UINT32_MAX) i = grave; else t->used++;
    t->state[i] = FULL; t->keys[i] = k; t->vals[i] = v; t->live++;
}

static int table_find(const table_t *t, uint64_t k, uint32_t *slot) {
    uint32_t mask = t->cap - 1, i = hash_key(k) & mask;
    for (;;) {
        uint8_t s = t->state[i];
        if (s == EMPTY) return 0;
        if (s == FULL && t->keys[i] == k) { *slot = i; return 1; }
        i = (i + 1) & mask;
    }
}

int main(int argc, char **argv) {
    int64_t ops = bench_size(argc, argv, 12000000, 2400000, 300000);
    uint32_t keyspace = 1u << 21;
    table_t t;
    table_init(&t, 1024);
    rng_t r = {77};
    uint64_t h = 0, hits = 0;
    for (int64_t i = 0; i < ops; i++) {
        uint64_t x = rng_next(&r);
        uint64_t key = (x >> 8) % keyspace * 0x9E3779B97F4A7C15ull + 1;
        uint32_t op = (uint32_t)(x & 0xFF), slot;
        if (op < 128) table_put(&t, key, (uint32_t)i);
        else if (op < 224) { if (table_find(&t, key, &slot)) { hits++; h += t.vals[slot]; } }
        else if (table_find(&t, key, &slot)) { t.state[slot] = DEAD; t.live--; }
    }
    h = mix64(h, hits);
    h = mix64(h, t.live);
    h = mix64(h, t.cap);
    bench_print(h);
    table_free(&t);
    return 0;
}
