/* The runtime of LLVM's wasm setjmp/longjmp lowering, which wasi-libc
 * before 2024 lacks. setjmp records in the jmp_buf which function
 * invocation called it and which label the lowering gave the call site;
 * longjmp throws the __c_longjmp tag with a pointer to (env, val); the
 * catch in the function that called setjmp asks __wasm_setjmp_test
 * whether env belongs to this invocation and resumes at its label. */
#include <setjmp.h>
#include <stdint.h>

struct wasm_jmp_buf {
    void *invocation;
    uint32_t label;
    struct { void *env; int val; } arg; /* what longjmp throws */
};

_Static_assert(sizeof(struct wasm_jmp_buf) <= sizeof(jmp_buf), "jmp_buf too small");

void __wasm_setjmp(void *env, uint32_t label, void *invocation)
{
    struct wasm_jmp_buf *jb = env;
    jb->invocation = invocation;
    jb->label = label;
}

uint32_t __wasm_setjmp_test(void *env, void *invocation)
{
    struct wasm_jmp_buf *jb = env;
    return jb->invocation == invocation ? jb->label : 0;
}

void __wasm_longjmp(void *env, int val)
{
    struct wasm_jmp_buf *jb = env;
    jb->arg.env = env;
    jb->arg.val = val ? val : 1;
    __builtin_wasm_throw(1, &jb->arg); /* tag 1: __c_longjmp */
}
