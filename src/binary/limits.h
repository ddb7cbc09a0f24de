/* Implementation limits that the binary decoder enforces: every count a
 * module declares is checked against one of these before it sizes a host
 * allocation. A module past one is rejected with WISP_ERR_LIMIT and a message
 * naming the limit and its value. Numbers are the WebAssembly JS API's
 * "Implementation-defined Limits" (https://webassembly.github.io/spec/js-api/
 * #limits), the limits every browser engine enforces, unless said otherwise. */
#ifndef WISP_BINARY_LIMITS_H
#define WISP_BINARY_LIMITS_H

/* JS API: "The maximum size of a module is 1,073,741,824 bytes (1 GiB)." */
#define LIMIT_MODULE_SIZE 1073741824u

/* JS API: "The maximum number of types defined in the types section is
 * 1,000,000." */
#define LIMIT_TYPES 1000000u

/* JS API: "The maximum number of parameters to any function or block is
 * 1,000." Block types name a function type, so checking types covers both. */
#define LIMIT_PARAMS 1000u

/* JS API: "The maximum number of return values for any function or block is
 * 1,000." */
#define LIMIT_RESULTS 1000u

/* JS API: "The maximum number of imports declared in a module is 1,000,000."
 * (Raised from 100,000 by WebAssembly/spec#1766, July 2024; wasmparser and
 * older engines still use 100,000.) */
#define LIMIT_IMPORTS 1000000u

/* JS API: "The maximum number of functions defined in a module is
 * 1,000,000." Counted over the whole function index space, imports
 * included, as V8 (kV8MaxWasmTotalFunctions) does. Also bounds the entries
 * of the code section. */
#define LIMIT_FUNCTIONS 1000000u

/* JS API: "The maximum number of tables, including declared or imported
 * tables, is 100,000." */
#define LIMIT_TABLES 100000u

/* JS API 3.0: "The maximum number of memories, including defined and
 * imported memories, is 100." (Wasm 2.0 validation allows one.) */
#define LIMIT_MEMORIES 100u

/* JS API: "The maximum number of globals defined in a module is 1,000,000."
 * Imports included, as V8 does. */
#define LIMIT_GLOBALS 1000000u

/* JS API (exception handling): "The maximum number of tags defined or
 * imported in a module is 1,000,000." */
#define LIMIT_TAGS 1000000u

/* JS API: "The maximum number of exports declared in a module is 1,000,000."
 * (Raised from 100,000 with the imports, WebAssembly/spec#1766.) */
#define LIMIT_EXPORTS 1000000u

/* JS API: "The maximum number of data segments defined in a module is
 * 100,000." Also bounds the data count section's value. */
#define LIMIT_DATA_SEGMENTS 100000u

/* Not in the JS API list: V8 reads the element section's count against its
 * table-size limit, 10,000,000 (kV8MaxWasmTableSize). */
#define LIMIT_ELEM_SEGMENTS 10000000u

/* JS API: "The maximum number of table entries in any table initialization
 * is 10,000,000." Bounds the items of one element segment. */
#define LIMIT_ELEM_ITEMS 10000000u

/* JS API: "The maximum size of a table is 10,000,000." Checked when a table
 * is made (instantiation, runtime/store.c), not when a module declares
 * one: the core spec's suite defines modules with tables of 2^32-1
 * elements, valid though never instantiated. A larger maximum only caps
 * growth. */
#define LIMIT_TABLE_MIN 10000000u

/* JS API: "The maximum size of a function body, including locals
 * declarations, is 7,654,321 bytes." */
#define LIMIT_BODY_SIZE 7654321u

/* JS API: "The maximum number of locals declared in a function, including
 * implicitly declared as parameters, is 50,000." */
#define LIMIT_LOCALS 50000u

/* Not in the JS API: V8's kV8MaxWasmFunctionBrTableSize. A br_table's
 * labels are already bounded by the body size; this keeps the compiler's
 * per-instruction target array small (65,521 entries at most). */
#define LIMIT_BR_TABLE_TARGETS 65520u

/* Block nesting has no limit of its own (the JS API defines none): each
 * block, loop or if takes at least two bytes of a body, so LIMIT_BODY_SIZE
 * bounds the depth at 3,827,160. */

#endif
