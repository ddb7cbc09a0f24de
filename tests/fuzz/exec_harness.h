/* The instantiate-and-run half shared by the execution fuzz targets
 * (fuzz_exec.c: any bytes; fuzz_gen.c: modules from wasm_gen.c). */
#ifndef WISP_FUZZ_EXEC_HARNESS_H
#define WISP_FUZZ_EXEC_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The limits every run is held to. */
#define HARNESS_FUEL 100000u            /* per instantiation and per exported call */
#define HARNESS_MAX_MEMORY (16u << 20)  /* bytes per memory */
#define HARNESS_MAX_TABLE 100000u       /* elements per table */
#define HARNESS_MAX_STACK (256u << 10)  /* bytes of wasm value stack */
#define HARNESS_MAX_DEPTH 2000u         /* wasm call depth */
#define HARNESS_MAX_CALLS 64u           /* exported functions called per module */

enum harness_result {
    HARNESS_INVALID,   /* wisp_module_new refused the bytes */
    HARNESS_LINK,      /* instantiation failed before running anything */
    HARNESS_RAN,       /* instantiated (perhaps trapping in start) and called the exports */
};

/* Decode and validate the bytes, define a zero-returning stub for every
 * import, instantiate (running the start function) and call every exported
 * function with zero arguments, under fuel and the limits above. Traps are
 * normal outcomes. When err_out is given and the module is invalid, the
 * error text is written there. */
/* When set, each instantiation and call prints its outcome on stderr. */
extern bool harness_verbose;

enum harness_result harness_run(const uint8_t *data, size_t size, char *err_out, size_t err_size);

/* Define in store a stub for each of m's imports, as harness_run does
 * (also used by fuzz_tiers.c, which runs each module in two stores). */
struct wisp_store;
struct module;
void harness_define_imports(struct wisp_store *store, const struct module *m);

#endif
