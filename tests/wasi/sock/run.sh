#!/usr/bin/env bash
# Sockets handed in by the host: builds the host driver (host.c, on the
# public API and libwisp.a) and the guest (guest.c, clang wasm32-wasi), runs
# them, and compares the guest's stdout with guest.stdout.
set -u
cd "$(dirname "$0")/../../.."
BUILD=${BUILD:-build}
CC=${CC:-cc}
OUT="$BUILD/wasi/sock"
mkdir -p "$OUT"
if ! echo 'int main(void){return 0;}' | clang --target=wasm32-wasi --sysroot=/usr -x c -o "$OUT/probe.wasm" - \
     2>"$OUT/probe.err"; then
  echo "SKIP wasi sockets: clang cannot build wasm32-wasi programs here: $(head -c 200 "$OUT/probe.err")"
  exit 0
fi
if ! clang --target=wasm32-wasi --sysroot=/usr -O1 -Wall -Wextra -Werror -o "$OUT/guest.wasm" \
     tests/wasi/sock/guest.c 2>"$OUT/guest.err"; then
  echo "FAIL wasi sockets: guest does not compile: $(head -5 "$OUT/guest.err")"
  exit 0
fi
san=
[ "${SAN:-0}" = 1 ] && san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
if ! $CC -std=gnu11 -O1 -g -Wall -Wextra -Werror $san -Iinclude -o "$OUT/host" tests/wasi/sock/host.c \
     "$BUILD/libwisp.a" -lm 2>"$OUT/host.err"; then
  echo "FAIL wasi sockets: host driver does not build: $(head -5 "$OUT/host.err")"
  exit 0
fi
timeout 60 "$OUT/host" "$OUT/guest.wasm" > "$OUT/stdout" 2> "$OUT/stderr"
status=$?
grep '^\(PASS\|FAIL\) ' "$OUT/stdout"
grep -v '^\(PASS\|FAIL\) ' "$OUT/stdout" > "$OUT/guest.stdout"
if diff -u tests/wasi/sock/guest.stdout "$OUT/guest.stdout" > "$OUT/diff"; then
  echo "PASS wasi sockets: guest output ($(grep -c . tests/wasi/sock/guest.stdout) checks)"
else
  echo "FAIL wasi sockets: guest output differs:"; head -30 "$OUT/diff"
fi
[ $status -eq 0 ] || echo "FAIL wasi sockets: host driver exited with $status: $(head -c 400 "$OUT/stderr")"
