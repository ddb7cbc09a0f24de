#!/usr/bin/env bash
# wisp's own .wast tests (regressions and behaviour the spec suite does not
# pin down): each file must run with every command passing.
set -u
cd "$(dirname "$0")"
for f in *.wast; do
  out=$("$WISP" wast "$f" 2>&1); rc=$?
  last=$(echo "$out" | tail -n 1)
  if [ $rc -eq 0 ] && [[ "$last" =~ ^[0-9]+\ passed,\ 0\ failed,\ 0\ skipped$ ]]; then
    echo "PASS $f ($last)"
  else
    echo "FAIL $f: $(echo "$out" | grep -m3 FAIL | tr '\n' ' ') [$last]"
  fi
done
