#!/usr/bin/env bash
# Command-line behaviour: exit codes, one-line errors with locations, and the
# commands' outputs.
set -u
cd "$(dirname "$0")"
. ./lib.sh

run "$WISP" --version
check "--version prints the version" test "$rc" = 0 -a "${out#wisp }" != "$out"
run "$WISP" --help
check "--help exits 0 and shows usage" test "$rc" = 0 -a -n "$(echo "$out" | grep -F 'usage: wisp')"
run "$WISP"
check "no arguments exits 2" test "$rc" = 2
run "$WISP" --frobnicate
check "unknown flag: exit 2, one line" test "$rc" = 2 -a "$(echo "$err" | wc -l)" = 1
run "$WISP" frobnicate
check "unknown command: exit 2" test "$rc" = 2
run "$WISP" validate --strict ok.wat
check "validate unknown flag: exit 2" test "$rc" = 2
run "$WISP" validate does-not-exist.wasm
check "validate missing file: exit 2, names the file" test "$rc" = 2 -a "$(echo "$err" | wc -l)" = 1 -a -n "$(echo "$err" | grep -F does-not-exist.wasm)"
run "$WISP" validate ok.wat
check "validate valid text module: exit 0, silent" test "$rc" = 0 -a -z "$err"
run "$WISP" validate type_mismatch.wat
check "validate invalid: exit 1" test "$rc" = 1
check "invalid: names file, function and the spec wording" test -n "$(echo "$err" | grep -F 'type_mismatch.wat' | grep -F 'function 0 ($bad)' | grep -F 'type mismatch')"
run "$WISP" validate ok.wat type_mismatch.wat ok.wat
check "validate several: one line per bad file" test "$rc" = 1 -a "$(echo "$err" | wc -l)" = 1
run "$WISP" validate syntax_error.wat
check "text error names line and column" test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'syntax_error.wat:3:')"
run "$WISP" validate dup_export.wat
check "duplicate export: byte offset of the entry and its name" test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'dup_export.wat: byte 0x1b: duplicate export name: "run"')"
run "$WISP" validate bad_memory_limit.wat
check "bad memory limits: byte offset of the memory" test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'byte 0xb: size minimum must not be greater than maximum')"
run "$WISP" validate bad_global_init.wat
check "global initializer: offset of the instruction, names the global" test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'byte 0xd: unknown global 1' | grep -F 'initializer of global 0')"

run "$WISP" wat2wasm ok.wat -o "$T/ok.wasm"
check "wat2wasm writes a binary module" test "$rc" = 0 -a "$(head -c 4 "$T/ok.wasm" | od -An -c | tr -d ' ')" = '\0asm'
run "$WISP" validate "$T/ok.wasm"
check "wat2wasm output validates" test "$rc" = 0
run "$WISP" info "$T/ok.wasm"
check "info lists imports and exports" test "$rc" = 0 -a -n "$(echo "$out" | grep -F 'import func "env" "log"')" -a -n "$(echo "$out" | grep -F 'export func "fib"')"
head -c 25 "$T/ok.wasm" > "$T/truncated.wasm"
run "$WISP" validate "$T/truncated.wasm"
check "truncated binary: exit 1 with a byte offset" test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'byte 0x15' | grep -F 'truncated.wasm')"
printf 'garbage' > "$T/garbage.wasm"
run "$WISP" validate "$T/garbage.wasm"
check "not a module: clear error" test "$rc" = 1 -a -n "$err"
run "$WISP" wat2wasm ok.wat
check "wat2wasm without -o: exit 2" test "$rc" = 2
run "$WISP" wat2wasm type_mismatch.wat -o "$T/bad.wasm"
check "wat2wasm refuses an invalid module" test "$rc" = 1 -a ! -e "$T/bad.wasm"

