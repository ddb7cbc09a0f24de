/* Precompiled modules: wisp_module_serialize writes a module together with
 * its compiled code, wisp_module_deserialize reads it back (`wisp compile`
 * and `wisp run --allow-precompiled`). The format, little-endian:
 *
 *   0   8   magic "\0wisp-cw"
 *   8   4   format version (1)
 *   12  4   the options the code was compiled with (RT_PRECOMPILED_*)
 *   16  8   target: wisp's version, structures and CPU (rt_tier_target_id)
 *   24  8   length of the module's wasm bytes
 *   32  8   length of the object
 *   40      the wasm bytes, then the object (an ELF relocatable file)
 *
 * The code in such a file is run as it is: precompiled code is trusted
 * code, and only a file the user vouches for should be read. Still, every
 * length is checked against the file, a file for another wisp or CPU is
 * refused by name, and the object goes through the same checked loader as
 * the cache's, so a truncated or damaged file is an error, never a crash. */
#include <stdlib.h>

#include "api/api.h"
#include "runtime/tier.h"

#define CW_MAGIC "\0wisp-cw"
#define CW_VERSION 1u
#define CW_HEADER 40u

bool wisp_is_precompiled(const uint8_t *bytes, size_t len)
{
    return len >= 8 && memcmp(bytes, CW_MAGIC, 8) == 0;
}

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

bool wisp_module_serialize(wisp_engine *engine, const wisp_module *module, uint8_t **out, size_t *out_len,
                           wisp_error *err)
{
    /* The options a store of this engine compiles with (rt_tier_options_for
     * asks the memories; without an instance, ask the configuration). */
    struct rt_tier_options opt = {
        .checks = engine->config.consume_fuel || engine->config.interruptible,
        .guarded = !engine->config.no_signals_based_traps && sizeof(void *) == 8 && module->m.nmemories > 0,
    };
    uint8_t *obj;
    size_t obj_len;
    if (!rt_tier_compile_module(&module->m, &opt, &obj, &obj_len, err))
        return false;
    size_t len = CW_HEADER + (size_t)module->m.len + obj_len;
    uint8_t *p = xmalloc(len);
    memcpy(p, CW_MAGIC, 8);
    put32(p + 8, CW_VERSION);
    put32(p + 12, rt_tier_option_bits(&opt));
    put64(p + 16, rt_tier_target_id());
    put64(p + 24, module->m.len);
    put64(p + 32, obj_len);
    memcpy(p + CW_HEADER, module->m.bytes, module->m.len);
    memcpy(p + CW_HEADER + module->m.len, obj, obj_len);
    free(obj);
    *out = p;
    *out_len = len;
    return true;
}

wisp_module *wisp_module_deserialize(wisp_engine *engine, const uint8_t *bytes, size_t len, const char *source,
                                     wisp_error *err)
{
    const char *src = source ? source : "precompiled module";
    if (!wisp_is_precompiled(bytes, len)) {
        err_set(err, WISP_ERR_MALFORMED, 0, "not precompiled code (no \"\\0wisp-cw\" header; make it with wisp compile)");
        err_set_source(err, src);
        return NULL;
    }
    if (len < CW_HEADER) {
        err_set(err, WISP_ERR_MALFORMED, (int64_t)len, "precompiled code is truncated: %zu bytes, the header "
                "alone is %u", len, CW_HEADER);
        err_set_source(err, src);
        return NULL;
    }
    uint32_t version = get32(bytes + 8), options = get32(bytes + 12);
    uint64_t target = get64(bytes + 16), wasm_len = get64(bytes + 24), obj_len = get64(bytes + 32);
    const char *why = NULL;
    if (version != CW_VERSION)
        why = "it is in another version of the format";
    else if (target != rt_tier_target_id())
        why = "it was compiled by another build of wisp or for another CPU; compile it again here";
    else if (options > (RT_PRECOMPILED_CHECKS | RT_PRECOMPILED_GUARDED))
        why = "its options are unknown to this wisp";
    else if (wasm_len > len - CW_HEADER || obj_len != len - CW_HEADER - wasm_len)
        why = "it is truncated or damaged: its lengths do not match the file";
    if (why) {
        err_set(err, WISP_ERR_MALFORMED, 0, "precompiled code cannot be used: %s", why);
        err_set_source(err, src);
        return NULL;
    }
    wisp_module *mod = wisp_module_new(engine, bytes + CW_HEADER, (size_t)wasm_len, source, err);
    if (!mod)
        return NULL;
    mod->m.precompiled = xmalloc(obj_len ? obj_len : 1);
    memcpy(mod->m.precompiled, bytes + CW_HEADER + wasm_len, obj_len);
    mod->m.precompiled_len = obj_len;
    mod->m.precompiled_options = options;
    return mod;
}
