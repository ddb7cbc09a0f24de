#!/usr/bin/env bash
# witx conformance: wisp's own witx and the upstream reference must describe
# the same ABI: the same 46 functions with the same lowered signatures, the
# same types, layouts, enum values and flag bits (doc text aside). The
# extension files must add exactly print_greeting.
. "$(dirname "$0")/lib.sh"
need_witxgen

REF=${WITX_REFERENCE:-../shared/witx}
OURS=witx/wasi_snapshot_preview1.witx

if "$WITXGEN" --dump "$OURS" >"$TMP/ours.dump" 2>"$TMP/ours.err"; then
    pass "witx_ours_parses"
else
    fail "witx_ours_parses" "$(cat "$TMP/ours.err")"
fi

# Compares one slice (a grep pattern) of the two dumps, order aside.
compare() {
    local name=$1 pattern=$2
    grep -E "$pattern" "$TMP/ours.dump" | sort >"$TMP/a"
    grep -E "$pattern" "$TMP/ref.dump" | sort >"$TMP/b"
    if [ ! -s "$TMP/a" ]; then
        fail "$name" "nothing matched in our dump"
    elif diff "$TMP/a" "$TMP/b" >"$TMP/d"; then
        pass "$name"
    else
        fail "$name" "$(grep '^[<>]' "$TMP/d" | head -n 4 | tr '\n' ' ')"
    fi
}

if [ ! -f "$REF/wasi_snapshot_preview1.witx" ]; then
    skip "witx_conformance" "no reference witx at $REF"
elif ! "$WITXGEN" --dump "$REF/wasi_snapshot_preview1.witx" >"$TMP/ref.dump" 2>"$TMP/ref.err"; then
    fail "witx_reference_parses" "$(cat "$TMP/ref.err")"
else
    pass "witx_reference_parses"
    n_ours=$(grep -c '^func [^ ]* (' "$TMP/ours.dump")
    n_ref=$(grep -c '^func [^ ]* (' "$TMP/ref.dump")
    if [ "$n_ours" = 46 ] && [ "$n_ref" = 46 ]; then
        pass "witx_46_functions"
    else
        fail "witx_46_functions" "ours has $n_ours, the reference $n_ref"
    fi
    compare "witx_same_function_signatures" '^func [^ ]* \('
    compare "witx_same_function_params" '^func [^ ]* (param|result) '
    compare "witx_same_type_layouts" '^type \$[a-z0-9_]+ = '
    compare "witx_same_fields_and_cases" '^type \$[a-z0-9_]+\.'
    compare "witx_same_module" '^module '
    if diff "$TMP/ours.dump" "$TMP/ref.dump" >/dev/null; then
        pass "witx_same_declaration_order"
    else
        fail "witx_same_declaration_order" "the dumps agree only when sorted"
    fi
    # Our docs are our own words: no doc line may equal a reference one.
    "$WITXGEN" --dump --docs "$OURS" | grep '^;;;' | sort -u >"$TMP/od"
    "$WITXGEN" --dump --docs "$REF/wasi_snapshot_preview1.witx" | grep '^;;;' | sort -u >"$TMP/rd"
    same=$(comm -12 "$TMP/od" "$TMP/rd" | wc -l)
    if [ "$same" -eq 0 ]; then
        pass "witx_docs_own_words"
    else
        fail "witx_docs_own_words" "$same doc lines equal the reference's: $(comm -12 "$TMP/od" "$TMP/rd" | head -n 2 | tr '\n' ' ')"
    fi
fi

# Every errno case has the doc the trace prints.
"$WITXGEN" --dump --docs "$OURS" >"$TMP/docs.dump"
undocumented=$(awk '/^type \$errno\./ { if (prev_case) n++; prev_case = 1; next }
                    /^;;;/ { prev_case = 0; next } { if (prev_case) n++; prev_case = 0 }
                    END { if (prev_case) n++; print n + 0 }' "$TMP/docs.dump")
if [ "$undocumented" = 0 ]; then
    pass "witx_errno_docs"
else
    fail "witx_errno_docs" "$undocumented errno cases without a doc comment"
fi

# The extension adds print_greeting and nothing else.
if "$WITXGEN" --dump "$OURS" witx/ext/greeting.witx >"$TMP/ext.dump" 2>"$TMP/ext.err"; then
    added=$(diff "$TMP/ours.dump" "$TMP/ext.dump" | grep '^>' | sed 's/^> //')
    removed=$(diff "$TMP/ours.dump" "$TMP/ext.dump" | grep -c '^<')
    want='func $wasi_snapshot_preview1.print_greeting () -> (i32)
func $wasi_snapshot_preview1.print_greeting result $error : (expected (error $errno))'
    if [ "$removed" = 0 ] && [ "$added" = "$want" ]; then
        pass "witx_ext_adds_print_greeting"
    else
        fail "witx_ext_adds_print_greeting" "added: $(echo "$added" | tr '\n' ' ') removed $removed"
    fi
else
    fail "witx_ext_adds_print_greeting" "$(cat "$TMP/ext.err")"
fi
# Loading the extension twice, or preview1 twice, changes nothing (each file
# is read once).
if "$WITXGEN" --dump "$OURS" witx/ext/greeting.witx "$OURS" witx/typenames.witx \
        >"$TMP/twice.dump" 2>&1 && diff -q "$TMP/ext.dump" "$TMP/twice.dump" >/dev/null; then
    pass "witx_files_load_once"
else
    fail "witx_files_load_once" "$(head -c 300 "$TMP/twice.dump")"
fi
finish
