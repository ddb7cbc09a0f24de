#!/usr/bin/env bash
# wisp's own .wast tests (regressions and behaviour the spec suite does not
# pin down): each file must run with every command passing.
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
for f in *.wast; do
  for t in "${tiers[@]}"; do
    name=${t%%|*} flags=${t#*|}
    # shellcheck disable=SC2086
    out=$(WISP_TIER_UP_THRESHOLD=1 WISP_TIER_UP_SYNC=1 "$WISP" wast $flags "$f" 2>&1); rc=$?
    last=$(echo "$out" | tail -n 1)
    if [ $rc -eq 0 ] && [[ "$last" =~ ^[0-9]+\ passed,\ 0\ failed,\ 0\ skipped$ ]]; then
      echo "PASS $f, $name ($last)"
    else
      echo "FAIL $f, $name: $(echo "$out" | grep -m3 FAIL | tr '\n' ' ') [$last]"
    fi
  done
done
