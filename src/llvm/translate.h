/* Translating a module's functions to LLVM IR (translate.c).
 *
 * Every defined function i becomes `f<i>`, with the native calling
 * convention: fastcc, the callee's instance first, then the wasm params;
 * it returns its one result, a struct of several, or void. Native code
 * reads the instance through offsetof, so the code depends on the module
 * and the options, never on a particular instance or store: it can be
 * cached and reused.
 *
 * The module also gets, after the functions:
 *  - `end`, an empty function that marks where the wasm functions'
 *    code ends (jit.c derives each function's code range from it);
 *  - per function type, an entry `void (ptr fn, ptr inst, ptr slots)` that
 *    calls fn with arguments from slots and stores its results there, and a
 *    stub that calls a function without native code through the runtime;
 *  - `funcs` and `entries`: per defined function, its code
 *    and its entry. */
#ifndef WISP_LLVM_TRANSLATE_H
#define WISP_LLVM_TRANSLATE_H

#include <llvm-c/Core.h>

#include "runtime/runtime.h"

struct tr_options {
    bool checks;           /* fuel and interrupt check points */
    const char *fp_constraint; /* inline asm: a float in a vector register ("=x,0" on x86-64) */
};

/* Build the IR for every function m defines. On failure
 * returns NULL with err naming the function and the feature. */
LLVMModuleRef tr_module(LLVMContextRef ctx, const struct module *m, const struct tr_options *opt,
                        struct wisp_error *err);

#endif
