#!/usr/bin/env bash
# Wasm 3.0 features on the command line: -W FEATURE=y|n (Wasmtime's keys)
# for run, validate-by-running and wast; each feature is on by default.
set -u
cd "$(dirname "$0")"
. ./lib.sh

cat > "$T/ext.wat" <<'WAT'
(module
  (global $a i32 (i32.const 40))
  (global $b i32 (i32.add (global.get $a) (i32.const 2)))
  (func (export "b") (result i32) (global.get $b)))
WAT
run "$WISP" run --invoke b "$T/ext.wat"
check "extended-const is on by default" test "$rc" = 0 -a "$out" = 42
run "$WISP" run -W extended-const=y --invoke b "$T/ext.wat"
check "-W extended-const=y runs it" test "$rc" = 0 -a "$out" = 42
run "$WISP" run -W extended-const=n --invoke b "$T/ext.wat"
check "-W extended-const=n: the module is invalid as in Wasm 2.0, exit 1" \
  test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'unknown global 0 (in the initializer of global 1)')"
run "$WISP" run --wasm extended-const=n,max-wasm-stack=1M --invoke b "$T/ext.wat"
check "--wasm takes a feature among the limits" test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'unknown global')"
run "$WISP" run -W extended-const=maybe --invoke b "$T/ext.wat"
check "-W extended-const=maybe: usage error, exit 2" \
  test "$rc" = 2 -a -n "$(echo "$err" | grep -F 'extended-const=maybe: expected y or n')"
run "$WISP" run -W warp-drive=y --invoke b "$T/ext.wat"
check "-W unknown feature: usage error naming the features, exit 2" \
  test "$rc" = 2 -a -n "$(echo "$err" | grep -F 'the Wasm features (extended-const, multi-memory)')"

cat > "$T/ext.wast" <<'WAST'
(module (global i32 (i32.const 1)) (global i32 (global.get 0)))
(assert_invalid (module (global i32 (i32.const 1)) (global i32 (global.get 0))) "unknown global")
WAST
run "$WISP" wast "$T/ext.wast"
check "wast: the 3.0 rules by default (the module is valid, the assertion fails)" \
  test "$rc" = 1 -a "$(echo "$out" | tail -1)" = "1 passed, 1 failed, 0 skipped"
run "$WISP" wast -W extended-const=n "$T/ext.wast"
check "wast -W extended-const=n: the 2.0 rules" \
  test "$rc" = 1 -a "$(echo "$out" | tail -1)" = "1 passed, 1 failed, 0 skipped" \
  -a -n "$(echo "$out" | grep -F 'unknown global')"
run "$WISP" wast -W fuel=100 "$T/ext.wast"
check "wast -W fuel: usage error (wast takes only features), exit 2" \
  test "$rc" = 2 -a -n "$(echo "$err" | grep -F 'only the Wasm features')"
