#!/usr/bin/env bash
# Choosing the tier: -C tier=interp|compiled|auto and WISP_TIER, `wisp
# --version`, and the same results, traps, backtraces and limits from the
# compiled tier as from the interpreter. Without the compiled tier (a build
# without LLVM), tier=compiled must fail clearly, and the rest is skipped.
set -u
cd "$(dirname "$0")"
. ./lib.sh

run "$WISP" --version
check "--version names the compiled tier or says why it is absent" \
  test "$rc" = 0 -a -n "$(echo "$out" | grep -E '^compiled tier: (LLVM [0-9]|absent: )')"
run "$WISP" run -C tier=fast tiers.wat
check "-C tier=fast: usage error naming the choices, exit 2" \
  test "$rc" = 2 -a -n "$(echo "$err" | grep -F 'tier=fast: expected interp, compiled or auto')"
run "$WISP" run -C speed=1 tiers.wat
check "-C unknown key: usage error, exit 2" test "$rc" = 2 -a -n "$(echo "$err" | grep -F 'unknown option')"
run env WISP_TIER=warp "$WISP" run tiers.wat
check "WISP_TIER=warp: usage error, exit 2" test "$rc" = 2 -a -n "$(echo "$err" | grep -F 'WISP_TIER=warp')"
run "$WISP" wast -C tier=bogus sample.wast
check "wast -C tier=bogus: usage error, exit 2" test "$rc" = 2
run "$WISP" run -C tier=interp --invoke add tiers.wat 2 3
check "tier=interp runs" test "$rc" = 0 -a "$out" = 5
run "$WISP" run -O memory-huge-pages=n,signals-based-traps=n -C tier=interp --invoke add tiers.wat 2 3
check "-O takes a list: memory-huge-pages=n,signals-based-traps=n" test "$rc" = 0 -a "$out" = 5
run "$WISP" run -O memory-huge-pages=maybe tiers.wat
check "-O memory-huge-pages=maybe: usage error, exit 2" \
  test "$rc" = 2 -a -n "$(echo "$err" | grep -F 'expected memory-huge-pages=y or n')"
run "$WISP" run -O fast-math=y tiers.wat
check "-O unknown key: usage error naming what wisp knows, exit 2" \
  test "$rc" = 2 -a -n "$(echo "$err" | grep -F 'unknown option; wisp knows signals-based-traps')"

if ! echo "$("$WISP" --version)" | grep -q '^compiled tier: LLVM'; then
  run "$WISP" run -C tier=compiled --invoke add tiers.wat 2 3
  check "tier=compiled without the compiled tier fails at instantiation, exit 1" \
    test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'compiled tier is unavailable')"
  echo "SKIP the compiled tier's own checks: not built in ($("$WISP" --version | tail -1))"
  exit 0
fi

for how in "-C tier=compiled" "--codegen=tier=compiled" "-Ctier=compiled" "WISP_TIER=compiled"; do
  case "$how" in
    WISP_TIER=*) run env WISP_TIER=compiled "$WISP" run --invoke add tiers.wat 40 2 ;;
    *) run "$WISP" run $how --invoke add tiers.wat 40 2 ;;
  esac
  check "compiled tier via $how: add 40 2 = 42" test "$rc" = 0 -a "$out" = 42
done
run env WISP_TIER=compiled "$WISP" run -C tier=interp --invoke add tiers.wat 1 1
check "-C tier= wins over WISP_TIER" test "$rc" = 0 -a "$out" = 2

for tier in interp compiled; do
  run "$WISP" run -C tier=$tier --invoke divide tiers.wat 0
  check "$tier: a trap two calls deep exits 134 with the message" \
    test "$rc" = 134 -a -n "$(echo "$err" | grep -F 'wisp: trap: integer divide by zero')"
  eval "trace_$tier=\$(echo \"\$err\" | grep -E '^ +[0-9]+:' | sed 's/ at byte.*//')"
  run "$WISP" run -C tier=$tier --invoke oob tiers.wat 65535
  check "$tier: an out-of-bounds load traps" \
    test "$rc" = 134 -a -n "$(echo "$err" | grep -F 'out of bounds memory access')"
  run "$WISP" run -C tier=$tier --invoke count tiers.wat 1000000
  check "$tier: a loop of a million iterations" test "$rc" = 0 -a "$out" = 1000000
  run "$WISP" run -C tier=$tier --invoke greet tiers.wat
  check "$tier: a WASI call from wasm" test "$rc" = 0 -a "$(echo "$out" | head -1)" = "hello from wasm"
  run "$WISP" run -C tier=$tier tiers.wat
  check "$tier: _start runs" test "$rc" = 0
  run timeout 60 "$WISP" run -C tier=$tier --invoke rec tiers.wat 1
  check "$tier: runaway recursion is 'call stack exhausted', exit 134" \
    test "$rc" = 134 -a -n "$(echo "$err" | grep -F 'wisp: trap: call stack exhausted')"
  run timeout 20 "$WISP" run -C tier=$tier -W timeout=100ms --invoke spin tiers.wat
  check "$tier: a timeout stops an endless loop" \
    test "$rc" = 134 -a -n "$(echo "$err" | grep -F 'the time limit of 0.100 s was reached')"
  # Fuel is charged by the same rule in both tiers: find the least that
  # lets `count 1000` finish.
  lo=1; hi=1000000
  while [ $lo -lt $hi ]; do
    mid=$(( (lo + hi) / 2 ))
    if "$WISP" run -C tier=$tier -W fuel=$mid --invoke count tiers.wat 1000 >/dev/null 2>&1; then hi=$mid; else lo=$((mid + 1)); fi
  done
  eval "fuel_$tier=$lo"
