# Helpers for shell tests: each check prints PASS/FAIL/SKIP lines.
T=$(mktemp -d "${TMPROOT:-/tmp}/t.XXXXXX")
check() { # check NAME CONDITION-COMMAND...
  local name=$1; shift
  if "$@"; then echo "PASS $name"; else echo "FAIL $name"; fi
}
# run CMD...: sets $out, $err, $rc
run() { "$@" >"$T/out" 2>"$T/err"; rc=$?; out=$(cat "$T/out"); err=$(cat "$T/err"); }
