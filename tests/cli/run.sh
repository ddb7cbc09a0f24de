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
check "global initializer: offset of the instruction, names the global" test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'byte 0x12: unknown global 0' | grep -F 'initializer of global 1')"

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
check "wast: known counts for sample.wast" test "$rc" = 0 -a -n "$(echo "$out" | grep -Fx '4 passed, 0 failed, 1 skipped')"
check "wast: skipped commands say why" test -n "$(echo "$out" | grep -F 'skipped: 1 ')"
run "$WISP" wast wrong_expectation.wast
check "wast: a wrong expectation fails with exit 1" test "$rc" = 1 -a -n "$(echo "$out" | grep -Fx '0 passed, 1 failed, 0 skipped')"
run "$WISP" wast missing.wast
check "wast: missing file exits 2" test "$rc" = 2
run "$WISP" wast --bogus sample.wast
check "wast: unknown flag exits 2" test "$rc" = 2