done
check "the backtrace names the same functions in both tiers ($(echo $trace_compiled))" \
  test -n "$trace_interp" -a "$trace_interp" = "$trace_compiled"
check "fuel: the same least fuel in both tiers ($fuel_interp, $fuel_compiled)" \
  test "$fuel_interp" = "$fuel_compiled" -a "$fuel_interp" -gt 1000
run "$WISP" run -C tier=compiled -W max-wasm-stack=256K --invoke rec tiers.wat 1
check "compiled: the stack limit is max-wasm-stack, named in the trap" \
  test "$rc" = 134 -a -n "$(echo "$err" | grep -F 'native stack limit of 262144 bytes reached (max-wasm-stack)')"
run "$WISP" wast -C tier=compiled sample.wast
check "wast -C tier=compiled runs a script" test -n "$(echo "$out" | tail -1 | grep -E '^[1-9][0-9]* passed, 0 failed')"

# The auto tier: functions and loops move to native code while they run.
# WISP_TIER_UP_THRESHOLD=1 and WISP_TIER_UP_SYNC=1 make every function move
# at its second call and every loop at its second iteration, at the same
# point every run.
auto() { env WISP_TIER_UP_THRESHOLD=1 WISP_TIER_UP_SYNC=1 WISP_TIER_LOG=1 "$WISP" run -C cache=n "$@"; }
run "$WISP" run -C tier=interp --invoke osr tiers.wat 100000
want=$out
run auto --invoke osr tiers.wat 100000
check "auto: a loop entered mid-way gives the interpreter's result ($want)" \
  test "$rc" = 0 -a "$out" = "$want" -a -n "$(echo "$err" | grep -E 'tier-up: module (less 1 deferred )?\+ 1 loop entries')"
run "$WISP" run -C tier=compiled --invoke osr tiers.wat 100000
check "compiled: the same result" test "$rc" = 0 -a "$out" = "$want"
run auto --invoke osr_trap tiers.wat 1000
check "auto: a trap after the loop moved to native code" \
  test "$rc" = 134 -a -n "$(echo "$err" | grep -F 'integer divide by zero')" -a -n "$(echo "$err" | grep -F 'loop entries')"
run auto --invoke count tiers.wat 1000000
check "auto: a million iterations" test "$rc" = 0 -a "$out" = 1000000
run auto --invoke count_twice tiers.wat 1000
check "auto: a function whose loop moved first gets its ordinary code when called again" \
  test "$rc" = 0 -a "$out" = 2000 -a -n "$(echo "$err" | grep -F 'tier-up: module less 1 deferred + 1 loop entries')" \
    -a -n "$(echo "$err" | grep -F 'tier-up: 1 deferred functions + 0 loop entries')"
run auto --invoke divide tiers.wat 0
check "auto: the backtrace of a trap names the functions as the interpreter does" \
  test "$rc" = 134 -a "$(echo "$err" | grep -E '^ +[0-9]+:' | sed 's/ at byte.*//')" = "$trace_interp"
run auto tiers.wat
check "auto: _start with WASI calls" test "$rc" = 0
lo=1; hi=1000000
while [ $lo -lt $hi ]; do
  mid=$(( (lo + hi) / 2 ))
  if env WISP_TIER_UP_THRESHOLD=1 WISP_TIER_UP_SYNC=1 "$WISP" run -C cache=n -W fuel=$mid --invoke count tiers.wat 1000 >/dev/null 2>&1; then hi=$mid; else lo=$((mid + 1)); fi
done
check "auto: fuel is charged the same when code moves tiers mid-run ($lo)" test "$lo" = "$fuel_interp"

# The code cache: -C cache=n writes nothing; a run writes one file per
# module; the next run uses it without loading LLVM; a damaged file is
# ignored and replaced.
cache=$T/cache
run env XDG_CACHE_HOME="$cache" "$WISP" run -C tier=compiled,cache=n --invoke add tiers.wat 1 2
check "cache=n leaves no cache" test "$rc" = 0 -a "$out" = 3 -a ! -d "$cache/wisp"
run env XDG_CACHE_HOME="$cache" "$WISP" run -C tier=compiled --invoke add tiers.wat 1 2
check "a compiled run leaves one file in \$XDG_CACHE_HOME/wisp" \
  test "$rc" = 0 -a "$out" = 3 -a "$(ls "$cache/wisp" 2>/dev/null | wc -l)" = 1
