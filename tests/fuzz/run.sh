#!/usr/bin/env bash
# Replays the fuzz seed corpora through the fuzz targets (no libFuzzer needed).
set -u
cd "$(dirname "$0")/../.."
out="$BUILD/tests"; mkdir -p "$out"
flags=""; [ "$SAN" = 1 ] && flags="-fsanitize=address,undefined -fno-omit-frame-pointer"
# The execution targets link their helpers (the run harness, the generator).
extra_exec="tests/fuzz/exec_harness.c"
extra_gen="tests/fuzz/exec_harness.c tests/fuzz/wasm_gen.c"
extra_tiers="$extra_gen"
# fuzz_tiers compares the interpreter with the compiled tier, the plugin
# that the build makes when it finds LLVM 19.
plugin="$BUILD/libwisp-llvm.so"; case $plugin in /*) ;; *) plugin="$PWD/$plugin" ;; esac
for target in decode wat exec gen tiers; do
  extra_var="extra_$target"; extra="${!extra_var:-}"
  if [ $target = tiers ] && [ ! -f "$plugin" ]; then
    echo "SKIP fuzz replay tiers: no $plugin (wisp was built without LLVM 19)"; continue; fi
  if ! $CC -std=gnu11 -O1 -g $flags -Iinclude -Isrc tests/fuzz/fuzz_$target.c $extra tests/fuzz/replay.c \
       "$BUILD/libwisp.a" -lm -pthread -o "$out/replay_$target" 2>"$out/replay_$target.log"; then
    echo "FAIL fuzz replay $target: does not build: $(head -3 "$out/replay_$target.log")"; continue; fi
  seeds=(tests/fuzz/seeds/$target/*)
  WISP_LLVM_PLUGIN="$plugin" "$out/replay_$target" "${seeds[@]}" || echo "FAIL fuzz replay $target: crashed (status $?)"
done
