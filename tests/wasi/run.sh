#!/usr/bin/env bash
# WASI tests: each tests/wasi/NAME.c is compiled with clang for wasm32-wasi and
# run by `wisp run` in a scratch directory of its own; its stdout must equal
# NAME.stdout and its exit status the STATUS directive. Directives are lines
# `// KEY: value` in the source:
#   RUN: wisp run options before the module ({scratch}, {outside} substituted;
#        default --dir {scratch}::/sandbox)
#   ARGS: program arguments      STDIN: one line of input (default /dev/null)
#   SETUP: sh command run before, in the directory holding scratch/ and outside/
#   CHECK: sh command run after, there too; must succeed
#   STATUS: expected exit status (default 0)
# outside/ holds secret.txt ("secret\n") and is never preopened by default.
# Environment: WISP (the wisp binary), BUILD, TMPROOT; ONLY=NAME runs one test.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
WISP=${WISP:-$PWD/$BUILD/wisp}
TMPROOT=${TMPROOT:-$(mktemp -d)}
OUT="$BUILD/wasi"
mkdir -p "$OUT"
OUT_ABS=$(cd "$OUT" && pwd)
case "$WISP" in /*) ;; *) WISP="$PWD/$WISP" ;; esac
CLANG_WASI=(clang --target=wasm32-wasi --sysroot=/usr -O1 -Wall -Wextra -Werror)

sources=$(ls tests/wasi/*.c 2>/dev/null | grep -v '/host_' )
if ! echo 'int main(void){return 0;}' | "${CLANG_WASI[@]}" -x c -o "$OUT/.probe.wasm" - 2>"$OUT/.probe.err"; then
  why=$(head -c 200 "$OUT/.probe.err" | tr '\n' ' ')
  for src in $sources; do
    echo "SKIP wasi $(basename "$src" .c): clang cannot build wasm32-wasi programs here (install clang lld wasi-libc libclang-rt-14-dev-wasm32): $why"
  done
  exit 0
fi

directive() { # directive KEY FILE: every value of // KEY: lines
  sed -n "s|^// $1: \\{0,1\\}||p" "$2"
}

run_one() {
  local src=$1 name wasm dir expect status_want run args stdin_line
  name=$(basename "$src" .c)
  wasm="$OUT/$name.wasm"
  expect="tests/wasi/$name.stdout"
  local stale=0 h
  [ -f "$wasm" ] && [ ! "$src" -nt "$wasm" ] || stale=1
  for h in tests/wasi/*.h; do [ "$h" -nt "$wasm" ] && stale=1; done
  if [ $stale = 1 ]; then
    if ! "${CLANG_WASI[@]}" -Itests/wasi -o "$wasm" "$src" 2>"$OUT/$name.cc.err"; then
      echo "FAIL wasi $name: does not compile: $(head -5 "$OUT/$name.cc.err")"
      return
    fi
  fi
  if [ ! -f "$expect" ]; then
    echo "FAIL wasi $name: no expected output $expect"
    return
  fi
  dir="$TMPROOT/wasi/$name"
  rm -rf "$dir"
  mkdir -p "$dir/scratch" "$dir/outside"
  printf 'secret\n' > "$dir/outside/secret.txt"

  local line ok=1
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    if ! (cd "$dir" && sh -c "$line") > "$dir/setup.log" 2>&1; then
      echo "FAIL wasi $name: SETUP '$line' failed: $(head -3 "$dir/setup.log")"
      return
    fi
  done < <(directive SETUP "$src")

  run=$(directive RUN "$src" | head -1)
  [ -n "$run" ] || run='--dir {scratch}::/sandbox'
  run=${run//\{scratch\}/$dir/scratch}
  run=${run//\{outside\}/$dir/outside}
  args=$(directive ARGS "$src" | head -1)
  status_want=$(directive STATUS "$src" | head -1)
  status_want=${status_want:-0}
  local -a run_toks arg_toks
  # The directives are ours, so shell quoting in them is honoured.
  eval "run_toks=($run)"
  eval "arg_toks=($args)"
  local input=/dev/null
  if grep -q '^// STDIN:' "$src"; then
    directive STDIN "$src" | head -1 > "$dir/stdin"
    input="$dir/stdin"
  fi
  (cd "$dir" && timeout 120 "$WISP" run "${run_toks[@]}" "$OUT_ABS/$name.wasm" "${arg_toks[@]}") \
    < "$input" > "$dir/stdout" 2> "$dir/stderr"
  local status=$?
  if [ "$status" != "$status_want" ]; then
    echo "FAIL wasi $name: exit status $status, expected $status_want; stderr: $(head -c 600 "$dir/stderr")"
    ok=0
  fi
  if ! diff -u "$expect" "$dir/stdout" > "$dir/diff"; then
    echo "FAIL wasi $name: stdout differs from $expect:"
    head -30 "$dir/diff"
    ok=0
  fi
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    if ! (cd "$dir" && sh -c "$line") > "$dir/check.log" 2>&1; then
      echo "FAIL wasi $name: CHECK '$line' failed: $(head -3 "$dir/check.log")"
      ok=0
    fi
  done < <(directive CHECK "$src")
  if grep -q 'ERROR: \(Address\|Leak\)Sanitizer\|runtime error:' "$dir/stderr"; then
    echo "FAIL wasi $name: sanitizer report: $(grep -m1 'Sanitizer\|runtime error' "$dir/stderr")"
    ok=0
  fi
  [ $ok = 1 ] && echo "PASS wasi $name ($(grep -c . "$expect") checks)"
}

for src in $sources; do
  name=$(basename "$src" .c)
  [ -n "${ONLY:-}" ] && [ "$ONLY" != "$name" ] && continue
  run_one "$src"
done
