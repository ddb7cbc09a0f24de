#!/usr/bin/env bash
# Runs every test of wisp and ends with the line "N passed, N failed, N skipped".
# Each suite prints lines "PASS name", "FAIL name: why", "SKIP name: why"; the
# spec suite reports its own per-command counts. Environment: BUILD (build
# directory), CC, SAN, WISP_SPEC_DIR (default ../shared/spec/testsuite).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD CC=${CC:-cc} SAN=${SAN:-0}
export WISP="$PWD/$BUILD/wisp"
export WISP_SPEC_DIR=${WISP_SPEC_DIR:-$PWD/../shared/spec/testsuite}
export TMPROOT=$(mktemp -d)
# The code cache starts empty for every run, so compilation is tested.
export XDG_CACHE_HOME="$TMPROOT/cache"
# Programs linked with libwisp.a find the compiled tier's plugin here.
[ -f "$BUILD/libwisp-llvm.so" ] && export WISP_LLVM_PLUGIN="$PWD/$BUILD/libwisp-llvm.so"
trap 'rm -rf "$TMPROOT"' EXIT

bash tests/deps.sh
# Under the sanitizers: LeakSanitizer's exit-time scan reads each thread's
# dynamic TLS as ASan recorded it through __tls_get_addr, and with this
# glibc its record of the LLVM libraries' blocks is garbage (the scan
# printed "DTLS 6 at 0x000700000463-0x003700001565", then faulted at
# 0x700000468: 18 runs in 20 of a program whose worker thread had
# compiled). Without the interception the blocks are plain heap chunks to
# it, and those runs pass with leak checking on (the auto-tier suite
# below used to turn leak checking off for this).
[ "$SAN" = 1 ] && export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}intercept_tls_get_addr=0"
# LLVM=0 picks the build directory; tests that build a copy of the tree
# build it the default way.
unset LLVM

passed=0; failed=0; skipped=0
tally() { # reads PASS/FAIL/SKIP lines on stdin, echoes failures and skips
  while IFS= read -r line; do
    case "$line" in
      PASS\ *) passed=$((passed+1)); [ -n "${VERBOSE:-}" ] && echo "$line" ;;
      FAIL\ *) failed=$((failed+1)); echo "$line" ;;
      SKIP\ *) skipped=$((skipped+1)); echo "$line" ;;
      *) echo "$line" ;;
    esac
  done
}

suite() { # suite NAME COMMAND...
  echo "== $1"
  local out="$TMPROOT/suite.out"
  shift
  "$@" > "$out" 2>&1
  local rc=$?
  tally < "$out"
  if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$out"; then
    failed=$((failed+1)); echo "FAIL suite exited with status $rc"
  fi
}

suite "unit tests" bash tests/unit/run.sh
suite "command line" bash tests/cli/run.sh
suite "command line: input" bash tests/cli/input.sh
suite "command line: limits and exit statuses" bash tests/cli/limits.sh
suite "command line: Wasmtime's forms" bash tests/cli/wasmtime_compat.sh
suite "command line: tiers" bash tests/cli/tiers.sh
suite "command line: guest profiler" bash tests/cli/profile.sh
suite "command line: Wasm features" bash tests/cli/features.sh
suite "embedding" bash tests/embed/run.sh
suite "standard C API (wasm.h)" bash tests/capi/run.sh
suite "wast regressions" bash tests/wast/run.sh
suite "fuzz seeds" bash tests/fuzz/run.sh
for t in tests/witx/test_*.sh; do [ -f "$t" ] && suite "witx: $(basename "$t" .sh)" bash "$t"; done
suite "WASI programs" bash tests/wasi/run.sh
suite "WASI sockets from the host" bash tests/wasi/sock/run.sh
suite "toolchain: a setjmp/longjmp program (clang-19)" bash tests/toolchain/run.sh
suite "text vs wabt" bash tests/tools/compare_wabt.sh
suite "execution vs V8 (random modules), interpreter" env EXEC_DIFF_TIER=interp bash tests/tools/exec_diff.sh
if "$WISP" --version | grep -q '^compiled tier: LLVM'; then
  suite "execution vs V8 (random modules), compiled tier" env EXEC_DIFF_TIER=compiled bash tests/tools/exec_diff.sh
  suite "execution vs V8 (random modules), auto tier moving at once" \
    env EXEC_DIFF_TIER=auto WISP_TIER_UP_THRESHOLD=1 WISP_TIER_UP_SYNC=1 bash tests/tools/exec_diff.sh
fi

