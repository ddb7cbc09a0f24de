#!/usr/bin/env bash
# The README's first command: shows what wisp does on examples/.
set -eu
build=${1:-build}
wisp="$build/wisp"
cd "$(dirname "$0")/.."
show() { local cmd=$1; shift; echo "\$ wisp $*"; "$cmd" "$@"; }
show "$wisp" run examples/fib.wat --invoke fib 30
show "$wisp" wat2wasm examples/fib.wat -o "$build/fib.wasm"
show "$wisp" info "$build/fib.wasm"
echo "\$ wisp run $build/fib.wasm --invoke fib -1   # recursion 4 billion deep"
"$wisp" run "$build/fib.wasm" --invoke fib -1 || echo "(exit status $?)"
show "$wisp" run examples/greeting.wat
