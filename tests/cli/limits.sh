#!/usr/bin/env bash
# `wisp run` resource limits (-W fuel, timeout, max-memory-size,
# max-table-elements, max-wasm-stack and their long forms) and the exit
# statuses of programs that exit or trap.
set -u
cd "$(dirname "$0")"
. ./lib.sh

run timeout 20 "$WISP" run -W fuel=100000 limits.wat --invoke spin
check "fuel: an endless loop traps with 'all fuel consumed', exit 134" \
  test "$rc" = 134 -a -n "$(echo "$err" | grep -F 'wisp: trap: all fuel consumed')"
run "$WISP" run -W fuel=100000 limits.wat --invoke rec 100
check "fuel: a short run finishes" test "$rc" = 0 -a "$out" = 100
run timeout 20 "$WISP" run --fuel 1000 limits.wat --invoke spin
check "fuel: --fuel is the long form" test "$rc" = 134 -a -n "$(echo "$err" | grep -F 'all fuel consumed')"
run timeout 20 "$WISP" run -Wfuel=1000 limits.wat --invoke spin
check "fuel: -Wfuel=N in one word" test "$rc" = 134 -a -n "$(echo "$err" | grep -F 'all fuel consumed')"

start=$(date +%s%N)
run timeout 20 "$WISP" run -W timeout=200ms limits.wat --invoke spin
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "timeout: an endless loop traps with 'interrupt', exit 134" \
  test "$rc" = 134 -a -n "$(echo "$err" | grep -F 'wisp: trap: interrupt: the time limit of 0.200 s was reached')"
check "timeout: after about the time given ($ms ms)" test "$ms" -ge 190 -a "$ms" -lt 10000
run timeout 20 "$WISP" run -W timeout=5s,fuel=10000000 limits.wat --invoke spin
check "-W takes a comma-separated list" test "$rc" = 134 -a -n "$(echo "$err" | grep -F 'all fuel consumed')"
run timeout 20 "$WISP" run --timeout 0.1 limits.wat --invoke spin
check "timeout: --timeout, plain seconds" test "$rc" = 134 -a -n "$(echo "$err" | grep -F 'interrupt')"

run "$WISP" run -W max-memory-size=131072 limits.wat --invoke grow 1
check "max-memory-size: growing up to it works" test "$rc" = 0 -a "$out" = 1
run "$WISP" run -W max-memory-size=131072 limits.wat --invoke grow 2
check "max-memory-size: memory.grow past it returns -1" test "$rc" = 0 -a "$out" = -1
run "$WISP" run -W max-memory-size=64K limits.wat --invoke grow 1
check "max-memory-size: K suffix" test "$rc" = 0 -a "$out" = -1
run "$WISP" run -W max-memory-size=1000 limits.wat --invoke grow 0
check "max-memory-size: a minimum past it fails to link, exit 1" \
  test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'memory too large' | grep -F 'max-memory-size')"
run "$WISP" run -W max-table-elements=3 limits.wat --invoke tgrow 2
check "max-table-elements: growing up to it works" test "$rc" = 0 -a "$out" = 1
run "$WISP" run -W max-table-elements=3 limits.wat --invoke tgrow 3
check "max-table-elements: table.grow past it returns -1" test "$rc" = 0 -a "$out" = -1
run "$WISP" run -W max-table-elements=0 limits.wat --invoke tgrow 0
check "max-table-elements: a minimum past it fails to link" \
  test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'table too large' | grep -F 'max-table-elements')"

# The interpreter's two limits (call depth, value stack); compiled code
# meets the native stack limit instead (tests/cli/tiers.sh).
run "$WISP" run -C tier=interp limits.wat --invoke rec 9000
check "stack: the default depth allows 9000" test "$rc" = 0 -a "$out" = 9000
run "$WISP" run -C tier=interp --max-call-depth 100000000 limits.wat --invoke rec 600000
check "stack: a huge depth limit meets the wasm stack limit, which the trap names" \
  test "$rc" = 134 -a -n "$(echo "$err" | grep -F 'call stack exhausted: wasm stack limit of 8388608 bytes')"
run "$WISP" run -C tier=interp --max-call-depth 100000000 -W max-wasm-stack=1G limits.wat --invoke rec 600000
check "stack: 600,000 deep with both limits raised" test "$rc" = 0 -a "$out" = 600000
run "$WISP" run -C tier=interp -W max-wasm-stack=64K limits.wat --invoke rec 5000
check "stack: max-wasm-stack=64K traps, naming it" \
  test "$rc" = 134 -a -n "$(echo "$err" | grep -F 'wasm stack limit of 65536 bytes')"
run "$WISP" run -C tier=interp --max-wasm-stack 64K limits.wat --invoke rec 5000
check "stack: --max-wasm-stack is the long form" test "$rc" = 134
run "$WISP" run -C tier=interp limits.wat --invoke rec 20000
check "stack: the depth limit traps, naming it" \
  test "$rc" = 134 -a -n "$(echo "$err" | grep -F 'call stack exhausted: call depth limit of 10000')"

for bad in "fuel=abc" "fuel=" "timeout=5parsecs" "timeout=-1s" "max-memory-size=1Q" "bogus=1" "fuel" ""; do
  run "$WISP" run -W "$bad" limits.wat --invoke rec 1
  check "-W '$bad': usage error, exit 2, one line" test "$rc" = 2 -a "$(echo "$err" | wc -l)" = 1
done
run "$WISP" run -W max-wasm-stack=8 limits.wat --invoke rec 1
check "max-wasm-stack=8: refused as out of range, exit 2" test "$rc" = 2 -a -n "$(echo "$err" | grep -F 'outside 128 bytes')"
run "$WISP" run -W
check "-W without a value: exit 2" test "$rc" = 2

# Exit statuses: 0-125 pass through, others are reported and give 1.
for st in 0 1 7 125; do
  run "$WISP" run exit_status.wat --invoke exit $st
  check "proc_exit($st): wisp exits $st, silently" test "$rc" = "$st" -a -z "$err"
done
for st in 126 134 255 256 -1; do
  run "$WISP" run exit_status.wat --invoke exit "$st"
  check "proc_exit($st): reported, wisp exits 1" \
    test "$rc" = 1 -a -n "$(echo "$err" | grep -F "exited with status $st, outside the portable range 0-125")"
done
run "$WISP" --help
check "--help documents every exit status" \
  test "$rc" = 0 -a -n "$(echo "$out" | grep -F '0-125')" -a -n "$(echo "$out" | grep -F '134')" -a -n "$(echo "$out" | grep -F '128+N')"
run "$WISP" help run
check "help run documents each -W option" \
  test "$rc" = 0 -a -n "$(echo "$out" | grep -F 'max-wasm-stack=BYTES')" -a -n "$(echo "$out" | grep -F 'fuel=N')" \
       -a -n "$(echo "$out" | grep -F 'timeout=DURATION')" -a -n "$(echo "$out" | grep -F 'max-memory-size=BYTES')" \
       -a -n "$(echo "$out" | grep -F 'max-table-elements=N')"

# Issue findings: a function declaring 0xffffffff locals passed validation
# and crashed `wisp run` (heap overflow); one declaring 100M locals took
# 490 MB before it trapped. Both are refused at decode now, at once.
for seed in locals_0xffffffff locals_100M; do
  f=../fuzz/seeds/decode/$seed.wasm
  run "$WISP" validate "$f"
  check "finding $seed: validate refuses it, exit 1" test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'too many locals')"
  run timeout 20 "$WISP" run "$f" --invoke f
  check "finding $seed: run refuses it cleanly, exit 1" test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'too many locals')"
done
