/* `wisp run -W key=value[,key=value...]`: the resource limits and the Wasm
 * features (extended-const=y|n, ...), spelled as Wasmtime spells them, parsed into a struct that configures the engine
 * and the store. The long options (--fuel N, ...) are wisp's aliases and
 * come through here too. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/wasm_options.h"

/* An unsigned integer with an optional binary size suffix: K, M, G (also
 * KiB/MiB/GiB or KB/MB/GB, all powers of 1024). */
static bool parse_size(const char *s, uint64_t *out)
{
    if (!isdigit((unsigned char)s[0]))
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return false;
    unsigned shift = 0;
    if (*end) {
        switch (toupper((unsigned char)*end)) {
        case 'K': shift = 10; break;
        case 'M': shift = 20; break;
        case 'G': shift = 30; break;
        case 'T': shift = 40; break;
        default: return false;
        }
        end++;
        if (strcmp(end, "") != 0 && strcmp(end, "i") != 0 && strcmp(end, "iB") != 0 &&
            strcmp(end, "B") != 0)
            return false;
    }
    if (shift && v > (UINT64_MAX >> shift))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

/* A plain count: a size without the suffixes. */
static bool parse_count(const char *s, uint64_t *out)
{
    return !strpbrk(s, "KMGTkmgt") && parse_size(s, out);
}

bool parse_duration(const char *s, uint64_t *ns)
{
    if (!isdigit((unsigned char)s[0]))
        return false;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || !isfinite(v) || v < 0)
        return false;
    double scale;
    if (strcmp(end, "ns") == 0) scale = 1;
    else if (strcmp(end, "us") == 0) scale = 1e3;
    else if (strcmp(end, "ms") == 0) scale = 1e6;
    else if (strcmp(end, "s") == 0 || strcmp(end, "") == 0) scale = 1e9;
    else if (strcmp(end, "m") == 0) scale = 60e9;
    else if (strcmp(end, "h") == 0) scale = 3600e9;
    else return false;
    double t = v * scale;
    if (t >= 1.8e19)
        return false;
    *ns = (uint64_t)t;
    return *ns > 0;
}

static bool fail(char *why, size_t size, const char *key, const char *value, const char *what)
{
    snprintf(why, size, "-W %s=%s: %s", key, value, what);
    return false;
}

bool wasm_option_set(struct wasm_options *o, const char *key, const char *value, char *why, size_t size)
{
    uint64_t v;
    wisp_feature feature;
    if (strcmp(key, "fuel") == 0) {
        if (!parse_count(value, &v))
            return fail(why, size, key, value, "expected a number of fuel units");
        o->fuel = v;
        o->has_fuel = true;
    } else if (strcmp(key, "timeout") == 0) {
        if (!parse_duration(value, &v))
            return fail(why, size, key, value, "expected a duration such as 500ms, 2s or 1.5m");
        o->timeout_ns = v;
    } else if (strcmp(key, "max-memory-size") == 0) {
        if (!parse_size(value, &v))
            return fail(why, size, key, value, "expected a size in bytes (suffixes K, M, G)");
        o->max_memory = v;
        o->has_max_memory = true;
    } else if (strcmp(key, "max-table-elements") == 0) {
        if (!parse_count(value, &v))
            return fail(why, size, key, value, "expected a number of elements");
        o->max_table = v;
        o->has_max_table = true;
    } else if (strcmp(key, "max-wasm-stack") == 0) {
        if (!parse_size(value, &v))
            return fail(why, size, key, value, "expected a size in bytes (suffixes K, M, G)");
        o->max_stack = v;
        o->has_max_stack = true;
    } else if (wisp_feature_by_name(key, &feature)) {
        bool on;
        if (!parse_yes_no(value, &on))
            return fail(why, size, key, value, "expected y or n");
        o->features_on = on ? o->features_on | feature : o->features_on & ~(uint32_t)feature;
        o->features_off = on ? o->features_off & ~(uint32_t)feature : o->features_off | feature;
    } else {
        snprintf(why, size, "-W %s: unknown option; wisp knows fuel, timeout, max-memory-size, "
                 "max-table-elements, max-wasm-stack and the Wasm features (extended-const, tail-call, "
                 "relaxed-simd, multi-memory, memory64, exceptions, function-references)", key);
        return false;
    }
    return true;
}

bool wasm_options_parse(struct wasm_options *o, const char *list, char *why, size_t size)
{
    if (!*list) {
        snprintf(why, size, "-W: expected KEY=VALUE");
        return false;
    }
    char *copy = strdup(list);
    if (!copy) {
        snprintf(why, size, "-W: out of memory");
        return false;
    }
    bool ok = true;
    char *save = NULL;
    for (char *item = strtok_r(copy, ",", &save); ok && item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq) {
            snprintf(why, size, "-W %s: expected KEY=VALUE", item);
            ok = false;
            break;
        }
        *eq = 0;
        ok = wasm_option_set(o, item, eq + 1, why, size);
    }
    free(copy);
    return ok;
}

void wasm_options_configure(const struct wasm_options *o, wisp_config *config)
{
    wisp_config_consume_fuel(config, o->has_fuel);
    wisp_config_interruptible(config, o->timeout_ns != 0);
    for (uint32_t bit = 1; bit; bit <<= 1)
        if ((o->features_on | o->features_off) & bit)
            wisp_config_wasm_feature(config, (wisp_feature)bit, (o->features_on & bit) != 0);
}

bool wasm_options_apply(const struct wasm_options *o, wisp_store *store, wisp_error *err)
{
    if (o->has_fuel && !wisp_store_set_fuel(store, o->fuel, err))
        return false;
    if (o->timeout_ns && !wisp_store_set_timeout(store, o->timeout_ns, err))
        return false;
    if (o->has_max_memory)
        wisp_store_set_max_memory_size(store, o->max_memory);
    if (o->has_max_table)
        wisp_store_set_max_table_elements(store, o->max_table);
    if (o->has_max_stack && !wisp_store_set_max_wasm_stack(store, o->max_stack, err))
        return false;
    return true;
}
