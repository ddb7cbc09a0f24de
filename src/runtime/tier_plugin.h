/* The boundary between the runtime and the compiled tier's plugin.
 *
 * Linking LLVM into wisp costs every process about 70 ms before main runs
 * (libLLVM's relocations and static constructors), so the compiled tier
 * lives in a plugin, libwisp-llvm.so, that the runtime opens with dlopen
 * the first time something is compiled (src/runtime/tier.c). The build
 * makes the plugin only when it finds LLVM 19; without it the runtime is
 * the same code and reports the tier as absent.
 *
 * The plugin is built from the same headers as the runtime and shares its
 * structures; `layout` guards against a plugin from another build. The
 * plugin only turns a module into an object file; the runtime links and
 * runs it (native_image.c, native.c). */
#ifndef WISP_RUNTIME_TIER_PLUGIN_H
#define WISP_RUNTIME_TIER_PLUGIN_H

#include <stddef.h>

#include "runtime/runtime.h"

/* One runtime function that native code calls, by the name the generated
 * code uses (native_image.c links them). */
struct rt_tier_symbol {
    const char *name;
    void *addr;
};

/* What code is compiled for: everything that changes the machine code
 * besides the module itself, and so part of the code cache's key. */
/* A loop to enter from the interpreter: function index, the loop's byte
 * offset in the module. */
struct rt_osr_point {
    uint32_t func, loop;
};

struct rt_tier_options {
    bool checks;  /* fuel and interrupt check points */
    bool guarded; /* every memory is guarded (rt_memory.guarded): no size checks */
    /* What to compile: define[i] for the module's defined function i, NULL
     * for all of them; and entries at these loops (on-stack replacement). */
    const uint8_t *define;
    const struct rt_osr_point *osr;
    uint32_t nosr;
};

/* A layout fingerprint: the sizes of the shared structures (and where an
 * exception's payload starts, which compiled handlers read). */
#define RT_TIER_LAYOUT                                                                 \
    ((uint64_t)sizeof(struct rt_store) << 48 ^ (uint64_t)sizeof(struct rt_instance) << 36 ^ \
     (uint64_t)sizeof(struct rt_func) << 24 ^ (uint64_t)sizeof(struct rt_memory) << 12 ^   \
     (uint64_t)sizeof(struct rt_table) ^ (uint64_t)sizeof(struct module) << 56 ^           \
     (uint64_t)offsetof(struct rt_exception, payload) << 30)

struct rt_tier_plugin {
    uint64_t layout; /* RT_TIER_LAYOUT as the plugin was built */
    /* Which LLVM, for which CPU. */
    const char *(*describe)(void);
    /* Once, before anything else; false with the reason in why. */
    bool (*init)(char *why, size_t size);
    /* Compile every function m defines into an ELF relocatable object,
     * returned in a malloc'd buffer. Thread-safe. A function the tier
     * cannot compile fails with WISP_ERR_LINK naming it and the feature. */
    bool (*compile)(const struct module *m, const struct rt_tier_options *opt, uint8_t **obj, size_t *len,
                    struct wisp_error *err);
};

/* The plugin's one exported symbol. */
#define RT_TIER_PLUGIN_SYMBOL "wisp_tier_plugin"
typedef const struct rt_tier_plugin *(*rt_tier_plugin_fn)(void);

#endif
