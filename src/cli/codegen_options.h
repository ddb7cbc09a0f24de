/* `-C key=value[,...]`: how code is compiled, spelled as Wasmtime spells
 * its codegen options where it has one: tier=interp|compiled|auto (also
 * from WISP_TIER when -C does not say), and cache=y|n. */
#ifndef WISP_CLI_CODEGEN_OPTIONS_H
#define WISP_CLI_CODEGEN_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "wisp.h"

struct codegen_options {
    bool has_tier;
    wisp_tier tier;
    bool no_cache; /* -C cache=n */
    bool no_signals_based_traps; /* -O signals-based-traps=n */
    bool no_huge_pages; /* -O memory-huge-pages=n */
};

/* A comma-separated list of KEY=VALUE, as -C takes it; on failure *why
 * says what is wrong. */
bool codegen_options_parse(struct codegen_options *o, const char *list, char *why, size_t size);
/* -O KEY=VALUE[,...]: signals-based-traps=y|n, as Wasmtime spells it, and
 * wisp's memory-huge-pages=y|n. */
bool codegen_options_parse_opt(struct codegen_options *o, const char *list, char *why, size_t size);
/* WISP_TIER, when no -C tier= was given; false with *why for a bad value. */
bool codegen_options_from_env(struct codegen_options *o, char *why, size_t size);
void codegen_options_configure(const struct codegen_options *o, wisp_config *config);

#endif
