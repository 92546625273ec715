/* interp: a register-machine bytecode interpreter, the shape of a scripting language's
 * core. A large switch dispatches three-address instructions over a window of registers
 * per call frame; built-in functions are called through a table of function pointers,
 * and objects answer messages through their class's table of method pointers (small
 * functions, called indirectly). The interpreted program (assembled here) runs a
 * recursive fib, a sieve and an insertion sort in the VM's memory, and a loop that makes
 * objects and sends them messages. What it prints (OUT) forms the checksum. */
#include "bench.h"

enum {
    HALT, LOADI, MOV, ADD, SUB, MUL, DIVU, REMU, AND, OR, XOR, SHL, SHRU, ADDI, MULI,
    LTU, EQ, NE, JMP, JZ, JNZ, JLTU, JGEU, LD, ST, LDB, STB, CALL, RET, NATIVE, SEND,
    NEW, GETF, SETF, OUT, INC, DEC, MIN, MAX, SEL
};

typedef struct { uint8_t op, a, b, c; int32_t imm; } ins_t;

enum { MEM = 1 << 16, REGS = 1 << 14, FRAMES = 1024, OBJECTS = 4096, FIELDS = 4 };

typedef struct vm vm_t;
typedef uint32_t (*native_t)(vm_t *, uint32_t, uint32_t);
typedef uint32_t (*method_t)(vm_t *, uint32_t self, uint32_t arg);
typedef struct { const method_t *methods; uint32_t fields[FIELDS]; } object_t;

struct vm {
    uint32_t regs[REGS];
    uint32_t mem[MEM];
    struct { int32_t pc, base; uint8_t dest; } frames[FRAMES];
    object_t objects[OBJECTS];
    int32_t nobjects;
    uint64_t out;
};

static void fail(const char *what) { printf("interp error: %s\n", what); exit(1); }

/* ---- built-ins ---- */
static uint32_t n_hash(vm_t *vm, uint32_t a, uint32_t b) { (void)vm; a ^= b * 0x9E3779B9u; a ^= a >> 16; return a * 0x85EBCA6Bu; }
static uint32_t n_rotl(vm_t *vm, uint32_t a, uint32_t b) { (void)vm; b &= 31; return b ? (a << b) | (a >> (32 - b)) : a; }
static uint32_t n_popcnt(vm_t *vm, uint32_t a, uint32_t b) { (void)vm; uint32_t n = 0; a ^= b; while (a) { a &= a - 1; n++; } return n; }
static uint32_t n_gcd(vm_t *vm, uint32_t a, uint32_t b) { (void)vm; while (b) { uint32_t t = a % b; a = b; b = t; } return a; }
static uint32_t n_isqrt(vm_t *vm, uint32_t a, uint32_t b) {
    (void)vm; (void)b;
    uint32_t r = 0;
    for (uint32_t bit = 1u << 30; bit; bit >>= 2) {
        if (a >= r + bit) { a -= r + bit; r = (r >> 1) + bit; } else r >>= 1;
    }
    return r;
}
static uint32_t n_crc(vm_t *vm, uint32_t a, uint32_t b) {
    (void)vm;
    a ^= b & 0xFF;
    for (int k = 0; k < 8; k++) a = (a >> 1) ^ (0xEDB88320u & (0u - (a & 1u)));
    return a;
}
static uint32_t n_load(vm_t *vm, uint32_t a, uint32_t b) { return vm->mem[(a + b) & (MEM - 1)]; }
static uint32_t n_clamp(vm_t *vm, uint32_t a, uint32_t b) { (void)vm; return a > b ? b : a; }
static const native_t natives[] = {n_hash, n_rotl, n_popcnt, n_gcd, n_isqrt, n_crc, n_load, n_clamp};

