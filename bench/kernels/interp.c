/* Bench kernel: a switch-dispatched stack VM running a Collatz program (the
 * total number of steps for every start value 1..SCALE). Measures an
 * interpreter's own dispatch overhead: indirect branches and tight loads and
 * stores to a small stack. */
#include "kernel.h"

#ifndef SCALE
#ifdef BENCH_QUICK
#define SCALE 3000
#else
#define SCALE 50000
#endif
#endif

enum op {
    OP_PUSH,    /* imm: push it */
    OP_LOAD,    /* imm: push register */
    OP_STORE,   /* imm: pop into register */
    OP_ADD, OP_SUB, OP_MUL, OP_AND, OP_XOR, OP_SHR, OP_EQ, OP_LT,
    OP_JMP,     /* imm: absolute target */
    OP_JZ,      /* imm: pop, jump if zero */
    OP_JNZ,     /* imm: pop, jump if not zero */
    OP_HALT,
};

static uint64_t vm(const int32_t *code, uint64_t *reg)
{
    uint64_t stack[64];
    int sp = 0;
    int pc = 0;
    for (;;) {
        int32_t op = code[pc++];
        switch (op) {
        case OP_PUSH: stack[sp++] = (uint64_t)(int64_t)code[pc++]; break;
        case OP_LOAD: stack[sp++] = reg[code[pc++]]; break;
        case OP_STORE: reg[code[pc++]] = stack[--sp]; break;
        case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case OP_SHR: sp--; stack[sp - 1] >>= (stack[sp] & 63); break;
        case OP_EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case OP_JMP: pc = code[pc]; break;
        case OP_JZ: pc = stack[--sp] ? pc + 1 : code[pc]; break;
        case OP_JNZ: pc = stack[--sp] ? code[pc] : pc + 1; break;
        case OP_HALT: return reg[0];   /* the program leaves its result in r0 */
        default: return 0;
        }
    }
}

/* A tiny assembler whose jump operands are patched after every label is
 * bound, so the program below reads top to bottom without hand-counted
 * targets. */
struct asm_buf {
    int32_t code[128];
    int n;
    int label_at[8];      /* code position of each label, -1 until bound */
    int fix_pos[16];      /* operand slots waiting for a label */
    int fix_label[16];
    int nfix;
};

static void emit(struct asm_buf *a, int32_t op) { a->code[a->n++] = op; }
static void emit1(struct asm_buf *a, int32_t op, int32_t imm) { emit(a, op); emit(a, imm); }
static void jump(struct asm_buf *a, int32_t op, int label)
{
    emit(a, op);
    a->fix_pos[a->nfix] = a->n;
    a->fix_label[a->nfix++] = label;
    emit(a, 0);
}
static void bind(struct asm_buf *a, int label) { a->label_at[label] = a->n; }
static void resolve(struct asm_buf *a)
{
    for (int i = 0; i < a->nfix; i++)
        a->code[a->fix_pos[i]] = a->label_at[a->fix_label[i]];
}

enum { R_STEPS, R_N, R_X, R_LIMIT, R_HASH, NREG };
enum { L_OUTER, L_INNER, L_EVEN, L_NEXT, L_END };

uint64_t run(void)
{
    struct asm_buf a = { .n = 0, .nfix = 0 };
    for (int i = 0; i < 8; i++)
        a.label_at[i] = -1;

    /* for (n = 1; n < limit; n++) {
     *     for (x = n; x != 1; steps++) x = x & 1 ? 3x + 1 : x >> 1;
     *     hash = hash * 31 ^ steps;
     * } */
    emit1(&a, OP_PUSH, 1); emit1(&a, OP_STORE, R_N);
    bind(&a, L_OUTER);
    emit1(&a, OP_LOAD, R_N); emit1(&a, OP_LOAD, R_LIMIT); emit(&a, OP_LT); jump(&a, OP_JZ, L_END);
    emit1(&a, OP_LOAD, R_N); emit1(&a, OP_STORE, R_X);
    bind(&a, L_INNER);
    emit1(&a, OP_LOAD, R_X); emit1(&a, OP_PUSH, 1); emit(&a, OP_EQ); jump(&a, OP_JNZ, L_NEXT);
    emit1(&a, OP_LOAD, R_STEPS); emit1(&a, OP_PUSH, 1); emit(&a, OP_ADD); emit1(&a, OP_STORE, R_STEPS);
    emit1(&a, OP_LOAD, R_X); emit1(&a, OP_PUSH, 1); emit(&a, OP_AND); jump(&a, OP_JZ, L_EVEN);
    emit1(&a, OP_LOAD, R_X); emit1(&a, OP_PUSH, 3); emit(&a, OP_MUL);
    emit1(&a, OP_PUSH, 1); emit(&a, OP_ADD); emit1(&a, OP_STORE, R_X);
    jump(&a, OP_JMP, L_INNER);
    bind(&a, L_EVEN);
    emit1(&a, OP_LOAD, R_X); emit1(&a, OP_PUSH, 1); emit(&a, OP_SHR); emit1(&a, OP_STORE, R_X);
    jump(&a, OP_JMP, L_INNER);
    bind(&a, L_NEXT);
    emit1(&a, OP_LOAD, R_HASH); emit1(&a, OP_PUSH, 31); emit(&a, OP_MUL);
    emit1(&a, OP_LOAD, R_STEPS); emit(&a, OP_XOR); emit1(&a, OP_STORE, R_HASH);
    emit1(&a, OP_LOAD, R_N); emit1(&a, OP_PUSH, 1); emit(&a, OP_ADD); emit1(&a, OP_STORE, R_N);
    jump(&a, OP_JMP, L_OUTER);
    bind(&a, L_END);
    emit(&a, OP_HALT);
    resolve(&a);

    uint64_t reg[NREG] = { 0 };
    reg[R_LIMIT] = SCALE + bench_zero();
    uint64_t steps = vm(a.code, reg);
    return BENCH_RESULT(bench_mix(steps, reg[R_HASH]));
}
