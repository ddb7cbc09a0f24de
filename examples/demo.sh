#!/usr/bin/env bash
# The README's first command: shows what wisp does today on examples/.
set -eu
build=${1:-build}
wisp="$build/wisp"
cd "$(dirname "$0")/.."
echo "\$ wisp wat2wasm examples/fib.wat -o $build/fib.wasm"
"$wisp" wat2wasm examples/fib.wat -o "$build/fib.wasm"
echo "\$ wisp validate $build/fib.wasm && echo valid"
"$wisp" validate "$build/fib.wasm" && echo valid
echo "\$ wisp info $build/fib.wasm"
"$wisp" info "$build/fib.wasm"