# spec_suite NAME FILES WAST-OPTIONS...: runs `wisp wast` over FILES (a
# whitespace-separated list) and adds its per-command counts to the totals.
spec_suite() {
  local name=$1 files=$2; shift 2
  echo "== spec test suite ($name)"
  if [ ! -d "$WISP_SPEC_DIR" ]; then
    skipped=$((skipped+1)); echo "SKIP spec suite ($name): $WISP_SPEC_DIR not found (set WISP_SPEC_DIR)"
    return
  fi
  local rc last
  "$WISP" wast "$@" $files > "$TMPROOT/spec.out" 2>&1
  rc=$?
  grep -v ', 0 failed,' "$TMPROOT/spec.out" | grep -E 'FAIL|failed' | grep -v '^[0-9]* passed' | head -50
  last=$(tail -n 1 "$TMPROOT/spec.out")
  echo "spec ($name): $(echo $files | wc -w) files: $last"
  grep -o 'skipped: [^)]*' "$TMPROOT/spec.out" | sed 's/skipped: [0-9]* /skipped: /' | sort | uniq -c | sed 's/^/  /'
  if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
    passed=$((passed+BASH_REMATCH[1])); failed=$((failed+BASH_REMATCH[2])); skipped=$((skipped+BASH_REMATCH[3]))
  else
    failed=$((failed+1)); echo "FAIL spec run ($name) ended abnormally (status $rc)"
  fi
  [ $rc -ne 0 ] && [ $rc -ne 1 ] && { failed=$((failed+1)); echo "FAIL wisp wast ($name) exited with status $rc"; }
}
compiled=; "$WISP" --version | grep -q '^compiled tier: LLVM' && compiled=1

# The Wasm 2.0 suite, in every tier. It holds modules to the 2.0 rules:
# every 3.0 feature off (a few of its assertions say what 3.0 allows is
# invalid).
wasm2=(-W extended-const=n,tail-call=n,relaxed-simd=n,multi-memory=n,memory64=n,exceptions=n,function-references=n)
files2=$(ls "$WISP_SPEC_DIR"/*.wast 2>/dev/null)
spec_suite "interpreter" "$files2" -C tier=interp "${wasm2[@]}"
if [ -n "$compiled" ]; then
  spec_suite "compiled tier" "$files2" -C tier=compiled "${wasm2[@]}"
  spec_suite "compiled tier, explicit bounds checks" "$files2" -C tier=compiled -O signals-based-traps=n "${wasm2[@]}"
  # Every function moves to native code at its second call and every loop
  # at its second iteration (tier_up.c's testing knobs).
  WISP_TIER_UP_THRESHOLD=1 WISP_TIER_UP_SYNC=1 spec_suite "auto tier, moving at once" "$files2" -C tier=auto,cache=n "${wasm2[@]}"
else
  for what in "compiled tier" "compiled tier, explicit bounds checks" "auto tier, moving at once"; do
    echo "== spec test suite ($what)"
    skipped=$((skipped+1)); echo "SKIP spec suite, $what: $("$WISP" --version | tail -1)"
  done
fi

# The Wasm 3.0 files that pass today (tests/spec/wasm3.list), every feature
# on, in the interpreter and the compiled tier, and the memory64 files
# (*64*.wast) also with explicit bounds checks, since i64 memories have a
# guard-region path and an explicit one of their own. The 2.0 runs above
# cover the auto tier and what explicit checks share with i32 memories.
spec3_dirs="proposals/wasm-3.0 proposals/wasm-3.0/legacy proposals/relaxed-simd"
files3=$(sed -n 's|^\(proposals/[^ ]*\.wast\)$|'"$WISP_SPEC_DIR"'/\1|p' tests/spec/wasm3.list)
files3_64=$(echo "$files3" | grep '64[^/]*\.wast$')
spec_suite "Wasm 3.0, interpreter" "$files3" -C tier=interp
if [ -n "$compiled" ]; then
  spec_suite "Wasm 3.0, compiled tier" "$files3" -C tier=compiled
  spec_suite "Wasm 3.0 memory64, compiled tier, explicit bounds checks" "$files3_64" -C tier=compiled -O signals-based-traps=n
else
  for what in "Wasm 3.0, compiled tier" "Wasm 3.0 memory64, compiled tier, explicit bounds checks"; do
    echo "== spec test suite ($what)"
    skipped=$((skipped+1)); echo "SKIP spec suite, $what: $("$WISP" --version | tail -1)"
  done
fi
# A file the list leaves out must still fail: one that passes whole belongs
# in the list (the interpreter's run of all of them takes about a second).
if [ -d "$WISP_SPEC_DIR/proposals/wasm-3.0" ]; then
  echo "== spec test suite (Wasm 3.0, files not listed)"
  unlisted=$(for d in $spec3_dirs; do ls "$WISP_SPEC_DIR/$d"/*.wast; done | grep -vxF "$files3")
  "$WISP" wast -C tier=interp $unlisted 2>&1 | sed -n 's/^\(.*\.wast\): [0-9]* passed, 0 failed, 0 skipped$/\1/p' > "$TMPROOT/unlisted.out"
  if [ -s "$TMPROOT/unlisted.out" ]; then
    failed=$((failed+1))
    echo "FAIL Wasm 3.0 files that pass whole but are not in tests/spec/wasm3.list:"
    sed "s|^$WISP_SPEC_DIR/|  |" "$TMPROOT/unlisted.out"
  else
    passed=$((passed+1))
    echo "$(echo $unlisted | wc -w) unlisted files, none passing whole"
  fi
fi

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
