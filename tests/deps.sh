#!/usr/bin/env bash
# Installs the Debian packages the tests use, when they are missing and we can.
# Tests whose tools are still missing afterwards report SKIP with the reason.
set -u
need=()
command -v wat2wasm >/dev/null 2>&1 || need+=(wabt)
command -v wasm-opt >/dev/null 2>&1 || need+=(binaryen)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v clang >/dev/null 2>&1 || need+=(clang)
command -v c++ >/dev/null 2>&1 || need+=(g++)                 # wasm.h from C++ (tests/capi)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)   # not in a fresh Debian 12
command -v wasm-ld >/dev/null 2>&1 || need+=(lld)
[ -f /usr/lib/wasm32-wasi/libc.a ] || need+=(wasi-libc)
# The compiled tier (skipped by `make LLVM=0`).
[ "${LLVM:-1}" = 1 ] && ! command -v llvm-config-19 >/dev/null 2>&1 && need+=(llvm-19-dev)
ls /usr/lib/llvm-14/lib/clang/14*/lib/wasi/libclang_rt.builtins-wasm32.a >/dev/null 2>&1 || need+=(libclang-rt-14-dev-wasm32)
ls /usr/lib/llvm-14/lib/clang/14*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 || need+=(libclang-rt-14-dev)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then sudo=; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=sudo; else
  echo "deps: missing packages ${need[*]} and no root to install them; the tests that need them will be skipped"
  exit 0
fi
echo "deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null 2>&1 || true
$sudo apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || echo "deps: apt-get install ${need[*]} failed; dependent tests will be skipped"
exit 0
