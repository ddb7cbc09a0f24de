#!/usr/bin/env bash
# Builds tests/witx/glue_test.c against freshly generated code, the test
# implementations and the stubs generated for every other witx function
# (under ASan/UBSan when the compiler has them) and passes its PASS/FAIL
# lines through: layouts, load/store, the glue's pointer/enum/flag checks,
# result stores, the import table and the trace format.
. "$(dirname "$0")/lib.sh"
need_witxgen

G=$TMP/gen
S=$TMP/support
if ! generate_into "$G" 2>"$TMP/gen.err" || ! generate_test_support "$S" 2>>"$TMP/gen.err"; then
    fail "witx_generate" "$(cat "$TMP/gen.err")"
    finish
fi
SAN=""
if echo 'int main(void){return 0;}' | "$CC" -fsanitize=address,undefined -x c - -o "$TMP/probe" 2>/dev/null; then
    SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
else
    skip "witx_glue_sanitizers" "$CC cannot build with -fsanitize=address,undefined"
fi
if ! "$CC" -std=gnu11 -O1 -g -Wall -Wextra $SAN -Iinclude -Isrc -I"$G" -I"$S" -Itests/witx \
        tests/witx/glue_test.c tests/witx/stub_impl.c "$S/wasi_stubs.c" "$G/wasi_glue.c" "$G/wasi_trace.c" \
        src/base/common.c -o "$TMP/glue_test" 2>"$TMP/build.log"; then
    fail "witx_glue_test_build" "$(head -c 600 "$TMP/build.log")"
    finish
fi
"$TMP/glue_test" >"$TMP/out" 2>"$TMP/err"
rc=$?
cat "$TMP/out"
if [ "$rc" -ne 0 ] && ! grep -q '^FAIL' "$TMP/out"; then
    fail "witx_glue_test_run" "exit status $rc: $(head -c 600 "$TMP/err")"
fi
[ "$rc" -ne 0 ] && failed=1
finish
