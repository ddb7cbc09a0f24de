#!/usr/bin/env bash
# Programs that use exception handling, built with Debian's toolchain, as
# far as it can build them (docs/architecture.md, "Toolchains for exception
# handling"). A C program with setjmp/longjmp: clang-19's lowering
# (-mllvm -wasm-enable-sjlj) turns it into wasm exception handling (legacy
# try/catch and the __c_longjmp tag); Debian 12's wasi-libc (2022) has
# neither <setjmp.h> nor the lowering's runtime, so include/setjmp.h and
# wasm_sjlj_rt.c supply both. The module runs under node (V8 runs legacy
# exception handling), which checks the recipe, and under wisp once wisp
# reads the tag section; until then that step is skipped, saying why.
# A C++ program with exceptions cannot be built: Debian's
# libc++abi-19-dev-wasm32 is built without exceptions (no __cxa_throw,
# __cxa_begin_catch, ...) and there is no libunwind for wasm
# (_Unwind_CallPersonality, __wasm_lpad_context).
set -u
cd "$(dirname "$0")"
T=${TMPROOT:-/tmp}/toolchain; mkdir -p "$T"
want="longjmp returned 42 at depth 5 after 2 setjmp returns"
for tool in clang-19 wasm-ld-19; do
  command -v $tool >/dev/null || { echo "SKIP setjmp/longjmp program: $tool not installed (apt-get install clang-19 lld-19 libclang-rt-19-dev-wasm32)"; exit 0; }
done
[ -f /usr/lib/wasm32-wasi/libc.a ] || { echo "SKIP setjmp/longjmp program: wasi-libc not installed"; exit 0; }
if ! clang-19 --target=wasm32-wasi --sysroot=/usr -nostdinc -isystem include \
     -isystem "$(clang-19 -print-resource-dir)/include" -isystem /usr/include/wasm32-wasi \
     -O1 -mexception-handling -mllvm -wasm-enable-sjlj -Wl,--strip-debug \
     sjlj.c wasm_sjlj_rt.c -o "$T/sjlj.wasm" > "$T/build.log" 2>&1; then
  echo "FAIL setjmp/longjmp program: does not build: $(head -3 "$T/build.log" | tr '\n' ' ')"; exit 0
fi
echo "PASS setjmp/longjmp program builds with clang-19 (-mllvm -wasm-enable-sjlj)"
if command -v node >/dev/null; then
  out=$(node --no-warnings run_wasi.mjs "$T/sjlj.wasm" 2>&1)
  if [ "$out" = "$want" ]; then echo "PASS setjmp/longjmp program under node: $out"
  else echo "FAIL setjmp/longjmp program under node: [$out], expected [$want]"; fi
else
  echo "SKIP setjmp/longjmp program under node: node not installed"
fi
info=$("$WISP" info "$T/sjlj.wasm" 2>&1)
if echo "$info" | grep -q 'malformed section id: 13'; then
  echo "SKIP setjmp/longjmp program under wisp: wisp has no exception handling yet ($info)"; exit 0
fi
if echo "$info" | grep -q '^tag '; then echo "PASS wisp info lists the __c_longjmp tag"
else echo "FAIL wisp info lists no tag: $(echo "$info" | head -3 | tr '\n' ' ')"; fi
# In every tier; the auto tier moving each function at its first call, so
# that longjmp crosses interpreted and native frames.
for tier in interp auto compiled; do
  if [ $tier != interp ] && ! "$WISP" --version | grep -q '^compiled tier: LLVM'; then
    echo "SKIP setjmp/longjmp program under wisp, $tier: $("$WISP" --version | tail -1)"; continue
  fi
  out=$(WISP_TIER_UP_THRESHOLD=1 WISP_TIER_UP_SYNC=1 "$WISP" run -C tier=$tier,cache=n "$T/sjlj.wasm" 2>&1)
  if [ "$out" = "$want" ]; then echo "PASS setjmp/longjmp program under wisp, $tier"
  else echo "FAIL setjmp/longjmp program under wisp, $tier: [$out], expected [$want]"; fi
done
