#!/usr/bin/env bash
# witx error reporting: every fixture in tests/witx/bad/ must be rejected with
# the file:line:col message its first line announces (";; expect: L:C: text"),
# exit status 1, and no crash; the same run again under AddressSanitizer and
# UBSan.
. "$(dirname "$0")/lib.sh"
need_witxgen

# Runs witxgen binary $1 over every fixture; $2 names the variant.
run_fixtures() {
    local tool=$1 variant=$2
    for f in tests/witx/bad/*.witx; do
        local name want out rc
        name=$(basename "$f" .witx)
        want=$(head -n 1 "$f" | sed -n 's/^;; expect: //p')
        out=$("$tool" --dump "$f" 2>&1 >/dev/null)
        rc=$?
        if [ "$rc" -ne 1 ]; then
            fail "witx_error_${name}${variant}" "exit status $rc: $(echo "$out" | head -c 300)"
        elif [ "$out" != "$f:$want" ]; then
            fail "witx_error_${name}${variant}" "said '$out', want '$f:$want'"
        else
            pass "witx_error_${name}${variant}"
        fi
    done
}
run_fixtures "$WITXGEN" ""

# An error in a file reached through `use` names that file.
mkdir -p "$TMP/use"
printf '(use "inner.witx")\n' >"$TMP/use/outer.witx"
printf ';; inner\n(typename $a\n  (record (field $x $nope)))\n' >"$TMP/use/inner.witx"
out=$("$WITXGEN" --dump "$TMP/use/outer.witx" 2>&1 >/dev/null)
if [ "$out" = "$TMP/use/inner.witx:3:21: unknown type \$nope" ]; then
    pass "witx_error_in_used_file"
else
    fail "witx_error_in_used_file" "said '$out'"
fi
out=$("$WITXGEN" --dump "$TMP/missing.witx" 2>&1 >/dev/null)
if [ $? -eq 1 ] && echo "$out" | grep -q "missing.witx: cannot open"; then
    pass "witx_error_missing_file"
else
    fail "witx_error_missing_file" "said '$out'"
fi
# Size limits: a 150-deep alias chain and 5000 typenames are refused, quickly.
{ echo '(typename $a150 u32)'; for i in $(seq 149 -1 1); do echo "(typename \$a$i \$a$((i + 1)))"; done; } >"$TMP/chain.witx"
out=$("$WITXGEN" --dump "$TMP/chain.witx" 2>&1 >/dev/null)
if [ $? -eq 1 ] && echo "$out" | grep -q ":102:16: types nested more than 100 deep$"; then
    pass "witx_error_deep_alias_chain"
else
    fail "witx_error_deep_alias_chain" "said '$out'"
fi
for i in $(seq 1 5000); do echo "(typename \$t$i u8)"; done >"$TMP/many.witx"
out=$("$WITXGEN" --dump "$TMP/many.witx" 2>&1 >/dev/null)
if [ $? -eq 1 ] && [ "$out" = "$TMP/many.witx:4097:1: more than 4096 typenames" ]; then
    pass "witx_error_too_many_types"
else
    fail "witx_error_too_many_types" "said '$out'"
fi
# Generation refuses a pointer whose length it cannot know, and writes nothing.
printf '(typename $errno (enum (@witx tag u16) $success $inval $fault))\n(module $m\n  (@interface func (export "f")\n    (param $p (@witx pointer u8))\n    (result $e (expected (error $errno)))))\n' >"$TMP/nolen.witx"
mkdir -p "$TMP/nolen.out"
out=$("$WITXGEN" --out "$TMP/nolen.out" "$TMP/nolen.witx" 2>&1)
if [ $? -eq 1 ] && echo "$out" | grep -q "^$TMP/nolen.witx:4:5: parameter \$p of f: pointer with no known length" &&
        [ -z "$(ls -A "$TMP/nolen.out")" ]; then
    pass "witx_error_pointer_without_length"
else
    fail "witx_error_pointer_without_length" "said '$out'"
fi
# The same fixtures under ASan/UBSan, with a witxgen built for it here.
if echo 'int main(void){return 0;}' | "$CC" -fsanitize=address,undefined -x c - -o "$TMP/probe" 2>/dev/null; then
    if "$CC" -std=gnu11 -O1 -g -Wall -Wextra -fsanitize=address,undefined \
            -fno-sanitize-recover=undefined -Itools/witxgen tools/witxgen/*.c \
            -o "$TMP/witxgen-asan" 2>"$TMP/asan.log"; then
        run_fixtures "$TMP/witxgen-asan" "_asan"
        if "$TMP/witxgen-asan" --dump witx/wasi_snapshot_preview1.witx witx/ext/greeting.witx >/dev/null 2>"$TMP/asan.err" &&
                mkdir -p "$TMP/gen.asan" && "$TMP/witxgen-asan" --out "$TMP/gen.asan" \
                witx/wasi_snapshot_preview1.witx witx/ext/greeting.witx 2>>"$TMP/asan.err"; then
            pass "witxgen_asan_clean_on_project_witx"
        else
            fail "witxgen_asan_clean_on_project_witx" "$(head -c 400 "$TMP/asan.err")"
        fi
    else
        fail "witxgen_asan_build" "$(head -c 400 "$TMP/asan.log")"
    fi
else
    skip "witx_errors_asan" "$CC cannot build with -fsanitize=address,undefined"
fi
FUZZ_TOOL=$WITXGEN
[ -x "$TMP/witxgen-asan" ] && FUZZ_TOOL=$TMP/witxgen-asan
# Random damage to the real files: any outcome but a crash is fine.
# (With the ASan build when there is one: a memory error exits with 1 there
# too, so ASan's own report is what marks a crash.)
crashes=0
for i in $(seq 1 40); do
    command -v python3 >/dev/null 2>&1 || break
    python3 - "$i" witx/wasi_snapshot_preview1.witx witx/typenames.witx "$TMP/fz" <<'PY' || break
import random, sys, os
seed, main, types, out = sys.argv[1:]
rng = random.Random(int(seed))
os.makedirs(out, exist_ok=True)
for src in (main, types):
    data = bytearray(open(src, 'rb').read())
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(3); pos = rng.randrange(len(data))
        if op == 0: del data[pos:pos + rng.randint(1, 40)]
        elif op == 1: data[pos:pos] = rng.choice([b'(', b')', b'"', b'$', b';;;', b'(;', b'(record', b'\xff'])
        else: data[pos] = rng.randrange(32, 127)
    open(os.path.join(out, os.path.basename(src)), 'wb').write(bytes(data))
PY
    "$FUZZ_TOOL" --dump "$TMP/fz/wasi_snapshot_preview1.witx" >/dev/null 2>"$TMP/fz.err"
    rc=$?
    { [ "$rc" -gt 1 ] || grep -q 'Sanitizer' "$TMP/fz.err"; } && crashes=$((crashes + 1))
    rm -rf "$TMP/gen.fz" && mkdir -p "$TMP/gen.fz"
    "$FUZZ_TOOL" --out "$TMP/gen.fz" "$TMP/fz/wasi_snapshot_preview1.witx" >/dev/null 2>"$TMP/fz.err"
    rc=$?
    { [ "$rc" -gt 1 ] || grep -q 'Sanitizer' "$TMP/fz.err"; } && crashes=$((crashes + 1))
done
if ! command -v python3 >/dev/null 2>&1; then
    skip "witx_damaged_input_no_crash" "python3 not installed"
elif [ "$crashes" = 0 ]; then
    pass "witx_damaged_input_no_crash"
else
    fail "witx_damaged_input_no_crash" "$crashes runs ended with a signal or exit status > 1"
fi

finish