/* ---- classes: a table of method pointers each ---- */
/* Objects live in a pool of slots reused round robin (no collector): an id names a slot. */
static object_t *obj(vm_t *vm, uint32_t id) {
    if (id >= OBJECTS || !vm->objects[id].methods) fail("bad object");
    return &vm->objects[id];
}
static uint32_t counter_add(vm_t *vm, uint32_t s, uint32_t x) { return obj(vm, s)->fields[0] += x; }
static uint32_t counter_get(vm_t *vm, uint32_t s, uint32_t x) { (void)x; return obj(vm, s)->fields[0]; }
static uint32_t counter_mix(vm_t *vm, uint32_t s, uint32_t x) { object_t *o = obj(vm, s); return o->fields[1] = o->fields[1] * 31u + x; }
static uint32_t counter_reset(vm_t *vm, uint32_t s, uint32_t x) { object_t *o = obj(vm, s); o->fields[0] = x; return o->fields[1]; }
static uint32_t vec_add(vm_t *vm, uint32_t s, uint32_t x) { object_t *o = obj(vm, s); o->fields[0] += x & 0xFFFF; o->fields[1] += x >> 16; return o->fields[0]; }
static uint32_t vec_get(vm_t *vm, uint32_t s, uint32_t x) { object_t *o = obj(vm, s); return x & 1 ? o->fields[1] : o->fields[0]; }
static uint32_t vec_mix(vm_t *vm, uint32_t s, uint32_t x) { object_t *o = obj(vm, s); return o->fields[0] * x + o->fields[1]; }
static uint32_t vec_reset(vm_t *vm, uint32_t s, uint32_t x) { object_t *o = obj(vm, s); o->fields[0] = o->fields[1] = x; return 0; }
static uint32_t acc_add(vm_t *vm, uint32_t s, uint32_t x) { object_t *o = obj(vm, s); o->fields[o->fields[3] & 1] ^= x; o->fields[3]++; return o->fields[3]; }
static uint32_t acc_get(vm_t *vm, uint32_t s, uint32_t x) { object_t *o = obj(vm, s); return o->fields[0] + o->fields[1] + x; }
static uint32_t acc_mix(vm_t *vm, uint32_t s, uint32_t x) { return natives[0](vm, acc_get(vm, s, 0), x); }
static uint32_t acc_reset(vm_t *vm, uint32_t s, uint32_t x) { object_t *o = obj(vm, s); o->fields[0] = o->fields[1] = o->fields[3] = x; return 1; }
static const method_t counter_class[] = {counter_add, counter_get, counter_mix, counter_reset};
static const method_t vec_class[] = {vec_add, vec_get, vec_mix, vec_reset};
static const method_t acc_class[] = {acc_add, acc_get, acc_mix, acc_reset};
static const method_t *const classes[] = {counter_class, vec_class, acc_class};

