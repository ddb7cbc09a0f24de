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
 *  - `funcs` and `entries`: per compiled function (all defined ones, or
 *    those opt->define names, in index order), its code and its entry;
 *  - `osr_funcs` and `osr_entries`: per OSR pair, the variant's code (one
 *    variant per function, shared by its pairs) and the pair's entry
 *    `void (ptr unused, ptr inst, ptr frame)`, which runs the function to
 *    its end from that loop and stores the results in the frame's first
 *    slots. */
#ifndef WISP_LLVM_TRANSLATE_H
#define WISP_LLVM_TRANSLATE_H

#include <llvm-c/Core.h>

#include "runtime/tier_plugin.h"

struct tr_options {
    bool checks;           /* fuel and interrupt check points */
    bool guarded;          /* memories are guarded: loads and stores need no bounds check */
    const char *fp_constraint; /* inline asm: a float in a vector register ("=x,0" on x86-64) */
    /* Which defined functions to compile: define[i] for function
     * nfunc_imports + i, or NULL for all. Calls to the others go through
     * their rt_func, as calls to imports do. */
    const uint8_t *define;
    /* On-stack replacement entries: per pair, a variant of the function
     * that starts at the loop at byte offset `loop` with the interpreter's
     * frame (locals, then the operand stack, in slots). */
    const struct rt_osr_point *osr;
    uint32_t nosr;
};

/* Build the IR for every function m defines. On failure
 * returns NULL with err naming the function and the feature. */
LLVMModuleRef tr_module(LLVMContextRef ctx, const struct module *m, const struct tr_options *opt,
                        struct wisp_error *err);

/* After optimization: a wasm load that a select takes reaches it through
 * an empty asm (the x86 back end would make the load conditional). */
void tr_protect_selects(LLVMModuleRef mod, const char *fp_constraint);
/* After optimization: each `resume` left (a throw that leaves its
 * function) becomes a call of wisp_rt_resume, which unwinds. */
void tr_lower_resumes(LLVMModuleRef mod);
/* After optimization: every copy made for recursion unrolling must have
 * been inlined (the runtime knows only f<i>'s code ranges). */
bool tr_check_optimized(LLVMModuleRef mod, struct wisp_error *err);

#endif
