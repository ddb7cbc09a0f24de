#!/usr/bin/env bash
# wisp's own .wast tests (regressions and behaviour the spec suite does not
# pin down): each file must run with every command passing, unless it
# says otherwise in its own comments:
#   ;; expect: N passed, M failed, 0 skipped     the exact summary line
#   ;; expect-fail: TEXT                         a FAIL line must hold TEXT
# (one expect-fail per failure, M of them, each found in a distinct FAIL
# line's text), which is how the runner's failure reports are tested.
set -u
cd "$(dirname "$0")"
# Every file in each tier: the interpreter, and with the compiled tier
# built in, the compiled tier (guard regions and explicit checks) and the
# auto tier moving every function and loop at once.
tiers=("interp|-C tier=interp")
if "$WISP" --version | grep -q '^compiled tier: LLVM'; then
  tiers+=("compiled|-C tier=compiled,cache=n" "explicit checks|-C tier=compiled,cache=n -O signals-based-traps=n"
          "auto|-C tier=auto,cache=n")
fi

# check_expected FILE OUTPUT: empty when OUTPUT is what FILE's expect lines
# say, else why not.
check_expected() {
  local f=$1 out=$2 want last fails n=0 text
  want=$(sed -n 's/^;; expect: //p' "$f" | head -n 1)
  last=$(echo "$out" | tail -n 1)
  [ "$last" = "$want" ] || { echo "summary [$last], expected [$want]"; return; }
  fails=$(echo "$out" | grep ': FAIL ')
  while IFS= read -r text; do
    [ -n "$text" ] || continue
    n=$((n+1))
    if ! echo "$fails" | grep -qF -- "$text"; then echo "no FAIL line holds: $text"; return; fi
    # Each expectation takes its own line: remove the first that matches.
    fails=$(echo "$fails" | awk -v t="$text" '!done && index($0, t) { done = 1; next } { print }')
  done < <(sed -n 's/^;; expect-fail: //p' "$f")
  [ "$n" = "$(echo "$want" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')" ] ||
    echo "$n expect-fail lines for the failures of [$want]"
}

for f in *.wast; do
  for t in "${tiers[@]}"; do
    name=${t%%|*} flags=${t#*|}
    # shellcheck disable=SC2086
    out=$(WISP_TIER_UP_THRESHOLD=1 WISP_TIER_UP_SYNC=1 "$WISP" wast $flags "$f" 2>&1); rc=$?
    last=$(echo "$out" | tail -n 1)
    if grep -q '^;; expect: ' "$f"; then
      why=$(check_expected "$f" "$out")
      want_rc=0; [[ "$last" =~ ^[0-9]+\ passed,\ 0\ failed ]] || want_rc=1
      [ -z "$why" ] && [ $rc -ne $want_rc ] && why="exit status $rc, expected $want_rc"
      if [ -z "$why" ]; then
        echo "PASS $f, $name ($last, as expected)"
      else
        echo "FAIL $f, $name: $why"
      fi
    elif [ $rc -eq 0 ] && [[ "$last" =~ ^[0-9]+\ passed,\ 0\ failed,\ 0\ skipped$ ]]; then
      echo "PASS $f, $name ($last)"
    else
      echo "FAIL $f, $name: $(echo "$out" | grep -m3 FAIL | tr '\n' ' ') [$last]"
    fi
  done
done
