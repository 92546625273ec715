/* vm: a small stack-machine bytecode interpreter (switch dispatch, call frames, checked
 * memory) running an assembled program that loops over recursive fib, a sieve of
 * Eratosthenes in VM memory and Collatz step counting; the VM's OUT values form the checksum. */
#include "bench.h"

enum {
    HALT, PUSH, POP, DUP, LOADL, STOREL, LOADG, STOREG, ADD, SUB, MUL, AND, SHRU, LT, EQ,
    JMP, JZ, JNZ, CALL, RET, OUT
};

/* ---- assembler: labels with forward-reference fix-ups ---- */
enum { MAX_CODE = 4096, MAX_LABELS = 64, MAX_FIXUPS = 256 };
typedef struct {
    int32_t code[MAX_CODE];
    int n;
    int32_t label_at[MAX_LABELS];
    int fix_pos[MAX_FIXUPS], fix_label[MAX_FIXUPS], nfix;
} asm_t;

static void fail(const char *what) { printf("vm error: %s\n", what); exit(1); }
static void op(asm_t *a, int32_t v) { if (a->n >= MAX_CODE) fail("code full"); a->code[a->n++] = v; }
static void op1(asm_t *a, int32_t o, int32_t x) { op(a, o); op(a, x); }
static void label(asm_t *a, int l) { a->label_at[l] = a->n; }
static void jump(asm_t *a, int32_t o, int l) {
    op(a, o);
    if (a->nfix >= MAX_FIXUPS) fail("too many fix-ups");
    a->fix_pos[a->nfix] = a->n; a->fix_label[a->nfix++] = l;
    op(a, -1);
}
static void call(asm_t *a, int l, int32_t nargs, int32_t nlocals) { jump(a, CALL, l); op(a, nargs); op(a, nlocals); }
static void resolve(asm_t *a) {
    for (int i = 0; i < a->nfix; i++) {
        int32_t t = a->label_at[a->fix_label[i]];
        if (t < 0) fail("undefined label");
        a->code[a->fix_pos[i]] = t;
    }
}
/* local[slot] += k */
static void bump(asm_t *a, int32_t slot, int32_t k) { op1(a, LOADL, slot); op1(a, PUSH, k); op(a, ADD); op1(a, STOREL, slot); }

enum { F_MAIN, F_FIB, F_SIEVE, F_COLLATZ, L_FIRST };

