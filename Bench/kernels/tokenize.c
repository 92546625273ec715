/* tokenize: a switch-driven lexer over 1 MiB of generated C-like source (identifiers,
 * keywords, decimal and hex numbers, strings with escapes, comments, operators), counting
 * token kinds, hashing identifiers and summing number values. */
#include "bench.h"

enum { T_IDENT, T_KEYWORD, T_NUMBER, T_STRING, T_OP, T_COMMENT, T_KINDS };

static const char *keywords[] = {"if", "else", "while", "for", "return", "int", "struct", "break"};
enum { NKW = sizeof keywords / sizeof keywords[0] };

static uint32_t emit(char *out, uint32_t pos, uint32_t cap, const char *s) {
    while (*s && pos < cap) out[pos++] = *s++;
    return pos;
}

static char *make_source(uint32_t len, rng_t *r) {
    static const char *ops[] = {"+", "-", "*", "/", "==", "!=", "<=", ">=", "&&", "||", "(", ")",
                                "{", "}", ";", ",", "=", "->", "<<", ">>"};
    char *s = bench_alloc(len + 1);
    char tmp[48];
    uint32_t pos = 0;
    while (pos < len) {
        uint32_t k = rng_below(r, 16);
        if (k < 5) { /* identifier */
            uint32_t n = 1 + rng_below(r, 10);
            for (uint32_t i = 0; i < n; i++) tmp[i] = (char)(i && rng_below(r, 4) == 0 ? '0' + rng_below(r, 10) : 'a' + rng_below(r, 26));
            tmp[n] = 0;
            pos = emit(s, pos, len, tmp);
        } else if (k < 7) pos = emit(s, pos, len, keywords[rng_below(r, NKW)]);
        else if (k < 9) { /* number */
            uint32_t v = rng_u32(r) >> rng_below(r, 32);
            snprintf(tmp, sizeof tmp, rng_below(r, 3) ? "%u" : "0x%x", v);
            pos = emit(s, pos, len, tmp);
        } else if (k == 9) pos = emit(s, pos, len, rng_below(r, 2) ? "\"str\\\"ing\"" : "\"a\\nb\"");
        else if (k == 10 && rng_below(r, 4) == 0) pos = emit(s, pos, len, rng_below(r, 2) ? "/* note */" : "// line\n");
        else pos = emit(s, pos, len, ops[rng_below(r, sizeof ops / sizeof ops[0])]);
        if (pos < len) s[pos++] = rng_below(r, 8) == 0 ? '\n' : ' ';
    }
    s[len] = 0;
    return s;
}

static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void lex(const char *s, uint64_t counts[T_KINDS], uint64_t *ident_hash, uint64_t *num_sum) {
    const char *p = s;
    for (;;) {
        char c = *p;
        switch (c) {
        case 0: return;
        case ' ': case '\n': case '\t': p++; continue;
        case '"':
            p++;
            while (*p && *p != '"') p += (*p == '\\' && p[1]) ? 2 : 1;
            if (*p) p++;
            counts[T_STRING]++;
            continue;
        case '/':
            if (p[1] == '/') { while (*p && *p != '\n') p++; counts[T_COMMENT]++; continue; }
            if (p[1] == '*') {
                p += 2;
                while (*p && !(p[0] == '*' && p[1] == '/')) p++;
                if (*p) p += 2;
                counts[T_COMMENT]++;
                continue;
            }
            p++; counts[T_OP]++; continue;
        case '=': case '!': case '<': case '>':
            p += (p[1] == '=' || (c == '<' && p[1] == '<') || (c == '>' && p[1] == '>')) ? 2 : 1;
            counts[T_OP]++; continue;
        case '&': case '|':
            p += p[1] == c ? 2 : 1; counts[T_OP]++; continue;
        case '-':
            p += p[1] == '>' ? 2 : 1; counts[T_OP]++; continue;
        default: break;
        }
        if (is_alpha(c)) {
            const char *start = p;
            uint64_t fnv = 0xCBF29CE484222325ull;
            while (is_alpha(*p) || is_digit(*p)) { fnv = (fnv ^ (uint8_t)*p) * 0x100000001B3ull; p++; }
            uint32_t n = (uint32_t)(p - start);
            int kw = 0;
            for (int k = 0; k < NKW && !kw; k++) kw = strlen(keywords[k]) == n && memcmp(keywords[k], start, n) == 0;
            counts[kw ? T_KEYWORD : T_IDENT]++;
            if (!kw) *ident_hash += fnv;
        } else if (is_digit(c)) {
            uint64_t v = 0;
            if (c == '0' && p[1] == 'x') {
                p += 2;
                for (int d; (d = hex_value(*p)) >= 0; p++) v = v * 16 + (uint64_t)d;
            } else {
                for (; is_digit(*p); p++) v = v * 10 + (uint64_t)(*p - '0');
            }
            *num_sum += v;
            counts[T_NUMBER]++;
        } else { p++; counts[T_OP]++; }
    }
}

int main(int argc, char **argv) {
    int reps = (int)bench_size(argc, argv, 160, 32, 4);
    rng_t r = {64};
    char *src = make_source(1u << 20, &r);
    uint64_t h = 0;
    for (int k = 0; k < reps; k++) {
        uint64_t counts[T_KINDS] = {0}, ident = 0, nums = 0;
        lex(src + (k % 5), counts, &ident, &nums);
        for (int i = 0; i < T_KINDS; i++) h = mix64(h, counts[i]);
        h = mix64(mix64(h, ident), nums);
    }
    bench_print(h);
    free(src);
    return 0;
}
