/* A setjmp.h for LLVM's wasm setjmp/longjmp lowering (-mllvm -wasm-enable-sjlj):
 * the compiler rewrites calls to setjmp and longjmp into calls to
 * __wasm_setjmp, __wasm_setjmp_test and __wasm_longjmp (wasm_sjlj_rt.c). */
#ifndef WISP_TEST_SETJMP_H
#define WISP_TEST_SETJMP_H
typedef struct { void *invocation; unsigned long label; void *env; int val; } jmp_buf[1];
int setjmp(jmp_buf env);
_Noreturn void longjmp(jmp_buf env, int val);
#endif