static void assemble(asm_t *a) {
    memset(a, 0, sizeof *a);
    for (int i = 0; i < MAX_LABELS; i++) a->label_at[i] = -1;
    int l = L_FIRST;

    /* main(S): for r in 0..<S { out fib(18 + r&3); out sieve(50000 + r); out collatz(3000 + r) } */
    int m_loop = l++, m_end = l++;
    label(a, F_MAIN);
    op1(a, PUSH, 0); op1(a, STOREL, 1);
    label(a, m_loop);
    op1(a, LOADL, 1); op1(a, LOADL, 0); op(a, LT); jump(a, JZ, m_end);
    op1(a, LOADL, 1); op1(a, PUSH, 3); op(a, AND); op1(a, PUSH, 18); op(a, ADD); call(a, F_FIB, 1, 1); op(a, OUT);
    op1(a, LOADL, 1); op1(a, PUSH, 50000); op(a, ADD); call(a, F_SIEVE, 1, 4); op(a, OUT);
    op1(a, LOADL, 1); op1(a, PUSH, 3000); op(a, ADD); call(a, F_COLLATZ, 1, 4); op(a, OUT);
    bump(a, 1, 1); jump(a, JMP, m_loop);
    label(a, m_end); op(a, HALT);

    /* fib(n) = n < 2 ? n : fib(n-1) + fib(n-2) */
    int f_rec = l++;
    label(a, F_FIB);
    op1(a, LOADL, 0); op1(a, PUSH, 2); op(a, LT); jump(a, JZ, f_rec);
    op1(a, LOADL, 0); op(a, RET);
    label(a, f_rec);
    op1(a, LOADL, 0); op1(a, PUSH, 1); op(a, SUB); call(a, F_FIB, 1, 1);
    op1(a, LOADL, 0); op1(a, PUSH, 2); op(a, SUB); call(a, F_FIB, 1, 1);
    op(a, ADD); op(a, RET);

    /* sieve(n): locals n, i, j, count; memory words 0..<n hold the flags */
    int s_fill = l++, s_fill_end = l++, s_outer = l++, s_inner = l++, s_next = l++, s_count = l++, s_cl = l++, s_ret = l++;
    label(a, F_SIEVE);
    op1(a, PUSH, 0); op1(a, STOREL, 1);
    label(a, s_fill);
    op1(a, LOADL, 1); op1(a, LOADL, 0); op(a, LT); jump(a, JZ, s_fill_end);
    op1(a, LOADL, 1); op1(a, PUSH, 1); op(a, STOREG);
    bump(a, 1, 1); jump(a, JMP, s_fill);
    label(a, s_fill_end);
    op1(a, PUSH, 2); op1(a, STOREL, 1);
    label(a, s_outer);
    op1(a, LOADL, 1); op(a, DUP); op(a, MUL); op1(a, LOADL, 0); op(a, LT); jump(a, JZ, s_count);
    op1(a, LOADL, 1); op(a, LOADG); jump(a, JZ, s_next);
    op1(a, LOADL, 1); op(a, DUP); op(a, MUL); op1(a, STOREL, 2);
    label(a, s_inner);
    op1(a, LOADL, 2); op1(a, LOADL, 0); op(a, LT); jump(a, JZ, s_next);
    op1(a, LOADL, 2); op1(a, PUSH, 0); op(a, STOREG);
    op1(a, LOADL, 2); op1(a, LOADL, 1); op(a, ADD); op1(a, STOREL, 2); jump(a, JMP, s_inner);
    label(a, s_next);
    bump(a, 1, 1); jump(a, JMP, s_outer);
    label(a, s_count);
    op1(a, PUSH, 0); op1(a, STOREL, 3); op1(a, PUSH, 2); op1(a, STOREL, 1);
    label(a, s_cl);
    op1(a, LOADL, 1); op1(a, LOADL, 0); op(a, LT); jump(a, JZ, s_ret);
    op1(a, LOADL, 3); op1(a, LOADL, 1); op(a, LOADG); op(a, ADD); op1(a, STOREL, 3);
    bump(a, 1, 1); jump(a, JMP, s_cl);
    label(a, s_ret);
    op1(a, LOADL, 3); op(a, RET);

    /* collatz(m): total steps to reach 1 for x in 1..<m; locals m, x, total, v */
    int c_x = l++, c_step = l++, c_even = l++, c_cnt = l++, c_xnext = l++, c_done = l++;
    label(a, F_COLLATZ);
    op1(a, PUSH, 0); op1(a, STOREL, 2); op1(a, PUSH, 1); op1(a, STOREL, 1);
    label(a, c_x);
    op1(a, LOADL, 1); op1(a, LOADL, 0); op(a, LT); jump(a, JZ, c_done);
    op1(a, LOADL, 1); op1(a, STOREL, 3);
    label(a, c_step);
    op1(a, LOADL, 3); op1(a, PUSH, 1); op(a, EQ); jump(a, JNZ, c_xnext);
    op1(a, LOADL, 3); op1(a, PUSH, 1); op(a, AND); jump(a, JZ, c_even);
    op1(a, LOADL, 3); op1(a, PUSH, 3); op(a, MUL); op1(a, PUSH, 1); op(a, ADD); op1(a, STOREL, 3); jump(a, JMP, c_cnt);
    label(a, c_even);
    op1(a, LOADL, 3); op1(a, PUSH, 1); op(a, SHRU); op1(a, STOREL, 3);
    label(a, c_cnt);
    bump(a, 2, 1); jump(a, JMP, c_step);
    label(a, c_xnext);
    bump(a, 1, 1); jump(a, JMP, c_x);
    label(a, c_done);
    op1(a, LOADL, 2); op(a, RET);

    if (l > MAX_LABELS) fail("too many labels");
    resolve(a);
}

/* ---- interpreter ---- */
enum { STACK = 1024, FRAMES = 512, LOCALS = 4096, MEM = 1 << 17 };

typedef struct {
    uint32_t stack[STACK];
    int32_t ret_pc[FRAMES], frame_fp[FRAMES];
    uint32_t locals[LOCALS];
    uint32_t *mem;
    uint64_t out;
} vm_t;

