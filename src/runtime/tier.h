/* The compiled tier as the runtime sees it. src/llvm/ implements it with
 * LLVM when the build finds LLVM 19; src/nollvm/ implements it otherwise,
 * and then no function is ever compiled. The runtime, the interpreter and
 * the API call only these functions, so neither needs an #if.
 *
 * A compiled function has rt_func.native (its code) and .native_entry (code
 * that takes its arguments from slots, calls it and stores the results).
 * Native code runs on the caller's C stack; a trap leaves it by longjmp to
 * the innermost rt_native_call, which returns false with s->trap and the
 * backtrace set, exactly as the interpreter reports one. */
#ifndef WISP_RUNTIME_TIER_H
#define WISP_RUNTIME_TIER_H

#include "runtime/runtime.h"

enum rt_tier {
    RT_TIER_AUTO,     /* start in the interpreter, compile what proves hot */
    RT_TIER_INTERP,   /* interpreter only */
    RT_TIER_COMPILED, /* compile every function before it runs */
};

/* Whether the compiled tier is built in, and a description of it for
 * `wisp --version` ("LLVM 19.1.7", or the reason it is absent). */
bool rt_tier_available(void);
const char *rt_tier_describe(void);

/* Compile every function defined by inst (RT_TIER_COMPILED, at
 * instantiation, before any of it runs). A function the tier cannot
 * compile fails the whole instance with WISP_ERR_LINK, naming the function
 * and the feature: there is no fallback to the interpreter. */
bool rt_tier_compile_instance(struct rt_instance *inst, struct wisp_error *err);
/* Free inst's native code (the store is being freed). */
void rt_tier_release(struct rt_instance *inst);

/* A compiled function's machine code, [start, end). */
struct rt_code_range {
    uintptr_t start, end;
    struct rt_func *func;
};
/* The table of compiled code (native.c): for backtraces and the fault
 * handler. */
void rt_native_add_ranges(const struct rt_code_range *ranges, size_t n);
void rt_native_remove_ranges(uintptr_t start, uintptr_t end);
/* The helpers native code calls, by name (native.c). */
struct rt_tier_symbol;
const struct rt_tier_symbol *rt_native_symbols(size_t *n);

/* Call a compiled function f with its arguments in args_results (as
 * rt_call). Returns false on a trap, with s->trap and s->trace set. */
bool rt_native_call(struct rt_store *s, struct rt_func *f, union slot *args_results);

#endif
