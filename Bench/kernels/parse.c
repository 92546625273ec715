/* parse: a recursive-descent parser over generated text. A program of statements
 * `let NAME = EXPR;` and `print EXPR;` (precedence climbing through one small function
 * per level: comparison, sum, product, unary, call/primary; calls of a few built-in
 * functions with argument lists; parentheses nested up to 12 deep) is lexed and parsed
 * into an AST in an arena, then evaluated with wrapping 32-bit arithmetic. Branchy and
 * call-heavy: most of the time goes to short functions that call each other. */
#include "bench.h"

/* ---- the generated source ---- */
typedef struct { char *text; int32_t n, cap; } buf_t;

static void put(buf_t *b, const char *s) {
    int32_t len = (int32_t)strlen(s);
    if (b->n + len + 1 > b->cap) {
        b->cap = (b->cap + len + 1) * 2;
        char *grown = realloc(b->text, (size_t)b->cap);
        if (!grown) { fprintf(stderr, "out of memory\n"); exit(3); }
        b->text = grown;
    }
    memcpy(b->text + b->n, s, (size_t)len + 1);
    b->n += len;
}

static const char *const ops[] = {" + ", " - ", " * ", " / ", " % ", " < ", " == ", " & ", " | ", " ^ "};
static const char *const funcs[] = {"min", "max", "abs", "mix", "clamp"};
static const int funcArity[] = {2, 2, 1, 2, 3};

static void gen_expr(buf_t *b, rng_t *r, int depth, int vars) {
    uint32_t pick = rng_below(r, depth > 11 ? 3 : 10);
    char tmp[32];
    if (pick < 2) {
        snprintf(tmp, sizeof tmp, "%u", rng_below(r, 100000));
        put(b, tmp);
    } else if (pick < 3) {
        snprintf(tmp, sizeof tmp, "v%u", rng_below(r, (uint32_t)vars));
        put(b, tmp);
    } else if (pick < 5) {
        put(b, "(");
        gen_expr(b, r, depth + 1, vars);
        put(b, ")");
    } else if (pick < 6) {
        put(b, rng_below(r, 2) ? "-" : "!");
        gen_expr(b, r, depth + 1, vars);
    } else if (pick < 7) {
        uint32_t f = rng_below(r, 5);
        put(b, funcs[f]);
        put(b, "(");
        for (int i = 0; i < funcArity[f]; i++) {
            if (i) put(b, ", ");
            gen_expr(b, r, depth + 1, vars);
        }
        put(b, ")");
    } else {
        gen_expr(b, r, depth + 1, vars);
        put(b, ops[rng_below(r, 10)]);
        gen_expr(b, r, depth + 1, vars);
    }
}

static char *gen_program(int32_t statements, uint64_t seed) {
    buf_t b = {0};
    rng_t r = {seed};
    char tmp[32];
    for (int32_t i = 0; i < statements; i++) {
        int vars = i < 16 ? i : 16;
        if (vars > 0 && rng_below(&r, 4) == 0) {
            put(&b, "print ");
        } else {
            snprintf(tmp, sizeof tmp, "let v%d = ", i % 16);
            put(&b, tmp);
        }
        if (vars == 0) put(&b, "7"); else gen_expr(&b, &r, 0, vars);
        put(&b, ";\n");
    }
    return b.text;
}

/* ---- lexer ---- */
enum { T_NUM, T_NAME, T_LET, T_PRINT, T_OP, T_LPAREN, T_RPAREN, T_COMMA, T_ASSIGN, T_SEMI, T_END };
typedef struct { const char *src; int32_t at; int kind; uint32_t value; char op; char name[8]; } lexer_t;

static void fail(const char *what) { printf("parse error: %s\n", what); exit(1); }

static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

