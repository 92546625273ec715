/* strsearch: count occurrences of many patterns in 2 MiB of generated word text with a
 * naive first-byte scan and with Boyer-Moore-Horspool; the two counts must agree. */
#include "bench.h"

static const char *words[] = {
    "the", "wasm", "module", "function", "memory", "table", "global", "import", "export",
    "branch", "loop", "block", "stack", "value", "local", "call", "indirect", "trap",
    "bounds", "check", "guard", "page", "linear", "engine", "tier", "compile", "validate",
    "decode", "section", "type", "element", "data", "start", "custom", "name", "a", "of", "in",
};
enum { NWORDS = sizeof words / sizeof words[0] };

static char *make_text(uint32_t len, rng_t *r) {
    char *t = bench_alloc(len + 1);
    uint32_t i = 0;
    while (i < len) {
        const char *w = words[rng_below(r, NWORDS)];
        while (*w && i < len) t[i++] = *w++;
        if (i < len) t[i++] = rng_below(r, 12) == 0 ? '\n' : ' ';
    }
    t[len] = 0;
    return t;
}

static uint32_t count_naive(const char *t, uint32_t n, const char *p, uint32_t m) {
    uint32_t count = 0;
    for (uint32_t i = 0; i + m <= n; i++) {
        if (t[i] != p[0]) continue;
        uint32_t j = 1;
        while (j < m && t[i + j] == p[j]) j++;
        count += j == m;
    }
    return count;
}

static uint32_t count_horspool(const char *t, uint32_t n, const char *p, uint32_t m) {
    uint32_t shift[256];
    for (int c = 0; c < 256; c++) shift[c] = m;
    for (uint32_t j = 0; j + 1 < m; j++) shift[(uint8_t)p[j]] = m - 1 - j;
    uint32_t count = 0;
    uint8_t last = (uint8_t)p[m - 1];
    for (uint32_t i = 0; i + m <= n;) {
        uint8_t c = (uint8_t)t[i + m - 1];
        if (c == last) {
            uint32_t j = 0;
            while (j + 1 < m && t[i + j] == p[j]) j++;
            count += j + 1 == m;
        }
        i += shift[c];
    }
    return count;
}

int main(int argc, char **argv) {
    int npat = (int)bench_size(argc, argv, 240, 48, 8);
    uint32_t len = 2u << 20;
    rng_t r = {8};
    char *text = make_text(len, &r);
    char pat[64];
    uint64_t h = 0;
    for (int k = 0; k < npat; k++) {
        /* patterns are mostly cut from the text (so they occur), sometimes random letters */
        uint32_t m = 3 + rng_below(&r, 20);
        if (rng_below(&r, 4) != 0) memcpy(pat, text + rng_below(&r, len - m), m);
        else for (uint32_t j = 0; j < m; j++) pat[j] = (char)('a' + rng_below(&r, 26));
        pat[m] = 0;
        uint32_t a = count_naive(text, len, pat, m), b = count_horspool(text, len, pat, m);
        if (a != b) { printf("mismatch on pattern %d\n", k); return 1; }
        h = mix64(h, a);
    }
    bench_print(h);
    free(text);
    return 0;
}