run "$WISP" wast sample.wast
check "wast: known counts for sample.wast" test "$rc" = 0 -a -n "$(echo "$out" | grep -Fx '26 passed, 0 failed, 0 skipped')"
check "wast: quiet without -v (no spectest prints, no skips)" test "$(echo "$out" | wc -l)" = 2 -a -z "$(echo "$out" | grep -F -e spectest -e 'skipped:')"
run "$WISP" wast wrong_expectation.wast
check "wast: a wrong expectation fails with exit 1" test "$rc" = 1 -a -n "$(echo "$out" | grep -Fx '0 passed, 1 failed, 0 skipped')"
run "$WISP" wast missing.wast
check "wast: missing file exits 2" test "$rc" = 2
run "$WISP" wast --bogus sample.wast
check "wast: unknown flag exits 2" test "$rc" = 2
run "$WISP" wast -v sample.wast
check "wast -v: every command reported, spectest prints shown" test "$rc" = 0 -a "$(echo "$out" | grep -c ': ok ')" = 26 -a -n "$(echo "$out" | grep -Fx 'spectest.print_i32(666 : i32)')"
printf '%s\n' '(module (func (export "one") (result i32) (i32.const 1)) (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0))))' '(assert_return (invoke "one") (i32.const 2))' '(assert_trap (invoke "div" (i32.const 0)) "unreachable")' '(assert_return (invoke "div" (i32.const 0)) (i32.const 0))' '(module (import "spectest" "nope" (func)))' '(assert_return (invoke "one") (i32.const 1))' > "$T/bad.wast"
run "$WISP" wast "$T/bad.wast"
check "wast: counts with failures, none skipped" test "$rc" = 1 -a -n "$(echo "$out" | grep -Fx '1 passed, 5 failed, 0 skipped')"
check "wast: wrong result shows expected and got" test -n "$(echo "$out" | grep -F 'bad.wast:2: FAIL assert_return invoke "one": expected (i32:0x00000002 (2)), got (i32:0x00000001 (1))')"
check "wast: wrong trap shows both messages" test -n "$(echo "$out" | grep -F 'bad.wast:3: FAIL assert_trap invoke "div": expected trap "unreachable": trap: integer divide by zero')"
check "wast: unexpected trap shows a backtrace" test -n "$(echo "$out" | grep -A1 -F 'bad.wast:4: FAIL' | grep -F '    at func[1]')"
check "wast: a module that fails to link fails, and so do the commands using it, saying why" test -n "$(echo "$out" | grep -F 'bad.wast:5: FAIL module: instantiation failed: link error: unknown import')" -a -n "$(echo "$out" | grep -F 'bad.wast:6: FAIL assert_return invoke "one": module at line 5 did not instantiate: link error: unknown import: "spectest" "nope"')"
printf '%s\n' '(module (func (export "one") (result i32) (i32.const 1)))' '(assert_teapot (invoke "one"))' '(assert_return (invoke "one") (i32.const 1))' '(assert_return (invoke "one") (i32.const 1)' > "$T/broken.wast"
run "$WISP" wast "$T/broken.wast" sample.wast
check "wast: an unknown command and an unclosed one fail, the rest runs, and the next file too" test "$rc" = 1 -a -n "$(echo "$out" | grep -F 'broken.wast:2: FAIL assert_teapot at 2:1: unknown command')" -a -n "$(echo "$out" | grep -F 'broken.wast:4: FAIL assert_return at 4:1: the script cannot be read past here: 4:1: unexpected end')" -a -n "$(echo "$out" | grep -F 'broken.wast: 2 passed, 2 failed, 0 skipped')" -a -n "$(echo "$out" | grep -Fx '28 passed, 2 failed, 0 skipped')"
printf '%s\n' '(module (func (export "two") (result i32 i32) (i32.const 1) (i32.const 2)))' '(assert_return (invoke "two") (either (i32.const 0) (i32.const 1)) (i32.const 2))' '(assert_return (invoke "two") (i32.const 1) (either (i32.const 0) (i32.const 3)))' > "$T/either.wast"
run "$WISP" wast "$T/either.wast"
check "wast: (either ...) passes when one alternative matches, fails when none does" test "$rc" = 1 -a -n "$(echo "$out" | grep -Fx '2 passed, 1 failed, 0 skipped')" -a -n "$(echo "$out" | grep -F 'expected (i32:0x00000001 (1), either(i32:0x00000000 (0) | i32:0x00000003 (3))), got')"
printf '%s\n' '(module (func (export "one") (result i32) (i32.const 1)))' '(assert_return (invoke "one") (either (either (i32.const 1))))' > "$T/either_nested.wast"
run "$WISP" wast "$T/either_nested.wast"
check "wast: a nested (either ...) is a command that cannot be read: it fails, saying where" test "$rc" = 1 -a -n "$(echo "$out" | grep -F 'either_nested.wast:2: FAIL assert_return at 2:1: cannot read it: 2:40: either inside either')" -a -n "$(echo "$out" | grep -Fx '1 passed, 1 failed, 0 skipped')"

