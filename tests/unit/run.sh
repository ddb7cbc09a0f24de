#!/usr/bin/env bash
# Builds and runs the C unit tests against the library.
set -u
cd "$(dirname "$0")/../.."
out="$BUILD/tests"; mkdir -p "$out"
flags=""; [ "$SAN" = 1 ] && flags="-fsanitize=address,undefined -fno-omit-frame-pointer"
for t in tests/unit/test_*.c; do
  name=$(basename "$t" .c)
  if ! $CC -std=gnu11 -O1 -g -Wall -Wextra $flags -Iinclude -Isrc "$t" "$BUILD/libwisp.a" -lm -pthread -o "$out/$name" 2>"$out/$name.log"; then
    echo "FAIL $name: does not build: $(head -3 "$out/$name.log")"; continue; fi
  "$out/$name" || echo "FAIL $name: exited with status $?"
done
