/* dbjoin: the inner loops of a small database. A B+tree (fan-out 32) over 16-byte string
 * keys, built by inserting rows in random order (binary search with memcmp, memmove to
 * open a slot, node splits with memcpy), then point lookups, range scans along the leaf
 * chain, deletes, and a hash join of a second table against the first (FNV-1a over the
 * key, chains compared with memcmp), aggregated per group. */
#include "bench.h"

enum { KEY = 16, FAN = 32 };

typedef struct { char key[KEY]; uint32_t a, b, group, pad; } row_t;

typedef struct bnode {
    int32_t leaf, n;
    char keys[FAN][KEY];
    union {
        struct bnode *child[FAN + 1];
        struct { const row_t *row[FAN]; struct bnode *next; } l;
    } u;
} bnode_t;

typedef struct { bnode_t *nodes; int32_t used, cap; } pool_t;

static bnode_t *new_node(pool_t *p, int leaf) {
    if (p->used == p->cap) { fprintf(stderr, "node pool full\n"); exit(3); }
    bnode_t *x = &p->nodes[p->used++];
    x->leaf = leaf;
    x->n = 0;
    x->u.l.next = NULL;
    return x;
}

/* First index whose key is >= `key` (binary search). */
static int lower_bound(const bnode_t *x, const char *key) {
    int lo = 0, hi = x->n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (memcmp(x->keys[mid], key, KEY) < 0) lo = mid + 1; else hi = mid;
    }
    return lo;
}

/* Inserts into the subtree at `x`; when `x` splits, its new right sibling and the key that
 * separates them. Returns 0 when the key was there already (its row replaced). */
static int insert(pool_t *p, bnode_t *x, const row_t *row, bnode_t **split, char *sep) {
    int i = lower_bound(x, row->key);
    *split = NULL;
    if (x->leaf) {
        if (i < x->n && memcmp(x->keys[i], row->key, KEY) == 0) { x->u.l.row[i] = row; return 0; }
        memmove(x->keys[i + 1], x->keys[i], (size_t)(x->n - i) * KEY);
        memmove(&x->u.l.row[i + 1], &x->u.l.row[i], (size_t)(x->n - i) * sizeof(row_t *));
        memcpy(x->keys[i], row->key, KEY);
        x->u.l.row[i] = row;
        x->n++;
    } else {
        if (i < x->n && memcmp(x->keys[i], row->key, KEY) == 0) i++;
        bnode_t *child_split;
        char child_sep[KEY];
        int added = insert(p, x->u.child[i], row, &child_split, child_sep);
        if (!child_split) return added;
        memmove(x->keys[i + 1], x->keys[i], (size_t)(x->n - i) * KEY);
        memmove(&x->u.child[i + 2], &x->u.child[i + 1], (size_t)(x->n - i) * sizeof(bnode_t *));
        memcpy(x->keys[i], child_sep, KEY);
        x->u.child[i + 1] = child_split;
        x->n++;
    }
    if (x->n < FAN) return 1;
    /* Full: the upper half moves to a new sibling. */
    bnode_t *right = new_node(p, x->leaf);
    int half = FAN / 2;
    if (x->leaf) {
        right->n = x->n - half;
        memcpy(right->keys, x->keys[half], (size_t)right->n * KEY);
        memcpy(right->u.l.row, &x->u.l.row[half], (size_t)right->n * sizeof(row_t *));
        right->u.l.next = x->u.l.next;
        x->u.l.next = right;
        x->n = half;
        memcpy(sep, right->keys[0], KEY);
    } else {
        memcpy(sep, x->keys[half], KEY);
        right->n = x->n - half - 1;
        memcpy(right->keys, x->keys[half + 1], (size_t)right->n * KEY);
        memcpy(right->u.child, &x->u.child[half + 1], (size_t)(right->n + 1) * sizeof(bnode_t *));
        x->n = half;
    }
    *split = right;
    return 1;
}

static bnode_t *leaf_for(bnode_t *x, const char *key) {
    while (!x->leaf) {
        int i = lower_bound(x, key);
        if (i < x->n && memcmp(x->keys[i], key, KEY) == 0) i++;
        x = x->u.child[i];
    }
    return x;
}

static const row_t *lookup(bnode_t *root, const char *key) {
    bnode_t *x = leaf_for(root, key);
    int i = lower_bound(x, key);
    return i < x->n && memcmp(x->keys[i], key, KEY) == 0 ? x->u.l.row[i] : NULL;
}

/* Removes the key from its leaf (leaves may run under half full, as many engines allow). */
static int erase(bnode_t *root, const char *key) {
    bnode_t *x = leaf_for(root, key);
    int i = lower_bound(x, key);
    if (i >= x->n || memcmp(x->keys[i], key, KEY) != 0) return 0;
    memmove(x->keys[i], x->keys[i + 1], (size_t)(x->n - i - 1) * KEY);
    memmove(&x->u.l.row[i], &x->u.l.row[i + 1], (size_t)(x->n - i - 1) * sizeof(row_t *));
    x->n--;
    return 1;
}

