#!/usr/bin/env bash
# Load throughput: builds the largest modules we can make here and reports
# decode+validate MB/s. Needs clang with the wasm32-wasi target and wasi-libc.
set -eu
cd "$(dirname "$0")/../.."
B=${BUILD:-build}/bench/load
mkdir -p "$B"
CC=${CC:-cc}
WASI_CC="clang --target=wasm32-wasi --sysroot=/usr"
$CC -std=gnu11 -O2 -Iinclude bench/load/load_speed.c "${BUILD:-build}/libwisp.a" -lm -pthread -o "$B/load_speed"
$CC -O2 bench/load/gen_program.c -o "$B/gen_program"
# 1. wisp's front end, compiled to wasm: a real C program of ~15k lines. Only
# loaded, never run, so what WASI cannot build (the runtime, the WASI
# implementation) is left out and its functions become imports.
srcs=$(ls src/base/*.c src/binary/*.c src/valid/*.c src/text/*.c src/wast/*.c src/api/*.c src/cli/*.c | grep -v -e '^src/api/wasi.c$' -e '^src/cli/run.c$')
wflags="-std=gnu11 -Iinclude -Isrc -w -D_WASI_EMULATED_MMAN -Wl,--allow-undefined -lwasi-emulated-mman"
$WASI_CC -O2 $wflags $srcs -o "$B/wisp.wasm"
$WASI_CC -O0 $wflags $srcs -o "$B/wisp-O0.wasm"
# 2. a large synthetic program (the biggest we can compile in reasonable time).
"$B/gen_program" 12000 > "$B/big.c"   # ~4.6 MB of wasm; about 2 minutes of clang
$WASI_CC -O1 "$B/big.c" -o "$B/big.wasm"
"$B/load_speed" "$B/wisp.wasm" "$B/wisp-O0.wasm" "$B/big.wasm"