/* ---- the interpreter ---- */
static void run(vm_t *vm, const ins_t *code, int32_t entry) {
    int32_t pc = entry, base = 0, depth = 0;
    uint32_t *r = vm->regs;
    for (;;) {
        const ins_t *i = &code[pc++];
        switch (i->op) {
        case HALT: return;
        case LOADI: r[i->a] = (uint32_t)i->imm; break;
        case MOV: r[i->a] = r[i->b]; break;
        case ADD: r[i->a] = r[i->b] + r[i->c]; break;
        case SUB: r[i->a] = r[i->b] - r[i->c]; break;
        case MUL: r[i->a] = r[i->b] * r[i->c]; break;
        case DIVU: r[i->a] = r[i->c] ? r[i->b] / r[i->c] : 0; break;
        case REMU: r[i->a] = r[i->c] ? r[i->b] % r[i->c] : 0; break;
        case AND: r[i->a] = r[i->b] & r[i->c]; break;
        case OR: r[i->a] = r[i->b] | r[i->c]; break;
        case XOR: r[i->a] = r[i->b] ^ r[i->c]; break;
        case SHL: r[i->a] = r[i->b] << (r[i->c] & 31); break;
        case SHRU: r[i->a] = r[i->b] >> (r[i->c] & 31); break;
        case ADDI: r[i->a] = r[i->b] + (uint32_t)i->imm; break;
        case MULI: r[i->a] = r[i->b] * (uint32_t)i->imm; break;
        case LTU: r[i->a] = r[i->b] < r[i->c]; break;
        case EQ: r[i->a] = r[i->b] == r[i->c]; break;
        case NE: r[i->a] = r[i->b] != r[i->c]; break;
        case JMP: pc = i->imm; break;
        case JZ: if (!r[i->a]) pc = i->imm; break;
        case JNZ: if (r[i->a]) pc = i->imm; break;
        case JLTU: if (r[i->a] < r[i->b]) pc = i->imm; break;
        case JGEU: if (r[i->a] >= r[i->b]) pc = i->imm; break;
        case LD: r[i->a] = vm->mem[(r[i->b] + (uint32_t)i->imm) & (MEM - 1)]; break;
        case ST: vm->mem[(r[i->b] + (uint32_t)i->imm) & (MEM - 1)] = r[i->a]; break;
        case LDB: r[i->a] = ((const uint8_t *)vm->mem)[(r[i->b] + (uint32_t)i->imm) & (MEM * 4 - 1)]; break;
        case STB: ((uint8_t *)vm->mem)[(r[i->b] + (uint32_t)i->imm) & (MEM * 4 - 1)] = (uint8_t)r[i->a]; break;
        case CALL:
            /* The callee's registers start at a: its arguments are there already. */
            if (depth == FRAMES || base + i->a + 32 >= REGS) fail("stack overflow");
            vm->frames[depth].pc = pc;
            vm->frames[depth].base = base;
            vm->frames[depth].dest = i->a;
            depth++;
            base += i->a;
            r = vm->regs + base;
            pc = i->imm;
            break;
        case RET: {
            if (depth == 0) fail("return from the top");
            uint32_t v = r[i->a];
            depth--;
            pc = vm->frames[depth].pc;
            base = vm->frames[depth].base;
            r = vm->regs + base;
            r[vm->frames[depth].dest] = v;
            break;
        }
        case NATIVE: r[i->a] = natives[i->imm & 7](vm, r[i->b], r[i->c]); break;
        case SEND: r[i->a] = obj(vm, r[i->b])->methods[i->imm & 3](vm, r[i->b], r[i->c]); break;
        case NEW:
            if (vm->nobjects == OBJECTS) vm->nobjects = 0;
            vm->objects[vm->nobjects].methods = classes[(uint32_t)i->imm % 3u];
            memset(vm->objects[vm->nobjects].fields, 0, sizeof vm->objects[0].fields);
            r[i->a] = (uint32_t)vm->nobjects++;
            break;
        case GETF: r[i->a] = obj(vm, r[i->b])->fields[i->imm & 3]; break;
        case SETF: obj(vm, r[i->b])->fields[i->imm & 3] = r[i->a]; break;
        case OUT: vm->out = mix64(vm->out, r[i->a]); break;
        case INC: r[i->a]++; break;
        case DEC: r[i->a]--; break;
        case MIN: r[i->a] = r[i->b] < r[i->c] ? r[i->b] : r[i->c]; break;
        case MAX: r[i->a] = r[i->b] > r[i->c] ? r[i->b] : r[i->c]; break;
        case SEL: r[i->a] = r[i->c] ? r[i->a] : r[i->b]; break;
        default: fail("bad opcode");
        }
    }
}

/* ---- a small assembler with labels ---- */
enum { MAX_CODE = 1024, MAX_LABELS = 64 };
typedef struct { ins_t code[MAX_CODE]; int32_t n, at[MAX_LABELS]; int32_t fix[MAX_CODE]; } asm_t;

static void emit(asm_t *s, int op, int a, int b, int c, int32_t imm) {
    if (s->n == MAX_CODE) fail("code full");
    s->code[s->n] = (ins_t){(uint8_t)op, (uint8_t)a, (uint8_t)b, (uint8_t)c, imm};
    s->fix[s->n++] = -1;
}
/* An instruction whose imm is label `l`, fixed up at the end. */
static void emit_to(asm_t *s, int op, int a, int b, int l) { emit(s, op, a, b, 0, 0); s->fix[s->n - 1] = l; }
static void mark(asm_t *s, int l) { s->at[l] = s->n; }
static void link(asm_t *s) {
    for (int32_t k = 0; k < s->n; k++) if (s->fix[k] >= 0) s->code[k].imm = s->at[s->fix[k]];
}

enum { L_MAIN, L_FIB, L_FIB_BIG, L_SIEVE, L_SIEVE_CLEAR, L_SIEVE_INNER, L_SIEVE_NEXT, L_SIEVE_SKIP, L_SIEVE_COUNT, L_SIEVE_CNEXT,
       L_SORT, L_SORT_FILL, L_SORT_OUTER, L_SORT_INNER, L_SORT_PLACE, L_SORT_SUM, L_OBJ, L_OBJ_LOOP, L_OBJ_NEW,
       L_MAIN_LOOP };