/* Sum over the `count` rows from the first key >= `key` on, along the leaf chain. */
static uint64_t scan(bnode_t *root, const char *key, int count) {
    bnode_t *x = leaf_for(root, key);
    int i = lower_bound(x, key);
    uint64_t sum = 0;
    while (x && count > 0) {
        for (; i < x->n && count > 0; i++, count--) sum += x->u.l.row[i]->a ^ ((uint64_t)x->u.l.row[i]->b << 7);
        x = x->u.l.next;
        i = 0;
    }
    return sum;
}

static void make_key(char *key, uint32_t id) {
    /* "usr:" and twelve letters: common prefixes, so memcmp looks past the first bytes. */
    memcpy(key, "usr:", 4);
    uint32_t v = id * 2654435761u;
    for (int i = 0; i < 12; i++) {
        key[4 + i] = (char)('a' + v % 13u);
        v = v / 13u + (uint32_t)i * 977u + id;
    }
}

static uint32_t fnv(const char *key) {
    uint32_t h = 2166136261u;
    for (int i = 0; i < KEY; i++) h = (h ^ (uint8_t)key[i]) * 16777619u;
    return h;
}

int main(int argc, char **argv) {
    /* Rebuilds of the whole table; 0 (quick) is one over a table 40 times smaller. */
    int32_t reps = (int32_t)bench_size(argc, argv, 10, 2, 0);
    const int32_t ROWS = reps ? 120000 : 3000, PROBES = reps ? 200000 : 5000;
    if (reps == 0) reps = 1;
    rng_t r = {99};
    row_t *rows = bench_alloc(sizeof(row_t) * ROWS), *probes = bench_alloc(sizeof(row_t) * PROBES);
    for (int32_t i = 0; i < ROWS; i++) {
        make_key(rows[i].key, (uint32_t)i);
        rows[i].a = rng_u32(&r);
        rows[i].b = rng_below(&r, 1000);
        rows[i].group = rng_below(&r, 64);
    }
    for (int32_t i = 0; i < PROBES; i++) {
        /* A quarter match nothing. */
        make_key(probes[i].key, rng_below(&r, (uint32_t)(ROWS + ROWS / 3)));
        probes[i].a = rng_u32(&r);
    }
    pool_t pool = {bench_alloc(sizeof(bnode_t) * (size_t)(ROWS / 8)), 0, ROWS / 8};
    int32_t *order = bench_alloc(sizeof(int32_t) * ROWS);
    int32_t *heads = bench_alloc(sizeof(int32_t) * 65536), *chain = bench_alloc(sizeof(int32_t) * ROWS);
    uint64_t h = 0;
    for (int32_t rep = 0; rep < reps; rep++) {
        /* Build: rows inserted in a fresh random order. */
        for (int32_t i = 0; i < ROWS; i++) order[i] = i;
        for (int32_t i = ROWS - 1; i > 0; i--) {
            int32_t j = (int32_t)rng_below(&r, (uint32_t)i + 1);
            int32_t t = order[i]; order[i] = order[j]; order[j] = t;
        }
        pool.used = 0;
        bnode_t *root = new_node(&pool, 1);
        for (int32_t i = 0; i < ROWS; i++) {
            bnode_t *split;
            char sep[KEY];
            insert(&pool, root, &rows[order[i]], &split, sep);
            if (split) {
                bnode_t *top = new_node(&pool, 0);
                top->n = 1;
                memcpy(top->keys[0], sep, KEY);
                top->u.child[0] = root;
                top->u.child[1] = split;
                root = top;
            }
        }
        h = mix64(h, (uint64_t)pool.used);
        /* Point lookups and range scans. */
        uint64_t found = 0;
        for (int32_t i = 0; i < PROBES; i++) {
            const row_t *row = lookup(root, probes[i].key);
            if (row) found += row->a;
            if (i % 64 == 0) found += scan(root, probes[i].key, 200);
        }
        h = mix64(h, found);
        /* Deletes of one row in eight, then lookups of all of them. */
        uint32_t erased = 0, left = 0;
        for (int32_t i = rep % 8; i < ROWS; i += 8) erased += (uint32_t)erase(root, rows[order[i]].key);
        for (int32_t i = 0; i < ROWS; i += 3) left += lookup(root, rows[i].key) != NULL;
        h = mix64(h, (uint64_t)erased << 32 | left);
        /* Hash join of the probes against the rows, grouped. */
        memset(heads, 0xff, sizeof(int32_t) * 65536);
        for (int32_t i = 0; i < ROWS; i++) {
            uint32_t b = fnv(rows[i].key) & 65535u;
            chain[i] = heads[b];
            heads[b] = i;
        }
        uint64_t groups[64] = {0};
        for (int32_t i = 0; i < PROBES; i++) {
            for (int32_t j = heads[fnv(probes[i].key) & 65535u]; j >= 0; j = chain[j]) {
                if (memcmp(rows[j].key, probes[i].key, KEY) == 0) {
                    groups[rows[j].group] += (uint64_t)(probes[i].a ^ rows[j].a) + rows[j].b;
                    break;
                }
            }
        }
        for (int g = 0; g < 64; g++) h = mix64(h, groups[g]);
    }
    bench_print(h);
    free(chain); free(heads); free(order); free(pool.nodes); free(probes); free(rows);
    return 0;
}