if command -v strace >/dev/null 2>&1; then
  run env XDG_CACHE_HOME="$cache" ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=openat -o "$T/strace" "$WISP" run -C tier=compiled --invoke add tiers.wat 1 2
  check "the second run takes the code from the cache and never opens LLVM" \
    test "$rc" = 0 -a "$out" = 3 -a -z "$(grep -F libLLVM "$T/strace")" -a -n "$(grep -F "$cache/wisp" "$T/strace")"
else
  echo "SKIP cache hit without LLVM: strace is not installed"
fi
f=$(ls "$cache"/wisp/*.o | head -1)
head -c 100 /dev/urandom > "$f"
run env XDG_CACHE_HOME="$cache" "$WISP" run -C tier=compiled --invoke add tiers.wat 20 22
check "a damaged cache file is ignored and replaced" test "$rc" = 0 -a "$out" = 42 -a "$(stat -c %s "$f")" -gt 1000
run env XDG_CACHE_HOME="$cache" "$WISP" run -C tier=compiled -W fuel=100000 --invoke add tiers.wat 1 1
check "code with fuel checks is cached apart from code without" \
  test "$rc" = 0 -a "$out" = 2 -a "$(ls "$cache/wisp" | wc -l)" = 2
run env XDG_CACHE_HOME="$T/autocache" WISP_TIER_UP_THRESHOLD=1 WISP_TIER_UP_SYNC=1 WISP_TIER_LOG=1 "$WISP" run --invoke count tiers.wat 1000
check "auto: the first run compiles the module with loop entries, less the function whose loop asked, then the whole module for the cache" \
  test "$rc" = 0 -a "$out" = 1000 -a -n "$(echo "$err" | grep -F 'tier-up: module less 1 deferred + 1 loop entries')" \
    -a -n "$(echo "$err" | grep -F 'tier-up: the whole module for the cache')"
run env XDG_CACHE_HOME="$T/autocache" WISP_TIER_UP_THRESHOLD=1 WISP_TIER_UP_SYNC=1 WISP_TIER_LOG=1 "$WISP" run --invoke count tiers.wat 1000
check "auto: the second run starts with the module's code from the cache" \
  test "$rc" = 0 -a "$out" = 1000 -a -z "$(echo "$err" | grep -F 'tier-up:')"

# Ahead of time: wisp compile, and run --allow-precompiled.
run "$WISP" compile tiers.wat -o "$T/t.cwasm"
check "wisp compile writes precompiled code" test "$rc" = 0 -a -s "$T/t.cwasm"
cp tiers.wat "$T/copy.wat"
run "$WISP" compile "$T/copy.wat"
check "wisp compile FILE writes FILE.cwasm by default" test "$rc" = 0 -a -s "$T/copy.cwasm"
run "$WISP" run --invoke add "$T/t.cwasm" 1 2
check "run refuses precompiled code without --allow-precompiled, exit 1" \
  test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'only with --allow-precompiled')"
run env WISP_LLVM_PLUGIN=/nonexistent "$WISP" run --allow-precompiled -C tier=compiled --invoke add "$T/t.cwasm" 20 22
check "run --allow-precompiled runs it in the compiled tier without the plugin" test "$rc" = 0 -a "$out" = 42
run "$WISP" run --allow-precompiled --invoke divide "$T/t.cwasm" 0
check "precompiled code traps with the same backtrace" \
  test "$rc" = 134 -a "$(echo "$err" | grep -E '^ +[0-9]+:' | sed 's/ at byte.*//')" = "$trace_interp"
head -c 200 "$T/t.cwasm" > "$T/short.cwasm"
run "$WISP" run --allow-precompiled --invoke add "$T/short.cwasm" 1 2
check "a truncated .cwasm is a clear error, exit 1" \
  test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'truncated or damaged')"
python3 -c "import sys; b=bytearray(open(sys.argv[1],'rb').read()); b[16]^=1; open(sys.argv[2],'wb').write(b)" "$T/t.cwasm" "$T/foreign.cwasm"
run "$WISP" run --allow-precompiled --invoke add "$T/foreign.cwasm" 1 2
check "a .cwasm from another wisp or CPU is refused by name" \
  test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'another build of wisp or for another CPU')"
run "$WISP" run --allow-precompiled -C tier=compiled -W fuel=1000 --invoke add "$T/t.cwasm" 1 2
check "compiled tier: precompiled code for other options is refused, saying which" \
  test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'compiled for no check points')"
run "$WISP" compile -W fuel=1 tiers.wat -o "$T/fuel.cwasm"
run "$WISP" run --allow-precompiled -C tier=compiled -W fuel=1000000 --invoke count "$T/fuel.cwasm" 1000
check "precompiled with -W fuel runs with fuel" test "$rc" = 0 -a "$out" = 1000
run "$WISP" validate "$T/t.cwasm"
check "validate names precompiled code as such" test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'precompiled code')"
