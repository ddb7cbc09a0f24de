#!/usr/bin/env bash
# The command line a Wasmtime user types: `wisp FILE ARGS`, --name=value for
# every long option, help per command, -S WASI options, --env NAME from the
# host, --argv0, --preload, and modules without _start.
set -u
cd "$(dirname "$0")"
. ./lib.sh

run "$WISP" ../../examples/fib.wat --invoke fib 10
check "wisp FILE is wisp run FILE" test "$rc" = 0 -a "$out" = 55
run "$WISP" print_args_env.wat one two
check "wisp FILE ARGS passes ARGS to the program" test "$rc" = 0 -a "$out" = "$(printf 'print_args_env.wat\none\ntwo\n--')"
run "$WISP" --invoke=fib ../../examples/fib.wat 11
check "wisp --opt=value FILE is run too" test "$rc" = 0 -a "$out" = 89
run "$WISP" run_wasi.wat
check "wisp FILE: the program's exit status" test "$rc" = 3 -a "$out" = "Hello, World"
run "$WISP" frobnicate
check "wisp WORD that is no command and no file: exit 2, says both" \
  test "$rc" = 2 -a -n "$(echo "$err" | grep -F "unknown command 'frobnicate', and no such file")"
run "$WISP" missing.wasm
check "wisp missing.wasm: exit 2, cannot open" test "$rc" = 2 -a -n "$(echo "$err" | grep -F 'missing.wasm')"

mkdir -p "$T/d" && echo hi > "$T/d/f"
run "$WISP" run --dir="$T/d::/data" --env=GREETING=hello --argv0=prog print_args_env.wat x
check "--dir=, --env=, --argv0= forms" \
  test "$rc" = 0 -a "$out" = "$(printf 'prog\nx\n--\nGREETING=hello')"
run "$WISP" run --max-call-depth=20 run_ops.wat --invoke depth 50
check "--max-call-depth=N form" test "$rc" = 134
run "$WISP" run --fuel=1000 limits.wat --invoke spin
check "--fuel=N form" test "$rc" = 134 -a -n "$(echo "$err" | grep -F 'all fuel consumed')"
run "$WISP" run --wasm=fuel=1000 limits.wat --invoke spin
check "--wasm=KEY=VALUE form" test "$rc" = 134 -a -n "$(echo "$err" | grep -F 'all fuel consumed')"
run "$WISP" run --invoke= ../../examples/fib.wat
check "--invoke= with an empty name: unknown export, exit 2" test "$rc" = 2
run "$WISP" run --dir
check "--dir without a value: exit 2" test "$rc" = 2 -a -n "$(echo "$err" | grep -F 'needs HOST')"

run env WISP_A=1 WISP_B=two "$WISP" run -S inherit-env print_args_env.wat
check "-S inherit-env passes wisp's environment" \
  test "$rc" = 0 -a -n "$(echo "$out" | grep -Fx 'WISP_A=1')" -a -n "$(echo "$out" | grep -Fx 'WISP_B=two')"
run env WISP_A=1 "$WISP" run -S inherit-env --env WISP_A=override print_args_env.wat
check "--env overrides -S inherit-env" test "$(echo "$out" | grep -c '^WISP_A=')" = 1 -a -n "$(echo "$out" | grep -Fx 'WISP_A=override')"
run env WISP_A=1 "$WISP" run -S inherit-env=n print_args_env.wat
check "-S inherit-env=n inherits nothing" test "$rc" = 0 -a -z "$(echo "$out" | grep -F 'WISP_A')"
run env WISP_A=1 "$WISP" run print_args_env.wat
check "without -S inherit-env nothing is inherited" test "$rc" = 0 -a -z "$(echo "$out" | sed '1,/^--$/d')"
run env WISP_HOST_VAR=from-host "$WISP" run --env WISP_HOST_VAR print_args_env.wat
check "--env NAME takes the host's value" test -n "$(echo "$out" | grep -Fx 'WISP_HOST_VAR=from-host')"
run env -u WISP_UNSET "$WISP" run --env WISP_UNSET print_args_env.wat
check "--env NAME unset on the host: skipped with a warning, the program runs" \
  test "$rc" = 0 -a -n "$(echo "$err" | grep -F 'warning: --env WISP_UNSET')" -a -z "$(echo "$out" | grep -F WISP_UNSET)"
run "$WISP" run -S inherit-stdout=n run_wasi.wat
check "-S inherit-stdout=n discards the program's output" test "$rc" = 3 -a -z "$out"
run "$WISP" run -S inherit-stdin=n,inherit-stderr=y run_wasi.wat
check "-S with a list" test "$rc" = 3 -a "$out" = "Hello, World"
run "$WISP" run -S bogus run_wasi.wat
check "-S unknown key: exit 2, one line" test "$rc" = 2 -a "$(echo "$err" | wc -l)" = 1
run "$WISP" run -S inherit-env=maybe run_wasi.wat
check "-S bad value: exit 2" test "$rc" = 2
run "$WISP" run -S cli=n run_wasi.wat
check "-S cli=n: refused, the CLI world is always on" test "$rc" = 2

run "$WISP" run --preload lib=preload_lib.wat preload_main.wat --invoke quadruple 5
check "--preload NAME=PATH links the module's exports" test "$rc" = 0 -a "$out" = 20
run "$WISP" --preload=lib=preload_lib.wat preload_main.wat --invoke quadruple 6
check "--preload=NAME=PATH form" test "$rc" = 0 -a "$out" = 24
run "$WISP" run preload_main.wat --invoke quadruple 5
check "without --preload the import is unknown: exit 1" test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'unknown import')"
run "$WISP" run --preload lib=missing.wat preload_main.wat --invoke quadruple 5
check "--preload of a missing file: exit 2, names it" test "$rc" = 2 -a -n "$(echo "$err" | grep -F 'missing.wat')"
run "$WISP" run --preload lib preload_main.wat
check "--preload without =PATH: exit 2" test "$rc" = 2

run "$WISP" run no_start.wat
check "no _start: the start function and _initialize run, exit 0" test "$rc" = 0 -a "$out" = "$(printf 'start\ninitialize')"

for c in run validate wat2wasm wast info; do
  run "$WISP" help $c
  check "wisp help $c: exit 0, its usage" test "$rc" = 0 -a -n "$(echo "$out" | head -1 | grep -F "usage: wisp $c")"
  run "$WISP" $c --help
  check "wisp $c --help: exit 0, the same page" test "$rc" = 0 -a -n "$(echo "$out" | head -1 | grep -F "usage: wisp $c")"
done
run "$WISP" run -h
check "wisp run -h: exit 0" test "$rc" = 0 -a -n "$(echo "$out" | grep -F -- '--preload NAME=PATH')"
run "$WISP" run print_args_env.wat --help
check "--help after FILE is the program's argument" test "$rc" = 0 -a -n "$(echo "$out" | grep -Fx -- '--help')"
run "$WISP" help
check "wisp help: the overview" test "$rc" = 0 -a -n "$(echo "$out" | grep -F 'usage: wisp <command>')"
run "$WISP" help bogus
check "wisp help bogus: exit 2" test "$rc" = 2
