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
/* The code of every loaded image, for the fault handler, which cannot
 * take a lock: a lock-free table of [start, end) (native.c). */
void rt_native_add_text(uintptr_t start, uintptr_t end);
void rt_native_remove_text(uintptr_t start);
/* Install the SIGSEGV/SIGBUS handler that turns a fault in compiled code
 * (an access past a guarded memory's end) into the trap "out of bounds
 * memory access". Installed once per process, before the first guarded
 * code runs; it passes every other fault to the handler that was there
 * before it. False (err set) if sigaction fails. */
bool rt_native_fault_handler(struct wisp_error *err);
/* The helpers native code calls, by name (native.c). */
struct rt_tier_symbol;
const struct rt_tier_symbol *rt_native_symbols(size_t *n);

/* ---- Building native code (tier.c) ---- */

#include <pthread.h>

#include "runtime/tier_plugin.h"

struct rt_native_image;
/* An instance's native code and tier-up state (inst->native). */
struct rt_native_state {
    struct rt_instance *inst;
    pthread_mutex_t lock;
    struct rt_native_image **images;
    uint32_t nimages, images_cap;
    /* Tier-up (tier_up.c), under the lock. */
    bool module_wanted, module_done;
    struct rt_osr_point *want;      /* every loop requested, compiled or not */
    uint32_t nwant, want_cap, nwant_done;
    /* Per defined function (NULL until the first request): called[i], it
     * got hot by its calls; deferred[i], its ordinary code was left out of
     * the module's compilation because only its loops had asked (their
     * OSR variant runs the call under way); late[i], deferred and since
     * called often enough to want it. */
    uint8_t *called, *deferred, *late;
    bool late_wanted;
    /* After a module compilation that deferred functions: compile the
     * whole module once more for the cache only, so the next run starts
     * with all of it (the plain key). */
    bool fill_wanted, fill_done;
    bool failed;
    /* Under tier_up.c's queue lock, as is next: in the queue; being
     * compiled; being bound to the instance; the instance is gone. */
    bool queued, busy, binding, abandoned;
    struct rt_native_state *next;   /* in the compile queue */
};
struct rt_native_state *rt_native_state(struct rt_instance *inst);
/* The options inst's code must be compiled with. */
void rt_tier_options_for(struct rt_instance *inst, struct rt_tier_options *opt);
/* The code of m for opt: the module's precompiled code, the cache
 * (use_cache), else the plugin unless cache_only. *obj is malloc'd. */
bool rt_tier_code(const struct module *m, bool use_cache, const struct rt_tier_options *opt, bool cache_only,
                  uint8_t **obj, size_t *len, struct wisp_error *err);
/* Link obj and point inst's functions and OSR entries at it. */
bool rt_tier_bind(struct rt_instance *inst, const struct rt_tier_options *opt, const uint8_t *obj, size_t len,
                  struct wisp_error *err);
void rt_native_state_free(struct rt_native_state *st);
/* rt_tier_code, then rt_tier_bind. */
bool rt_tier_build(struct rt_instance *inst, const struct rt_tier_options *opt, bool cache_only,
                   struct wisp_error *err);
/* Compile m for opt with the plugin, bypassing the cache (for
 * wisp_module_serialize). */
bool rt_tier_compile_module(const struct module *m, const struct rt_tier_options *opt, uint8_t **obj,
                            size_t *len, struct wisp_error *err);
/* Precompiled code's options, as bits, and what it must match to run
 * here: this wisp's version, its structures, this CPU. */
#define RT_PRECOMPILED_CHECKS 1u
#define RT_PRECOMPILED_GUARDED 2u
uint32_t rt_tier_option_bits(const struct rt_tier_options *opt);
uint64_t rt_tier_target_id(void);
/* The plugin is there to compile with (without opening it). */
bool rt_tier_up_possible(void);
/* Drop inst's pending compilations (tier_up.c). One that is compiling
 * goes on, is thrown away when it ends, and frees st then: returns true
 * when that is so (the caller must not free st). */
bool rt_tier_up_forget(struct rt_native_state *st, struct rt_native_image ***images, uint32_t *nimages);

/* ---- Tier-up (the auto tier, tier_up.c) ---- */

/* A background compilation is under way. */
bool rt_tier_compiling(void);
/* Wait until no compilation is queued or under way (wisp_engine_free). */
void rt_tier_up_wait(void);
/* The exit handler that waits for it (atexit, once the plugin is open). */
void rt_tier_up_at_exit(void);

/* Calls and loop iterations in the interpreter before a function counts
 * as hot, and between later looks at whether its code is ready. */
#define RT_HOT_THRESHOLD 2000
/* Whether the interpreter should count toward tier-up in this store: the
 * auto tier, with the compiled tier present. */
bool rt_tier_up_enabled(struct rt_store *s);
/* RT_HOT_THRESHOLD, or WISP_TIER_UP_THRESHOLD for tests. */
int32_t rt_tier_up_threshold(void);
/* At instantiation in the auto tier: use the module's code from the cache
 * at once, if it is there. */
void rt_tier_up_instance(struct rt_instance *inst);
/* A countdown reached zero: request native code for f's instance (and, at
 * a loop, for an entry at that loop). Returns the loop's OSR entry when it
 * is ready, else NULL. Resets the countdown. */
void (*rt_tier_hot(struct rt_store *s, struct rt_func *f, uint32_t loop))(void *, struct rt_instance *, union slot *);
/* Run an OSR entry of f on the interpreter frame fp (rt_native_call's
 * contract): the rest of f's body, results left in fp's first slots. */
bool rt_native_osr(struct rt_store *s, struct rt_func *f,
                   void (*entry)(void *, struct rt_instance *, union slot *), union slot *fp);

/* Call a compiled function f with its arguments in args_results (as
 * rt_call). Returns false on a trap, with s->trap and s->trace set. */
bool rt_native_call(struct rt_store *s, struct rt_func *f, union slot *args_results);

#endif