static void next(lexer_t *l) {
    const char *s = l->src;
    while (s[l->at] == ' ' || s[l->at] == '\n' || s[l->at] == '\t') l->at++;
    char c = s[l->at];
    if (c == '\0') { l->kind = T_END; return; }
    if (is_digit(c)) {
        uint32_t v = 0;
        while (is_digit(s[l->at])) v = v * 10u + (uint32_t)(s[l->at++] - '0');
        l->kind = T_NUM; l->value = v;
        return;
    }
    if (is_alpha(c)) {
        int n = 0;
        while (is_alpha(s[l->at]) || is_digit(s[l->at])) {
            if (n < 7) l->name[n++] = s[l->at];
            l->at++;
        }
        l->name[n] = '\0';
        l->kind = strcmp(l->name, "let") == 0 ? T_LET : strcmp(l->name, "print") == 0 ? T_PRINT : T_NAME;
        return;
    }
    l->at++;
    switch (c) {
    case '(': l->kind = T_LPAREN; return;
    case ')': l->kind = T_RPAREN; return;
    case ',': l->kind = T_COMMA; return;
    case ';': l->kind = T_SEMI; return;
    case '=':
        if (s[l->at] == '=') { l->at++; l->kind = T_OP; l->op = 'e'; return; }
        l->kind = T_ASSIGN; return;
    case '+': case '-': case '*': case '/': case '%': case '<': case '&': case '|': case '^': case '!':
        l->kind = T_OP; l->op = c; return;
    default: fail("unexpected character");
    }
}

/* ---- AST in an arena ---- */
enum { N_NUM, N_VAR, N_NEG, N_NOT, N_BIN, N_CALL };
typedef struct { uint8_t kind, op, argc; int32_t a, b, c; uint32_t value; } node_t;
typedef struct { node_t *nodes; int32_t n, cap; } arena_t;

static int32_t node(arena_t *ar, uint8_t kind, uint8_t op, int32_t a, int32_t b, int32_t c, uint32_t value) {
    if (ar->n == ar->cap) fail("arena full");
    node_t *x = &ar->nodes[ar->n];
    x->kind = kind; x->op = op; x->argc = 0; x->a = a; x->b = b; x->c = c; x->value = value;
    return ar->n++;
}

static int32_t parse_expr(lexer_t *l, arena_t *ar);

static int32_t parse_call(lexer_t *l, arena_t *ar, const char *name) {
    int f = -1;
    for (int i = 0; i < 5; i++) if (strcmp(name, funcs[i]) == 0) f = i;
    if (f < 0) fail("unknown function");
    int32_t args[3] = {-1, -1, -1};
    int argc = 0;
    next(l);
    if (l->kind != T_RPAREN) {
        for (;;) {
            if (argc == 3) fail("too many arguments");
            args[argc++] = parse_expr(l, ar);
            if (l->kind != T_COMMA) break;
            next(l);
        }
    }
    if (l->kind != T_RPAREN) fail("expected )");
    if (argc != funcArity[f]) fail("wrong number of arguments");
    next(l);
    int32_t n = node(ar, N_CALL, (uint8_t)f, args[0], args[1], args[2], 0);
    ar->nodes[n].argc = (uint8_t)argc;
    return n;
}

static int32_t parse_primary(lexer_t *l, arena_t *ar) {
    if (l->kind == T_NUM) {
        uint32_t v = l->value;
        next(l);
        return node(ar, N_NUM, 0, -1, -1, -1, v);
    }
    if (l->kind == T_NAME) {
        char name[8];
        memcpy(name, l->name, sizeof name);
        next(l);
        if (l->kind == T_LPAREN) return parse_call(l, ar, name);
        if (name[0] != 'v') fail("unknown variable");
        return node(ar, N_VAR, 0, -1, -1, -1, (uint32_t)atoi(name + 1));
    }
    if (l->kind == T_LPAREN) {
        next(l);
        int32_t e = parse_expr(l, ar);
        if (l->kind != T_RPAREN) fail("expected )");
        next(l);
        return e;
    }
    fail("expected a value");
    return -1;
}

static int32_t parse_unary(lexer_t *l, arena_t *ar) {
    if (l->kind == T_OP && (l->op == '-' || l->op == '!')) {
        uint8_t kind = l->op == '-' ? N_NEG : N_NOT;
        next(l);
        return node(ar, kind, 0, parse_unary(l, ar), -1, -1, 0);
    }
    return parse_primary(l, ar);
}

/* One function per precedence level, lowest last. */
static int32_t parse_product(lexer_t *l, arena_t *ar) {
    int32_t left = parse_unary(l, ar);
    while (l->kind == T_OP && (l->op == '*' || l->op == '/' || l->op == '%')) {
        uint8_t op = (uint8_t)l->op;
        next(l);
        left = node(ar, N_BIN, op, left, parse_unary(l, ar), -1, 0);
    }
    return left;
}

