/* The on-disk cache of compiled code (code_cache.c): one file per module
 * and code generator, in $XDG_CACHE_HOME/wisp (else ~/.cache/wisp), so the
 * second run of a program starts with native code and without LLVM. */
#ifndef WISP_RUNTIME_CODE_CACHE_H
#define WISP_RUNTIME_CODE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "module.h"
#include "runtime/tier_plugin.h"

/* What the code depends on: the module's bytes, the options, and
 * `generator`, which names wisp's build, the code generator and the CPU. */
struct rt_cache_key {
    uint64_t h[2];
};
struct rt_cache_key rt_cache_key(const struct module *m, const struct rt_tier_options *opt, const char *generator);
/* The hash the key is made from (128 bits), over any bytes. */
void rt_hash128(const void *data, size_t len, uint64_t seed, uint64_t out[2]);

/* A cached object for key: a malloc'd copy, or false. */
bool rt_cache_get(const struct rt_cache_key *key, uint8_t **obj, size_t *len);
/* Store one (best effort: a cache that cannot be written is no error). */
void rt_cache_put(const struct rt_cache_key *key, const uint8_t *obj, size_t len);

#endif
