/* recurse: deep and varied recursion, the shape of tree walkers and evaluators: Takeuchi's
 * function (three arguments, millions of short calls), walks of a binary tree (sum,
 * height, a filter, a mirror that rewrites it), a fold down a 900-node list with five
 * arguments per call, and mutual recursion (is_even/is_odd) 900 deep. Depth stays under
 * ~1000 frames so every runtime's default stack holds it. */
#include "bench.h"

__attribute__((noinline)) static uint32_t tak(uint32_t x, uint32_t y, uint32_t z) {
    if (y >= x) return z;
    return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y));
}

typedef struct { int32_t left, right; uint32_t value; } tnode_t;

static int32_t build(tnode_t *pool, int32_t *used, int depth, rng_t *r) {
    if (depth == 0) return -1;
    int32_t i = (*used)++;
    pool[i].value = rng_below(r, 1000);
    pool[i].left = build(pool, used, depth - 1, r);
    pool[i].right = build(pool, used, depth - 1, r);
    return i;
}

__attribute__((noinline)) static uint32_t tree_sum(const tnode_t *pool, int32_t i) {
    if (i < 0) return 0;
    return pool[i].value + tree_sum(pool, pool[i].left) * 3u + tree_sum(pool, pool[i].right);
}

__attribute__((noinline)) static uint32_t tree_height(const tnode_t *pool, int32_t i) {
    if (i < 0) return 0;
    uint32_t l = tree_height(pool, pool[i].left), r = tree_height(pool, pool[i].right);
    return 1 + (l > r ? l : r);
}

__attribute__((noinline)) static uint32_t count_above(const tnode_t *pool, int32_t i, uint32_t threshold, uint32_t depth) {
    if (i < 0) return 0;
    uint32_t here = pool[i].value + depth > threshold;
    return here + count_above(pool, pool[i].left, threshold, depth + 1)
                + count_above(pool, pool[i].right, threshold + 1, depth + 1);
}

__attribute__((noinline)) static void mirror(tnode_t *pool, int32_t i, uint32_t bump) {
    if (i < 0) return;
    int32_t t = pool[i].left;
    pool[i].left = pool[i].right;
    pool[i].right = t;
    pool[i].value = (pool[i].value + bump) % 1000u;
    mirror(pool, pool[i].left, bump + 1);
    mirror(pool, pool[i].right, bump + 2);
}

typedef struct lnode { struct lnode *next; uint32_t value; } lnode_t;

/* Five arguments, so each call passes more than the registers of some conventions hold. */
__attribute__((noinline)) static uint32_t fold(const lnode_t *n, uint32_t acc, uint32_t k, uint32_t mul, uint32_t depth) {
    if (!n) return acc ^ depth;
    return fold(n->next, acc * mul + n->value + k, k ^ depth, mul + 2, depth + 1) + (n->value & 7u);
}

__attribute__((noinline)) static uint32_t is_odd(uint32_t n, uint32_t salt);
__attribute__((noinline)) static uint32_t is_even(uint32_t n, uint32_t salt) { return n == 0 ? salt : is_odd(n - 1, salt * 5u + 1u); }
__attribute__((noinline)) static uint32_t is_odd(uint32_t n, uint32_t salt) { return n == 0 ? ~salt : is_even(n - 1, salt ^ n); }

int main(int argc, char **argv) {
    int32_t reps = (int32_t)bench_size(argc, argv, 110, 22, 1);
    rng_t r = {7};
    enum { DEPTH = 15, LIST = 900 };
    tnode_t *pool = bench_alloc(sizeof(tnode_t) << DEPTH);
    int32_t used = 0;
    int32_t root = build(pool, &used, DEPTH, &r);
    lnode_t *list = bench_alloc(sizeof(lnode_t) * LIST);
    for (int i = 0; i < LIST; i++) {
        list[i].next = i + 1 < LIST ? &list[i + 1] : NULL;
        list[i].value = rng_below(&r, 1u << 20);
    }
    uint64_t h = 0;
    for (int32_t rep = 0; rep < reps; rep++) {
        uint32_t k = (uint32_t)rep % 4u;
        h = mix64(h, tak(18u + k, 12u, 6u + k));
        for (int i = 0; i < 40; i++) {
            h = mix64(h, tree_sum(pool, root));
            h = mix64(h, tree_height(pool, root));
            h = mix64(h, count_above(pool, root, 500u + (uint32_t)i, 0));
            mirror(pool, root, (uint32_t)i);
        }
        for (int i = 0; i < 800; i++) {
            h = mix64(h, fold(list, (uint32_t)i, (uint32_t)rep, 3u, 0));
            h = mix64(h, is_even(850u + (uint32_t)(i % 50), (uint32_t)i));
        }
    }
    bench_print(mix64(h, (uint64_t)used));
    free(list);
    free(pool);
    return 0;
}
