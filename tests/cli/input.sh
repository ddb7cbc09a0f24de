#!/usr/bin/env bash
# How wisp reads a module: the file name says binary (*.wasm) or text (*.wat,
# *.wast), other names and standard input ("-") are told apart by content,
# and no source is read past the module size limit (1 GiB), so devices and
# endless pipes fail at once instead of filling memory.
set -u
cd "$(dirname "$0")"
. ./lib.sh

LIMIT=1073741824
printf '(module (func (export "f") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))\n' > "$T/f.wat"
"$WISP" wat2wasm "$T/f.wat" -o "$T/f.wasm" || echo "FAIL input: wat2wasm of the fixture"

# The name decides.
: > "$T/empty.wasm"
run "$WISP" validate "$T/empty.wasm"
check "empty x.wasm: malformed binary, unexpected end at byte 0" test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'empty.wasm: byte 0x0: unexpected end')"
: > "$T/EMPTY.WASM"
run "$WISP" validate "$T/EMPTY.WASM"
check "empty X.WASM (any case): malformed binary" test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'unexpected end')"
cp "$T/f.wat" "$T/text.wasm"
run "$WISP" validate "$T/text.wasm"
check "x.wasm holding text: malformed binary, magic header not detected" test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'text.wasm: byte 0x0: magic header not detected')"
run "$WISP" run "$T/text.wasm" --invoke f 1
check "wisp run x.wasm holding text: refused the same way" test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'magic header not detected')"
run "$WISP" validate "$T/f.wat"
check "x.wat holding text: valid" test "$rc" = 0 -a -z "$err"
cp "$T/f.wat" "$T/f.wast"
run "$WISP" validate "$T/f.wast"
check "x.wast holding one text module: valid" test "$rc" = 0 -a -z "$err"
cp "$T/f.wasm" "$T/binary.wat"
run "$WISP" validate "$T/binary.wat"
check "x.wat holding binary: parsed as text, fails with a line and column" test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'binary.wat:1:1:')"
: > "$T/empty.wat"
run "$WISP" validate "$T/empty.wat"
check "empty x.wat: an empty text module, valid" test "$rc" = 0

# Other names: content sniffing.
cp "$T/f.wasm" "$T/module.bin"
run "$WISP" validate "$T/module.bin"
check "other name holding binary: sniffed as binary, valid" test "$rc" = 0 -a -z "$err"
cp "$T/f.wat" "$T/module"
run "$WISP" validate "$T/module"
check "other name holding text: sniffed as text, valid" test "$rc" = 0 -a -z "$err"
head -c 12 "$T/f.wasm" > "$T/cut.bin"
run "$WISP" validate "$T/cut.bin"
check "other name holding a cut binary: malformed binary with a byte offset" test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'cut.bin: byte 0x')"
run "$WISP" run "$T/module.bin" --invoke f 41
check "wisp run, other name holding binary" test "$rc" = 0 -a "$out" = 42

# "-" is standard input, sniffed.
run "$WISP" validate - < "$T/f.wasm"
check "validate - < binary: valid" test "$rc" = 0 -a -z "$err"
run "$WISP" validate - < "$T/f.wat"
check "validate - < text: valid" test "$rc" = 0 -a -z "$err"
run "$WISP" validate - < type_mismatch.wat
check "validate - < invalid text: exit 1, error names <stdin>" test "$rc" = 1 -a -n "$(echo "$err" | grep -F '<stdin>' | grep -F 'type mismatch')"
run "$WISP" validate - < "$T/cut.bin"
check "validate - < cut binary: malformed with a byte offset" test "$rc" = 1 -a -n "$(echo "$err" | grep -F '<stdin>: byte 0x')"
run sh -c 'cat "$1" | "$2" run - --invoke f 1' sh "$T/f.wasm" "$WISP"
check "cat x.wasm | wisp run - --invoke f 1" test "$rc" = 0 -a "$out" = 2
run sh -c 'cat "$1" | "$2" run - --invoke f 6' sh "$T/f.wat" "$WISP"
check "cat x.wat | wisp run - --invoke f 6" test "$rc" = 0 -a "$out" = 7
run "$WISP" wat2wasm - -o "$T/from_stdin.wasm" < "$T/f.wat"
check "wat2wasm - reads text from stdin" test "$rc" = 0 -a -n "$(cmp "$T/from_stdin.wasm" "$T/f.wasm" && echo same)"

# Errors are whole: a link error naming a 1000-byte import (C++ names run
# that long) and a file under a 600-byte path are not cut at 255 bytes.
long=$(printf 'x%.0s' $(seq 1000))
deep="$T/$(printf 'd%.0s' $(seq 200))/$(printf 'e%.0s' $(seq 200))/$(printf 'f%.0s' $(seq 200))"
mkdir -p "$deep"
printf '(module (import "env" "%s_end" (func)))' "$long" > "$deep/long.wat"
run "$WISP" run "$deep/long.wat"
check "a link error quotes a 1000-byte import name whole, under a 600-byte path" \
  test "$rc" != 0 -a -n "$(echo "$err" | grep -F "$deep/long.wat" | grep -F "unknown import" | grep -F "\"${long}_end\"")"

# The size limit, from every kind of source. A check that hangs is cut
# off by timeout (status 124).
run timeout 90 "$WISP" validate /dev/zero
check "validate /dev/zero: refused, exit 1" test "$rc" = 1
check "validate /dev/zero: names the file and the limit" test -n "$(echo "$err" | grep -F '/dev/zero' | grep -F "$LIMIT" | grep -F 'limit')"
run timeout 90 "$WISP" validate - < /dev/zero
check "validate - < /dev/zero: refused with the limit" test "$rc" = 1 -a -n "$(echo "$err" | grep -F '<stdin>' | grep -F "$LIMIT")"
run sh -c 'cat /dev/zero | timeout 90 "$1" validate -' sh "$WISP"
check "cat /dev/zero | validate -: refused with the limit" test "$rc" = 1 -a -n "$(echo "$err" | grep -F "$LIMIT")"
run timeout 90 "$WISP" run /dev/zero
check "run /dev/zero: refused with the limit" test "$rc" = 1 -a -n "$(echo "$err" | grep -F "$LIMIT")"
# A sparse regular file one byte past the limit is refused from its size,
# without reading it.
if truncate -s $((LIMIT + 1)) "$T/big.wasm" 2>/dev/null; then
  run timeout 20 "$WISP" validate "$T/big.wasm"
  check "file one byte past the limit: refused, names its size and the limit" test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'big.wasm' | grep -F "$((LIMIT + 1)) bytes" | grep -F "$LIMIT")"
  rm -f "$T/big.wasm"
else
  echo "SKIP file one byte past the limit: cannot make a sparse file in $T"
fi
rm -rf "$T"