#define NEED(k) do { if (sp < (k)) fail("stack underflow"); } while (0)
#define ROOM(k) do { if (sp + (k) > STACK) fail("stack overflow"); } while (0)
#define IMM() (pc < n ? code[pc++] : (fail("pc out of range"), 0))

static void run(vm_t *vm, const int32_t *code, int n, int32_t entry, uint32_t arg) {
    int32_t pc = entry;
    int sp = 0, csp = 0, fp = 0, lsp = 2;
    uint32_t *st = vm->stack, *loc = vm->locals;
    loc[0] = arg; loc[1] = 0;
    for (;;) {
        if (pc < 0 || pc >= n) fail("pc out of range");
        int32_t o = code[pc++];
        switch (o) {
        case HALT: return;
        case PUSH: ROOM(1); st[sp++] = (uint32_t)IMM(); break;
        case POP: NEED(1); sp--; break;
        case DUP: NEED(1); ROOM(1); st[sp] = st[sp - 1]; sp++; break;
        case LOADL: { int32_t i = IMM(); if (i < 0 || fp + i >= lsp) fail("bad local"); ROOM(1); st[sp++] = loc[fp + i]; break; }
        case STOREL: { int32_t i = IMM(); if (i < 0 || fp + i >= lsp) fail("bad local"); NEED(1); loc[fp + i] = st[--sp]; break; }
        case LOADG: NEED(1); if (st[sp - 1] >= MEM) fail("memory out of bounds"); st[sp - 1] = vm->mem[st[sp - 1]]; break;
        case STOREG: NEED(2); if (st[sp - 2] >= MEM) fail("memory out of bounds"); vm->mem[st[sp - 2]] = st[sp - 1]; sp -= 2; break;
        case ADD: NEED(2); sp--; st[sp - 1] += st[sp]; break;
        case SUB: NEED(2); sp--; st[sp - 1] -= st[sp]; break;
        case MUL: NEED(2); sp--; st[sp - 1] *= st[sp]; break;
        case AND: NEED(2); sp--; st[sp - 1] &= st[sp]; break;
        case SHRU: NEED(2); sp--; st[sp - 1] >>= (st[sp] & 31); break;
        case LT: NEED(2); sp--; st[sp - 1] = st[sp - 1] < st[sp]; break;
        case EQ: NEED(2); sp--; st[sp - 1] = st[sp - 1] == st[sp]; break;
        case JMP: { int32_t t = IMM(); pc = t; break; }
        case JZ: { int32_t t = IMM(); NEED(1); if (st[--sp] == 0) pc = t; break; }
        case JNZ: { int32_t t = IMM(); NEED(1); if (st[--sp] != 0) pc = t; break; }
        case CALL: {
            int32_t target = IMM(), nargs = IMM(), nlocals = IMM();
            if (nargs < 0 || nlocals < nargs || lsp + nlocals > LOCALS) fail("bad frame");
            if (csp >= FRAMES) fail("call stack overflow");
            NEED(nargs);
            vm->ret_pc[csp] = pc; vm->frame_fp[csp++] = fp;
            fp = lsp; lsp += nlocals;
            for (int i = nargs - 1; i >= 0; i--) loc[fp + i] = st[--sp];
            for (int i = nargs; i < nlocals; i++) loc[fp + i] = 0;
            pc = target;
            break;
        }
        case RET:
            if (csp == 0) fail("return from entry");
            NEED(1);
            lsp = fp;
            pc = vm->ret_pc[--csp]; fp = vm->frame_fp[csp];
            break; /* the return value stays on the operand stack */
        case OUT: NEED(1); vm->out = mix64(vm->out, st[--sp]); break;
        default: fail("bad opcode");
        }
    }
}

int main(int argc, char **argv) {
    uint32_t reps = (uint32_t)bench_size(argc, argv, 45, 9, 1);
    static asm_t a;
    assemble(&a);
    vm_t *vm = bench_alloc(sizeof *vm);
    memset(vm, 0, sizeof *vm);
    vm->mem = bench_alloc(sizeof(uint32_t) * MEM);
    memset(vm->mem, 0, sizeof(uint32_t) * MEM);
    run(vm, a.code, a.n, a.label_at[F_MAIN], reps);
    bench_print(mix64(vm->out, (uint64_t)a.n));
    free(vm->mem); free(vm);
    return 0;
}
