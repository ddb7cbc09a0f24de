/* `-C key=value[,...]` and WISP_TIER: the code generation options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/codegen_options.h"

static bool parse_tier(const char *v, wisp_tier *out)
{
    if (strcmp(v, "auto") == 0)
        *out = WISP_TIER_AUTO;
    else if (strcmp(v, "interp") == 0)
        *out = WISP_TIER_INTERP;
    else if (strcmp(v, "compiled") == 0)
        *out = WISP_TIER_COMPILED;
    else
        return false;
    return true;
}

bool codegen_options_parse_opt(struct codegen_options *o, const char *list, char *why, size_t size)
{
    const char *p = list;
    if (!*p) {
        snprintf(why, size, "-O: expected KEY=VALUE");
        return false;
    }
    while (*p) {
        size_t len = strcspn(p, ",");
        const char *eq = memchr(p, '=', len);
        size_t klen = eq ? (size_t)(eq - p) : len;
        bool *off;
        if (klen == 19 && memcmp(p, "signals-based-traps", 19) == 0)
            off = &o->no_signals_based_traps;
        else if (klen == 17 && memcmp(p, "memory-huge-pages", 17) == 0)
            off = &o->no_huge_pages;
        else {
            snprintf(why, size, "-O %.*s: unknown option; wisp knows signals-based-traps=y|n and "
                     "memory-huge-pages=y|n", (int)len, p);
            return false;
        }
        char value[64];
        bool on;
        snprintf(value, sizeof value, "%.*s", eq ? (int)(len - klen - 1) : 0, eq ? eq + 1 : "");
        if (!eq || !parse_yes_no(value, &on)) {
            snprintf(why, size, "-O %.*s: expected %.*s=y or n", (int)len, p, (int)klen, p);
            return false;
        }
        *off = !on;
        p += len;
        if (*p == ',')
            p++;
    }
    return true;
}

bool codegen_options_parse(struct codegen_options *o, const char *list, char *why, size_t size)
{
    const char *p = list;
    if (!*p) {
        snprintf(why, size, "-C: expected KEY=VALUE");
        return false;
    }
    while (*p) {
        size_t len = strcspn(p, ",");
        const char *eq = memchr(p, '=', len);
        if (!eq) {
            snprintf(why, size, "-C %.*s: expected KEY=VALUE", (int)len, p);
            return false;
        }
        size_t klen = (size_t)(eq - p);
        char value[64];
        snprintf(value, sizeof value, "%.*s", (int)(len - klen - 1), eq + 1);
        if (klen == 4 && memcmp(p, "tier", 4) == 0) {
            if (!parse_tier(value, &o->tier)) {
                snprintf(why, size, "-C tier=%s: expected interp, compiled or auto", value);
                return false;
            }
            o->has_tier = true;
        } else if (klen == 5 && memcmp(p, "cache", 5) == 0) {
            bool on;
            if (!parse_yes_no(value, &on)) {
                snprintf(why, size, "-C cache=%s: expected y or n", value);
                return false;
            }
            o->no_cache = !on;
        } else {
            snprintf(why, size, "-C %.*s: unknown option; wisp knows tier and cache", (int)klen, p);
            return false;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return true;
}

bool codegen_options_from_env(struct codegen_options *o, char *why, size_t size)
{
    const char *v = getenv("WISP_TIER");
    if (o->has_tier || !v || !*v)
        return true;
    if (!parse_tier(v, &o->tier)) {
        snprintf(why, size, "WISP_TIER=%s: expected interp, compiled or auto", v);
        return false;
    }
    o->has_tier = true;
    return true;
}

void codegen_options_configure(const struct codegen_options *o, wisp_config *config)
{
    if (o->has_tier)
        wisp_config_tier(config, o->tier);
    wisp_config_cache(config, !o->no_cache);
    wisp_config_signals_based_traps(config, !o->no_signals_based_traps);
    wisp_config_memory_huge_pages(config, !o->no_huge_pages);
}
