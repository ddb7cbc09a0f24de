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
trap 'rm -rf "$TMPROOT"' EXIT

bash tests/deps.sh

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
suite "embedding" bash tests/embed/run.sh
suite "wast regressions" bash tests/wast/run.sh
suite "fuzz seeds" bash tests/fuzz/run.sh
for t in tests/witx/test_*.sh; do [ -f "$t" ] && suite "witx: $(basename "$t" .sh)" bash "$t"; done
suite "WASI programs" bash tests/wasi/run.sh
suite "WASI sockets from the host" bash tests/wasi/sock/run.sh
suite "text vs wabt" bash tests/tools/compare_wabt.sh
suite "execution vs V8 (random modules)" bash tests/tools/exec_diff.sh

echo "== spec test suite (wisp wast)"
if [ -d "$WISP_SPEC_DIR" ]; then
  files=$(ls "$WISP_SPEC_DIR"/*.wast)
  "$WISP" wast $files > "$TMPROOT/spec.out" 2>&1
  rc=$?
  grep -v ', 0 failed,' "$TMPROOT/spec.out" | grep -E 'FAIL|failed' | grep -v '^[0-9]* passed' | head -50
  last=$(tail -n 1 "$TMPROOT/spec.out")
  echo "spec: $(echo "$files" | wc -l) files: $last"
  grep -o 'skipped: [^)]*' "$TMPROOT/spec.out" | sed 's/skipped: [0-9]* /skipped: /' | sort | uniq -c | sed 's/^/  /'
  if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
    passed=$((passed+BASH_REMATCH[1])); failed=$((failed+BASH_REMATCH[2])); skipped=$((skipped+BASH_REMATCH[3]))
  else
    failed=$((failed+1)); echo "FAIL spec run ended abnormally (status $rc)"
  fi
  [ $rc -ne 0 ] && [ $rc -ne 1 ] && { failed=$((failed+1)); echo "FAIL wisp wast exited with status $rc"; }
else
  skipped=$((skipped+1)); echo "SKIP spec suite: $WISP_SPEC_DIR not found (set WISP_SPEC_DIR)"
fi

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