static int32_t parse_sum(lexer_t *l, arena_t *ar) {
    int32_t left = parse_product(l, ar);
    while (l->kind == T_OP && (l->op == '+' || l->op == '-')) {
        uint8_t op = (uint8_t)l->op;
        next(l);
        left = node(ar, N_BIN, op, left, parse_product(l, ar), -1, 0);
    }
    return left;
}

static int32_t parse_bits(lexer_t *l, arena_t *ar) {
    int32_t left = parse_sum(l, ar);
    while (l->kind == T_OP && (l->op == '&' || l->op == '|' || l->op == '^')) {
        uint8_t op = (uint8_t)l->op;
        next(l);
        left = node(ar, N_BIN, op, left, parse_sum(l, ar), -1, 0);
    }
    return left;
}

static int32_t parse_expr(lexer_t *l, arena_t *ar) {
    int32_t left = parse_bits(l, ar);
    while (l->kind == T_OP && (l->op == '<' || l->op == 'e')) {
        uint8_t op = (uint8_t)l->op;
        next(l);
        left = node(ar, N_BIN, op, left, parse_bits(l, ar), -1, 0);
    }
    return left;
}

/* ---- evaluation ---- */
static uint32_t eval(const arena_t *ar, int32_t i, const uint32_t *vars) {
    const node_t *x = &ar->nodes[i];
    switch (x->kind) {
    case N_NUM: return x->value;
    case N_VAR: return vars[x->value];
    case N_NEG: return 0u - eval(ar, x->a, vars);
    case N_NOT: return eval(ar, x->a, vars) == 0;
    case N_CALL: {
        uint32_t a = eval(ar, x->a, vars), b = x->argc > 1 ? eval(ar, x->b, vars) : 0;
        switch (x->op) {
        case 0: return a < b ? a : b;
        case 1: return a > b ? a : b;
        case 2: return (int32_t)a < 0 ? 0u - a : a;
        case 3: return (a ^ (b << 7) ^ (b >> 3)) * 2654435761u;
        default: {
            uint32_t c = eval(ar, x->c, vars);
            return a < b ? b : a > c ? c : a;
        }
        }
    }
    default: {
        uint32_t a = eval(ar, x->a, vars), b = eval(ar, x->b, vars);
        switch (x->op) {
        case '+': return a + b;
        case '-': return a - b;
        case '*': return a * b;
        case '/': return b ? a / b : 0;
        case '%': return b ? a % b : 0;
        case '<': return a < b;
        case 'e': return a == b;
        case '&': return a & b;
        case '|': return a | b;
        default: return a ^ b;
        }
    }
    }
}

/* Parses and runs the whole program once; the checksum of what it printed and its
 * variables at the end. */
static uint64_t run(const char *src, arena_t *ar, uint64_t h) {
    lexer_t l = {src, 0, 0, 0, 0, {0}};
    uint32_t vars[16] = {0};
    ar->n = 0;
    next(&l);
    while (l.kind != T_END) {
        int print = l.kind == T_PRINT;
        int target = 0;
        if (print) {
            next(&l);
        } else {
            if (l.kind != T_LET) fail("expected let or print");
            next(&l);
            if (l.kind != T_NAME || l.name[0] != 'v') fail("expected a variable");
            target = atoi(l.name + 1);
            next(&l);
            if (l.kind != T_ASSIGN) fail("expected =");
            next(&l);
        }
        int32_t e = parse_expr(&l, ar);
        if (l.kind != T_SEMI) fail("expected ;");
        next(&l);
        uint32_t v = eval(ar, e, vars);
        if (print) h = mix64(h, v); else vars[target] = v;
    }
    for (int i = 0; i < 16; i++) h = mix64(h, vars[i]);
    return mix64(h, (uint64_t)ar->n);
}

int main(int argc, char **argv) {
    int32_t passes = (int32_t)bench_size(argc, argv, 240, 48, 2);
    char *src = gen_program(6000, 42);
    arena_t ar = {bench_alloc(sizeof(node_t) * 4000000), 0, 4000000};
    uint64_t h = 0;
    for (int32_t p = 0; p < passes; p++) h = run(src, &ar, h);
    bench_print(mix64(h, strlen(src)));
    free(ar.nodes);
    free(src);
    return 0;
}
