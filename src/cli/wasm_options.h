/* `wisp run -W ...`: the resource limits and Wasm features from the
 * command line. */
#ifndef WISP_CLI_WASM_OPTIONS_H
#define WISP_CLI_WASM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wisp.h"

struct wasm_options {
    bool has_fuel, has_max_memory, has_max_table, has_max_stack;
    uint64_t fuel, timeout_ns, max_memory, max_table, max_stack;
    uint32_t features_on, features_off; /* wisp_feature bits named with =y / =n */
};

/* One KEY=VALUE (key without the "-W"); on failure *why says what is wrong. */
bool wasm_option_set(struct wasm_options *o, const char *key, const char *value, char *why, size_t size);
/* A comma-separated list of KEY=VALUE, as -W takes it. */
bool wasm_options_parse(struct wasm_options *o, const char *list, char *why, size_t size);
/* What the engine needs for these options (fuel and interrupts are
 * compiled in, the Wasm features). */
void wasm_options_configure(const struct wasm_options *o, wisp_config *config);
/* A duration: a number with a unit (ns, us, ms, s, m, h), or plain
 * seconds; above zero. */
bool parse_duration(const char *s, uint64_t *ns);
/* Set the limits on a new store. */
bool wasm_options_apply(const struct wasm_options *o, wisp_store *store, wisp_error *err);

#endif
