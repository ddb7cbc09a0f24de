#!/usr/bin/env bash
# Embedding as a user would do it: `make install` into a temporary root, then
# build examples/embed.c with nothing but the installed header and library,
# run it, and check what it prints.
set -u
cd "$(dirname "$0")/../.."
. tests/cli/lib.sh
[ -z "${TMPROOT:-}" ] && trap 'rm -rf "$T"' EXIT
CC=${CC:-cc}
SAN=${SAN:-0}
sanflags=""; [ "$SAN" = 1 ] && sanflags="-fsanitize=address,undefined -fno-omit-frame-pointer"

root="$T/root"
run make --no-print-directory install SAN="$SAN" DESTDIR="$root" PREFIX=/usr
check "make install DESTDIR=... PREFIX=/usr succeeds" test "$rc" = 0
check "install puts wisp.h, libwisp.a and wisp under DESTDIR/PREFIX" \
  test -f "$root/usr/include/wisp.h" -a -f "$root/usr/lib/libwisp.a" -a -x "$root/usr/bin/wisp"
run "$root/usr/bin/wisp" --version
check "the installed tool runs" test "$rc" = 0

# Strict C99 and -pedantic: the public header must not need GNU C.
run $CC -std=c99 -pedantic -Wall -Wextra $sanflags -I"$root/usr/include" examples/embed.c \
  "$root/usr/lib/libwisp.a" -lm -pthread -o "$T/embed"
check "examples/embed.c builds against the installed library without warnings" test "$rc" = 0 -a -z "$err"
[ "$rc" = 0 ] || echo "$err" | head -5

run "$T/embed"
check "embed exits 0" test "$rc" = 0
[ "$rc" = 0 ] || { echo "$out" | head -20; echo "$err" | head -5; }
check "embed calls an export and prints the result" test -n "$(echo "$out" | grep -Fx 'fact(10) = 3628800')"
check "embed: the guest reads memory through a host function" test -n "$(echo "$out" | grep -Fx 'print: hello from wasm')"
check "embed: the host function is called from wasm with its arguments" \
  test "$(echo "$out" | grep '^log_i32: ' | tr '\n' ' ')" = "log_i32: 1 log_i32: 2 log_i32: 6 log_i32: 24 log_i32: 120 "
check "embed: the host function's env is passed through" test -n "$(echo "$out" | grep -Fx 'the host function was called 5 times')"
check "embed: a trap's message" test -n "$(echo "$out" | grep -Fx 'average(10, 0) trapped: integer divide by zero')"
check "embed: the trap's backtrace, innermost first, with names" \
  test "$(echo "$out" | grep '^  [0-9]' | tr '\n' '|')" = '  0: $divide (func 4)|  1: $average (func 5)|'

# PREFIX alone (no DESTDIR) works too, and the compiler line from the README.
prefix="$T/prefix"
run make --no-print-directory install SAN="$SAN" PREFIX="$prefix"
check "make install PREFIX=dir succeeds" test "$rc" = 0 -a -f "$prefix/include/wisp.h" -a -f "$prefix/lib/libwisp.a"
cp examples/embed.c "$T/embed.c"
run bash -c "cd '$T' && $CC $sanflags -I'$prefix/include' embed.c '$prefix/lib/libwisp.a' -lm -pthread -o embed2 && ./embed2"
check "embed.c builds and runs from another directory against PREFIX" test "$rc" = 0 -a -n "$(echo "$out" | grep -Fx 'fact(10) = 3628800')"
