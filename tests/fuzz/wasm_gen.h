/* A generator of valid WebAssembly 2.0 (and, with the options below, 3.0) binary modules from arbitrary bytes
 * (in the spirit of binaryen's `wasm-opt -ttf`, written for wisp): the bytes
 * drive every choice, and every module it produces validates by
 * construction. Used by the fuzz_gen target and tests/fuzz/gen_tool.c. It
 * depends on nothing from wisp. */
#ifndef WISP_FUZZ_WASM_GEN_H
#define WISP_FUZZ_WASM_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The module built from data[0..size): a malloc'ed buffer of *len bytes.
 * Never fails (short inputs give small modules). */
uint8_t *wasm_gen(const uint8_t *data, size_t size, size_t *len);

/* When set, every float whose NaN bits the module could observe (the sign
 * operand of copysign, the operand of i32.reinterpret_f32 and
 * i64.reinterpret_f64, the value of f32.store and f64.store, a scalar made
 * into a v128 by a splat or replace_lane) is first replaced by the positive
 * canonical NaN when it is a NaN, so that programs do not depend on the NaN
 * bits that the spec leaves open (used by fuzz_tiers.c, which compares two
 * tiers). The bits of a v128 are observable everywhere, so the result of
 * float lane arithmetic whose NaN bits are open (add, sub, mul, div, sqrt,
 * min, max, ceil, floor, trunc, nearest, demote, promote; not abs, neg,
 * pmin, pmax, which are exact) is canonicalized at once: a quiet NaN lane
 * becomes the positive canonical NaN, a signaling one (which no correct
 * tier makes) a fixed signaling NaN. Off by default. */
extern bool wasm_gen_canonical_nans;

/* The most memories a module may have (multi-memory): memory 0 and up to
 * wasm_gen_memories - 1 more, each load, store, memory.size/grow/fill/
 * copy/init picking one. 1 by default; above 1 the generator takes more
 * choices, so the same input builds another module. */
extern uint32_t wasm_gen_memories;

/* When set, code that transfers control away may also be a tail call
 * (return_call, return_call_indirect) to a function or type whose results
 * are the caller's. Off by default: it takes more choices, so the same
 * input builds another module. */
extern bool wasm_gen_tail_calls;

/* When set, three modules in four with memory have i64 memories (memory64):
 * every address and length is i64 (mostly an i32 one extended, sometimes
 * moved past 4, 16 or 20 GiB or 2^63), memarg offsets reach past 2^32 up
 * to 2^64 - 1, data segment offsets are i64.const. Off by default: it
 * takes more choices, so the same input builds another module. */
extern bool wasm_gen_memory64;

/* When set, modules use exception handling (Wasm 3.0): a tag section of
 * 1-4 tags with 0-3 params of i32, i64, f32 and f64 (and block types for
 * their payloads), `throw` wherever control may transfer away and as a
 * conditional statement, `try_table` with `catch`, `catch_ref`,
 * `catch_all` and `catch_all_ref` clauses branching to enclosing labels or
 * to blocks made for them, `throw_ref`, exnref locals, params and results,
 * and the legacy `try` with `catch`, `catch_all` or `delegate` and
 * `rethrow`. Exceptions escape functions, are caught in callers, and
 * escape the exported functions. Off by default: it takes more choices, so
 * the same input builds another module. */
extern bool wasm_gen_exceptions;

/* With wasm_gen_exceptions: only tags, `throw` and the legacy `try`,
 * `catch`, `catch_all`, `delegate` and `rethrow` (no try_table, throw_ref or
 * exnref), which is what wabt 1.0.32 reads. */
extern bool wasm_gen_legacy_exceptions_only;

/* When set, modules use typed function references (Wasm 3.0):
 * `(ref null $t)` and `(ref $t)` params, results, locals and block types
 * (a function type refers to types before it), `ref.func` of declared
 * functions (a declarative element segment lists them), `call_ref`,
 * `return_call_ref` (with wasm_gen_tail_calls), `ref.as_non_null`,
 * `br_on_null` and `br_on_non_null`; locals of non-null types are set
 * before they are read, at the top of the body or inside a block (where
 * they count until its end). Imported functions never return non-null
 * references (the harnesses' stubs return null). Off by default: it takes
 * more choices, so the same input builds another module. */
extern bool wasm_gen_func_refs;

#endif
