/* The public limits: the engine configuration (whether compiled code
 * carries check points for fuel and interrupts, the Wasm features modules
 * may use), and each store's fuel,
 * interrupt, timeout, memory, table and stack limits. The runtime side is
 * src/runtime/limits.c and the XOP_check handler in the interpreter. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "runtime/tier.h"

_Static_assert((int)WISP_TIER_AUTO == RT_TIER_AUTO && (int)WISP_TIER_INTERP == RT_TIER_INTERP &&
                   (int)WISP_TIER_COMPILED == RT_TIER_COMPILED,
               "wisp_tier and enum rt_tier agree");
_Static_assert((uint32_t)WISP_FEATURE_EXTENDED_CONST == FEAT_EXTENDED_CONST &&
                   (uint32_t)WISP_FEATURE_TAIL_CALL == FEAT_TAIL_CALL &&
                   (uint32_t)WISP_FEATURE_RELAXED_SIMD == FEAT_RELAXED_SIMD &&
                   (uint32_t)WISP_FEATURE_MULTI_MEMORY == FEAT_MULTI_MEMORY &&
                   (uint32_t)WISP_FEATURE_MEMORY64 == FEAT_MEMORY64 &&
                   (uint32_t)WISP_FEATURE_EXCEPTIONS == FEAT_EXCEPTIONS &&
                   (uint32_t)WISP_FEATURE_FUNCTION_REFERENCES == FEAT_FUNCTION_REFERENCES,
               "wisp_feature and enum wasm_feature agree");

/* The wasm stack may be given up to this many bytes: it is reserved as
 * address space, so the bound only keeps the reservation sane. */
#define MAX_WASM_STACK ((uint64_t)64 << 30)

wisp_config *wisp_config_new(void) { return xcalloc(1, sizeof(wisp_config)); }
void wisp_config_free(wisp_config *config) { free(config); }
void wisp_config_consume_fuel(wisp_config *config, bool enable) { config->consume_fuel = enable; }
void wisp_config_interruptible(wisp_config *config, bool enable) { config->interruptible = enable; }
void wisp_config_tier(wisp_config *config, wisp_tier tier) { config->tier = (uint8_t)tier; }
void wisp_config_cache(wisp_config *config, bool enable) { config->cache = enable; }
void wisp_config_signals_based_traps(wisp_config *config, bool enable) { config->no_signals_based_traps = !enable; }
void wisp_config_memory_huge_pages(wisp_config *config, bool enable) { config->no_huge_pages = !enable; }

void wisp_config_wasm_feature(wisp_config *config, wisp_feature feature, bool enable)
{
    if (enable) {
        config->disabled_features &= ~(uint32_t)feature;
        config->enabled_features |= (uint32_t)feature;
    } else {
        config->disabled_features |= (uint32_t)feature;
        config->enabled_features &= ~(uint32_t)feature;
    }
}

static const struct { const char *name; wisp_feature feature; } feature_names[] = {
    {"extended-const", WISP_FEATURE_EXTENDED_CONST},
    {"tail-call", WISP_FEATURE_TAIL_CALL},
    {"relaxed-simd", WISP_FEATURE_RELAXED_SIMD},
    {"multi-memory", WISP_FEATURE_MULTI_MEMORY},
    {"memory64", WISP_FEATURE_MEMORY64},
    {"exceptions", WISP_FEATURE_EXCEPTIONS},
    {"function-references", WISP_FEATURE_FUNCTION_REFERENCES},
};

bool wisp_feature_by_name(const char *name, wisp_feature *feature)
{
    for (size_t i = 0; i < sizeof feature_names / sizeof *feature_names; i++)
        if (strcmp(name, feature_names[i].name) == 0) {
            *feature = feature_names[i].feature;
            return true;
        }
    return false;
}

void api_store_codegen(const struct wisp_engine *engine, struct rt_store *s)
{
    s->tier = engine->config.tier;
    s->cache = engine->config.cache;
    s->guard_pages = engine->config.tier != WISP_TIER_INTERP && !engine->config.no_signals_based_traps;
    s->no_huge_pages = engine->config.no_huge_pages;
}

bool wisp_compiling(void) { return rt_tier_compiling(); }

bool wisp_compiled_tier(const char **description)
{
    bool ok = rt_tier_available();
    if (description)
        *description = rt_tier_describe();
    return ok;
}

wisp_engine *wisp_engine_new_with_config(wisp_config *config)
{
    wisp_engine *e = xcalloc(1, sizeof *e);
    if (config) {
        e->config = *config;
        free(config);
    }
    return e;
}

static bool need_fuel(const wisp_store *store, wisp_error *err)
{
    if (store->rt->fuel_enabled)
        return true;
    return err_set(err, WISP_ERR_UNSUPPORTED, -1,
                   "fuel is not enabled: create the engine with wisp_config_consume_fuel");
}

bool wisp_store_set_fuel(wisp_store *store, uint64_t fuel, wisp_error *err)
{
    if (!need_fuel(store, err))
        return false;
    store->rt->fuel = fuel > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)fuel;
    return true;
}

bool wisp_store_add_fuel(wisp_store *store, uint64_t fuel, wisp_error *err)
{
    if (!need_fuel(store, err))
        return false;
    uint64_t now = (uint64_t)store->rt->fuel;
    store->rt->fuel = fuel > (uint64_t)INT64_MAX - now ? INT64_MAX : (int64_t)(now + fuel);
    return true;
}

bool wisp_store_get_fuel(const wisp_store *store, uint64_t *fuel)
{
    if (!store->rt->fuel_enabled)
        return false;
    *fuel = store->rt->fuel > 0 ? (uint64_t)store->rt->fuel : 0;
    return true;
}

bool wisp_store_interrupt(wisp_store *store)
{
    rt_interrupt(store->rt);
    return store->rt->checks;
}

bool wisp_store_set_timeout(wisp_store *store, uint64_t nanoseconds, wisp_error *err)
{
    if (nanoseconds && !store->rt->checks)
        return err_set(err, WISP_ERR_UNSUPPORTED, -1,
                       "timeouts need interruptible code: create the engine with "
                       "wisp_config_interruptible");
    store->rt->timeout_ns = nanoseconds;
    return true;
}

void wisp_store_set_max_memory_size(wisp_store *store, uint64_t bytes)
{
    store->rt->max_memory_pages = bytes / 65536;
}

void wisp_store_set_max_table_elements(wisp_store *store, uint64_t elements)
{
    store->rt->max_table_elems = elements;
}

bool wisp_store_set_max_wasm_stack(wisp_store *store, uint64_t bytes, wisp_error *err)
{
    if (bytes < sizeof(union slot) * 16 || bytes > MAX_WASM_STACK)
        return err_set(err, WISP_ERR_UNSUPPORTED, -1,
                       "max-wasm-stack: %llu bytes is outside 128 bytes to 64 GiB",
                       (unsigned long long)bytes);
    store->rt->max_stack_slots = (size_t)(bytes / sizeof(union slot));
    return true;
}