static void assemble(asm_t *s) {
    /* fib(r0) -> r0, registers r0..r3 of its window. */
    mark(s, L_FIB);
    emit(s, LOADI, 1, 0, 0, 2);
    emit_to(s, JGEU, 0, 1, L_FIB_BIG);
    emit(s, RET, 0, 0, 0, 0);
    mark(s, L_FIB_BIG);
    emit(s, ADDI, 4, 0, 0, -1);
    emit_to(s, CALL, 4, 0, L_FIB);
    emit(s, MOV, 2, 4, 0, 0);
    emit(s, ADDI, 4, 0, 0, -2);
    emit_to(s, CALL, 4, 0, L_FIB);
    emit(s, ADD, 0, 2, 4, 0);
    emit(s, RET, 0, 0, 0, 0);

    /* sieve(r0 = n) -> primes below n; flags in memory from 4096 on. */
    mark(s, L_SIEVE);
    emit(s, LOADI, 1, 0, 0, 0);
    emit(s, LOADI, 9, 0, 0, 0);
    mark(s, L_SIEVE_CLEAR);                      /* flags[0..n) = 0 */
    emit(s, ST, 9, 1, 0, 4096);
    emit(s, INC, 1, 0, 0, 0);
    emit_to(s, JLTU, 1, 0, L_SIEVE_CLEAR);
    emit(s, LOADI, 1, 0, 0, 2);                  /* i = 2 */
    mark(s, L_SIEVE_NEXT);
    emit(s, MUL, 2, 1, 1, 0);                    /* j = i * i */
    emit_to(s, JGEU, 2, 0, L_SIEVE_COUNT);
    emit(s, LD, 3, 1, 0, 4096);
    emit_to(s, JNZ, 3, 0, L_SIEVE_SKIP);         /* composite */
    emit(s, LOADI, 3, 0, 0, 1);
    mark(s, L_SIEVE_INNER);
    emit(s, ST, 3, 2, 0, 4096);
    emit(s, ADD, 2, 2, 1, 0);
    emit_to(s, JLTU, 2, 0, L_SIEVE_INNER);
    mark(s, L_SIEVE_SKIP);
    emit(s, INC, 1, 0, 0, 0);
    emit_to(s, JMP, 0, 0, L_SIEVE_NEXT);
    mark(s, L_SIEVE_COUNT);
    emit(s, LOADI, 1, 0, 0, 2);
    emit(s, LOADI, 4, 0, 0, 0);
    emit(s, LOADI, 5, 0, 0, 0);
    mark(s, L_SIEVE_CNEXT);
    emit(s, LD, 3, 1, 0, 4096);
    emit(s, EQ, 3, 3, 5, 0);
    emit(s, ADD, 4, 4, 3, 0);
    emit(s, INC, 1, 0, 0, 0);
    emit_to(s, JLTU, 1, 0, L_SIEVE_CNEXT);
    emit(s, RET, 4, 0, 0, 0);

    /* sort(r0 = n, r1 = seed) -> checksum: fills mem[0..n) from a hash, insertion sort. */
    mark(s, L_SORT);
    emit(s, LOADI, 2, 0, 0, 0);
    mark(s, L_SORT_FILL);
    emit(s, NATIVE, 3, 2, 1, 0);                 /* hash(i, seed) */
    emit(s, ST, 3, 2, 0, 0);
    emit(s, INC, 2, 0, 0, 0);
    emit_to(s, JLTU, 2, 0, L_SORT_FILL);
    emit(s, LOADI, 2, 0, 0, 1);                  /* i = 1 */
    mark(s, L_SORT_OUTER);
    emit(s, LD, 3, 2, 0, 0);                     /* key */
    emit(s, MOV, 4, 2, 0, 0);                    /* j = i */
    mark(s, L_SORT_INNER);
    emit(s, LOADI, 5, 0, 0, 0);
    emit_to(s, JGEU, 5, 4, L_SORT_PLACE);        /* j == 0 */
    emit(s, LD, 6, 4, 0, -1);
    emit_to(s, JGEU, 3, 6, L_SORT_PLACE);        /* key >= mem[j-1] */
    emit(s, ST, 6, 4, 0, 0);
    emit(s, DEC, 4, 0, 0, 0);
    emit_to(s, JMP, 0, 0, L_SORT_INNER);
    mark(s, L_SORT_PLACE);
    emit(s, ST, 3, 4, 0, 0);
    emit(s, INC, 2, 0, 0, 0);
    emit_to(s, JLTU, 2, 0, L_SORT_OUTER);
    emit(s, LOADI, 2, 0, 0, 0);
    emit(s, LOADI, 7, 0, 0, 0);
    mark(s, L_SORT_SUM);
    emit(s, LD, 3, 2, 0, 0);
    emit(s, MULI, 7, 7, 0, 31);
    emit(s, ADD, 7, 7, 3, 0);
    emit(s, ADDI, 2, 2, 0, 7);
    emit_to(s, JLTU, 2, 0, L_SORT_SUM);
    emit(s, RET, 7, 0, 0, 0);

    /* objects(r0 = n, r1 = salt) -> checksum: n rounds of making three objects and sending
     * them messages, with built-ins in between. */
    mark(s, L_OBJ);
    emit(s, LOADI, 2, 0, 0, 0);
    emit(s, LOADI, 8, 0, 0, 0);
    mark(s, L_OBJ_LOOP);
    emit(s, NEW, 3, 0, 0, 0);
    emit(s, NEW, 4, 0, 0, 1);
    emit(s, NEW, 5, 0, 0, 2);
    emit(s, NATIVE, 6, 2, 1, 0);                 /* x = hash(i, salt) */
    emit(s, SEND, 7, 3, 6, 0);
    emit(s, SEND, 7, 4, 6, 0);
    emit(s, SEND, 7, 5, 6, 0);
    emit(s, SEND, 7, 3, 2, 2);
    emit(s, SEND, 9, 4, 6, 2);
    emit(s, SEND, 10, 5, 9, 2);
    emit(s, NATIVE, 11, 10, 2, 1);               /* rotl */
    emit(s, NATIVE, 12, 11, 6, 5);               /* crc step */
    emit(s, SETF, 12, 3, 0, 2);
    emit(s, GETF, 13, 3, 0, 2);
    emit(s, SEND, 14, 5, 13, 1);
    emit(s, NATIVE, 15, 14, 6, 2);               /* popcount */
    emit(s, XOR, 8, 8, 7, 0);
    emit(s, ADD, 8, 8, 15, 0);
    emit(s, MULI, 8, 8, 0, 33);
    emit(s, MAX, 16, 8, 9, 0);
    emit(s, XOR, 8, 8, 16, 0);
    emit(s, INC, 2, 0, 0, 0);
    emit_to(s, JLTU, 2, 0, L_OBJ_LOOP);
    emit(s, RET, 8, 0, 0, 0);

    /* main: r0 = rounds; each round prints fib, sieve, sort and objects. */
    mark(s, L_MAIN);
    emit(s, LOADI, 1, 0, 0, 0);
    mark(s, L_MAIN_LOOP);
    emit(s, LOADI, 20, 0, 0, 3);
    emit(s, AND, 20, 1, 20, 0);
    emit(s, ADDI, 20, 20, 0, 21);                /* fib(21..24) */
    emit_to(s, CALL, 20, 0, L_FIB);
    emit(s, OUT, 20, 0, 0, 0);
    emit(s, LOADI, 20, 0, 0, 30000);
    emit(s, ADD, 20, 20, 1, 0);
    emit_to(s, CALL, 20, 0, L_SIEVE);
    emit(s, OUT, 20, 0, 0, 0);
    emit(s, LOADI, 20, 0, 0, 700);
    emit(s, MOV, 21, 1, 0, 0);
    emit_to(s, CALL, 20, 0, L_SORT);
    emit(s, OUT, 20, 0, 0, 0);
    emit(s, LOADI, 20, 0, 0, 20000);
    emit(s, MOV, 21, 1, 0, 0);
    emit_to(s, CALL, 20, 0, L_OBJ);
    emit(s, OUT, 20, 0, 0, 0);
    emit(s, INC, 1, 0, 0, 0);
    emit_to(s, JLTU, 1, 0, L_MAIN_LOOP);
    emit(s, HALT, 0, 0, 0, 0);
    link(s);
}

int main(int argc, char **argv) {
    uint32_t rounds = (uint32_t)bench_size(argc, argv, 400, 80, 1);
    static asm_t program;
    for (int l = 0; l < MAX_LABELS; l++) program.at[l] = -1;
    assemble(&program);
    for (int32_t k = 0; k < program.n; k++) {
        if (program.fix[k] >= 0 && program.at[program.fix[k]] < 0) fail("undefined label");
    }
    vm_t *vm = bench_alloc(sizeof(vm_t));
    memset(vm, 0, sizeof *vm);
    vm->regs[0] = rounds;
    run(vm, program.code, program.at[L_MAIN]);
    bench_print(mix64(vm->out, (uint64_t)program.n));
    free(vm);
    return 0;
}