# ---- wisp run ----
# Exit status: 0 ok, 1 load/link error, 2 usage (bad option or argument,
# unknown export), 134 trap.
check "run: examples/fib.wat exists" test -f ../../examples/fib.wat
run "$WISP" run ../../examples/fib.wat --invoke fib 20
check "run --invoke prints the result" test "$rc" = 0 -a "$out" = 6765 -a -z "$err"
run "$WISP" run --invoke fib ../../examples/fib.wat 10
check "run: --invoke may come before FILE" test "$rc" = 0 -a "$out" = 55
run "$WISP" run ../../examples/fib.wat
check "run without --invoke and no _start: runs the start function, exit 0 (as Wasmtime)" test "$rc" = 0 -a -z "$out$err"
run "$WISP" run run_start.wat
check "run calls _start: exit 0, silent" test "$rc" = 0 -a -z "$out$err"
run "$WISP" run run_ops.wat --invoke id32 4294967295
check "run: i32 argument in the unsigned range, printed signed" test "$rc" = 0 -a "$out" = -1
run "$WISP" run run_ops.wat --invoke id32 -0x80000000
check "run: negative hex i32" test "$rc" = 0 -a "$out" = -2147483648
run "$WISP" run run_ops.wat --invoke id32 010
check "run: a leading zero is decimal, not octal" test "$rc" = 0 -a "$out" = 10
run "$WISP" run run_ops.wat --invoke add64 -9223372036854775808 0xffffffffffffffff
check "run: i64 arguments (signed minimum, hex), wrapping add" test "$rc" = 0 -a "$out" = 9223372036854775807
run "$WISP" run run_ops.wat --invoke add64 18446744073709551615 1
check "run: i64 unsigned maximum" test "$rc" = 0 -a "$out" = 0
run "$WISP" run run_ops.wat --invoke mulf32 1.5 0x1p-1
check "run: f32 decimal and hex float" test "$rc" = 0 -a "$out" = 0.75
run "$WISP" run run_ops.wat --invoke mulf32 0.1 1
check "run: f32 printed round-trippably" test "$rc" = 0 -a "$out" = 0.100000001
run "$WISP" run run_ops.wat --invoke mulf32 inf -1
check "run: f32 inf" test "$rc" = 0 -a "$out" = -inf
run "$WISP" run run_ops.wat --invoke mulf32 -nan:0x400001 1
check "run: f32 NaN payload in and out" test "$rc" = 0 -a "$out" = -nan:0x400001
run "$WISP" run run_ops.wat --invoke divf64 1 3
check "run: f64 printed round-trippably" test "$rc" = 0 -a "$out" = 0.33333333333333331
run "$WISP" run run_ops.wat --invoke divf64 -1 0
check "run: f64 -inf" test "$rc" = 0 -a "$out" = -inf
run "$WISP" run run_ops.wat --invoke divf64 0 0
check "run: f64 nan" test "$rc" = 0 -a -n "$(echo "$out" | grep -Ex -- '-?nan')"
run "$WISP" run run_ops.wat --invoke pair
check "run: several results, one per line" test "$rc" = 0 -a "$(echo "$out" | tr '\n' ' ')" = "-1 1 "
run "$WISP" run run_ops.wat --invoke splat 0x01020304
check "run: v128 result as one 128-bit hex number" test "$rc" = 0 -a "$out" = 0x01020304010203040102030401020304
run "$WISP" run run_ops.wat --invoke null
check "run: null references" test "$rc" = 0 -a "$(echo "$out" | tr '\n' ' ')" = "ref.null ref.null "
run "$WISP" run run_ops.wat --invoke id32
check "run: too few arguments: exit 2, one line naming the types" test "$rc" = 2 -a "$(echo "$err" | wc -l)" = 1 -a -n "$(echo "$err" | grep -F '1 argument (i32), 0 given')"
run "$WISP" run run_ops.wat --invoke id32 1 2
check "run: too many arguments: exit 2" test "$rc" = 2 -a "$(echo "$err" | wc -l)" = 1
run "$WISP" run run_ops.wat --invoke id32 4294967296
check "run: i32 out of range: exit 2" test "$rc" = 2 -a -n "$(echo "$err" | grep -F "'4294967296' is not a valid i32")"
run "$WISP" run run_ops.wat --invoke id32 12abc
check "run: trailing garbage: exit 2" test "$rc" = 2 -a "$(echo "$err" | wc -l)" = 1
run "$WISP" run run_ops.wat --invoke divf64 1e400 1
check "run: f64 overflow is rejected: exit 2" test "$rc" = 2
run "$WISP" run run_ops.wat --invoke nosuch
check "run: unknown export: exit 2" test "$rc" = 2 -a -n "$(echo "$err" | grep -F 'unknown export "nosuch"')"
run "$WISP" run run_ops.wat --invoke mem
check "run: export that is not a function: exit 2" test "$rc" = 2 -a -n "$(echo "$err" | grep -F 'is a memory, not a function')"
run "$WISP" run run_ops.wat --invoke crash
check "run: trap exits 134 with the reason" test "$rc" = 134 -a "$(echo "$err" | head -1)" = "wisp: trap: integer divide by zero"
check "run: trap backtrace names the functions, innermost first" test -n "$(echo "$err" | sed -n 2p | grep -E '^  0: \$div \(func 7\)')" -a -n "$(echo "$err" | sed -n 3p | grep -E '^  1: \$middle \(func 8\)')" -a -n "$(echo "$err" | sed -n 4p | grep -E '^  2: func\[9\]')"
run "$WISP" run -C tier=interp run_ops.wat --invoke forever 0
check "run: infinite recursion: call stack exhausted, exit 134" test "$rc" = 134 -a "$(echo "$err" | head -1)" = "wisp: trap: call stack exhausted: call depth limit of 10000 reached (max call depth)"
run "$WISP" run -C tier=interp run_ops.wat --invoke depth 5000
check "run: 5000-deep recursion fits the default limit" test "$rc" = 0 -a "$out" = 5000
run "$WISP" run -C tier=interp --max-call-depth 20 run_ops.wat --invoke depth 50
check "run: --max-call-depth lowers the limit" test "$rc" = 134 -a -n "$(echo "$err" | grep -Fx 'wisp: trap: call stack exhausted: call depth limit of 20 reached (max call depth)')"
run "$WISP" run --max-call-depth 100 run_ops.wat --invoke depth 50
check "run: --max-call-depth above the need" test "$rc" = 0 -a "$out" = 50
run "$WISP" run --max-call-depth lots run_ops.wat --invoke depth 5
check "run: bad --max-call-depth: exit 2" test "$rc" = 2
run "$WISP" run run_start_trap.wat
check "run: a trap in the start function exits 134" test "$rc" = 134 -a "$(echo "$err" | head -1)" = "wisp: trap: unreachable"
run "$WISP" run run_wasi.wat
check "run: WASI fd_write reaches stdout, proc_exit's status is wisp's" test "$rc" = 3 -a "$out" = "Hello, World" -a -z "$err"
run "$WISP" run --trace-wasi run_wasi.wat
check "run: --trace-wasi shows each call with decoded arguments, then its results and errno" test "$rc" = 3 -a "$err" = "$(printf '%s\n' '> fd_write(fd=1, iovs=*guest 0x1000/2)' '< nwritten=13 errno=success (No error occurred; the call completed successfully.)' '> proc_exit(rval=3)')"
export WISP_LOG=wasi=trace
run "$WISP" run run_wasi.wat
check "run: WISP_LOG=wasi=trace turns the trace on" test "$rc" = 3 -a "$(echo "$err" | head -1)" = '> fd_write(fd=1, iovs=*guest 0x1000/2)'
export WISP_LOG=other=debug,wasi=trace
run "$WISP" run run_wasi.wat
check "run: WISP_LOG with several items" test "$(echo "$err" | wc -l)" = 3
export WISP_LOG=wasi=info
run "$WISP" run run_wasi.wat
check "run: WISP_LOG without wasi=trace: no trace" test "$rc" = 3 -a -z "$err"
unset WISP_LOG
run "$WISP" run ../../examples/greeting.wat
check "run: examples/greeting.wat prints the greeting" test "$rc" = 0 -a "$out" = "Hello World from the new print_greeting syscall in WASI" -a -z "$err"
run env WISP_LOG=wasi=trace "$WISP" run ../../examples/greeting.wat
check "run: the greeting's trace" test "$err" = "$(printf '%s\n' '> print_greeting()' '< errno=success (No error occurred; the call completed successfully.)')"
run "$WISP" run run_wasi_unknown.wat
check "run: an unknown WASI import: exit 1, one line naming it" test "$rc" = 1 -a "$(echo "$err" | wc -l)" = 1 -a -n "$(echo "$err" | grep -F 'unknown import' | grep -F no_such_call)"
run "$WISP" run run_wasi_wrong_type.wat
check "run: a WASI import of the wrong type fails at instantiation, naming both types" test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'incompatible import type: "wasi_snapshot_preview1" "fd_write": the module imports func (i32 i32) -> (i32), but it is defined as func (i32 i32 i32 i32) -> (i32)')"
run "$WISP" run --dir "$T/does-not-exist" run_wasi.wat
check "run: --dir of a missing directory: exit 2, says why" test "$rc" = 2 -a -n "$(echo "$err" | grep -F 'does-not-exist' | grep -F 'No such file or directory')"
run "$WISP" run --dir run_ops.wat run_wasi.wat
check "run: --dir of a file: exit 2" test "$rc" = 2 -a -n "$(echo "$err" | grep -F 'Not a directory')"
run "$WISP" run --env =oops run_wasi.wat
check "run: --env with an empty name: exit 2" test "$rc" = 2 -a -n "$(echo "$err" | grep -F -- '--env =oops')"
run env -u WISP_TEST_UNSET_VAR "$WISP" run --env WISP_TEST_UNSET_VAR run_wasi.wat
check "run: --env NAME that wisp itself lacks: skipped with a warning (as Wasmtime)" test "$rc" = 3 -a -n "$(echo "$err" | grep -F 'warning: --env WISP_TEST_UNSET_VAR: not set')"
run "$WISP" run --tcplisten nonsense run_wasi.wat
check "run: --tcplisten without a port: exit 2" test "$rc" = 2 -a -n "$(echo "$err" | grep -F 'ADDR:PORT')"
run "$WISP" run --dir
check "run: --dir without its argument: exit 2" test "$rc" = 2
exec 7>"$T/flags.out"
before=$(awk '/^flags/ {print $2}' /proc/$$/fdinfo/7)
"$WISP" run run_wasi_setflags.wat >&7; rc=$?
after=$(awk '/^flags/ {print $2}' /proc/$$/fdinfo/7)
exec 7>&-
check "run: stdio flags the guest sets (append, nonblock) are undone when wisp ends (regression)" test "$rc" = 0 -a -n "$before" -a "$before" = "$after"
run "$WISP" run --tcplisten 127.0.0.1:0 run_wasi_fdtype.wat
check "run: --tcplisten hands the guest a stream socket as fd 3" test "$rc" = 6
run "$WISP" run --dir . run_wasi_fdtype.wat
check "run: --dir is fd 3, a directory" test "$rc" = 3
run "$WISP" run run_wasi_fdtype.wat
check "run: without preopens fd 3 is not open (badf)" test "$rc" = 108
run "$WISP" run type_mismatch.wat
check "run: invalid module: exit 1" test "$rc" = 1
run "$WISP" run missing.wasm
check "run: missing file: exit 2" test "$rc" = 2
run "$WISP" run
check "run: no file: exit 2" test "$rc" = 2
run "$WISP" run --bogus run_ops.wat
check "run: unknown option: exit 2" test "$rc" = 2
