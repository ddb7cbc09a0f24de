#!/usr/bin/env bash
# The generated C: written by the make fragment, deterministic, free of
# warnings with gcc and clang at -Wall -Wextra, links with a full set of
# implementations, and fails to link, naming the function, when one
# implementation is missing (the generator emits no default bodies).
. "$(dirname "$0")/lib.sh"
need_witxgen

if witx_make witx-gen >"$TMP/make.log" 2>&1 && [ -f "$BUILD/gen/wasi_glue.c" ] &&
        [ -f "$BUILD/gen/wasi_types.h" ] && [ -f "$BUILD/gen/wasi_impl.h" ]; then
    pass "witx_gen_via_make"
else
    fail "witx_gen_via_make" "$(head -c 400 "$TMP/make.log")"
fi

G=$TMP/gen
S=$TMP/support
if generate_into "$G" 2>"$TMP/gen.err" && generate_test_support "$S" 2>>"$TMP/gen.err"; then
    pass "witx_generate"
else
    fail "witx_generate" "$(cat "$TMP/gen.err")"
    finish
fi
generate_into "$TMP/gen2" 2>/dev/null
if diff -r "$G" "$TMP/gen2" >/dev/null; then
    pass "witx_generate_deterministic"
else
    fail "witx_generate_deterministic" "two runs differ"
fi

# No default implementation anywhere in the generated code: wasi_impl_*
# appears only as prototypes (headers) and calls (indented, in the glue).
# One prototype per function the witx declares (counted from witxgen --dump).
nfuncs=$(witx_functions | wc -l)
defs=$(grep -hE '^[A-Za-z_][A-Za-z0-9_ ]*[ *]wasi_impl_[a-z0-9_]+\(' "$G"/*.c | wc -l)
protos=$(grep -cE '^[a-z_]+ wasi_impl_[a-z0-9_]+\(' "$G/wasi_impl.h")
if [ "$defs" = 0 ] && [ "$nfuncs" -gt 0 ] && [ "$protos" = "$nfuncs" ]; then
    pass "witx_prototypes_without_bodies"
else
    fail "witx_prototypes_without_bodies" "$defs definitions in generated .c, $protos prototypes (want 0 and $nfuncs, the witx's functions)"
fi
stubs=$(grep -cE '^[a-z_]+ wasi_impl_[a-z0-9_]+\(' "$S/wasi_stubs.c")
if [ "$stubs" = "$nfuncs" ]; then
    pass "witx_stubs_one_per_function"
else
    fail "witx_stubs_one_per_function" "$stubs stubs for $nfuncs witx functions"
fi

cat >"$TMP/all_headers.c" <<'C'
/* Every generated header in one unit, each twice (include guards). */
#include "wasi_types.h"
#include "wasi_impl.h"
#include "wasi_glue.h"
#include "wasi_trace.h"
#include "wasi_types.h"
#include "wasi_impl.h"
#include "wasi_glue.h"
#include "wasi_trace.h"
int main(void) { return wasi_import_table[0].glue == 0; }
C
cat >"$TMP/main.c" <<'C'
#include "wasi_glue.h"
int main(void) { return wasi_import_find("wasi_snapshot_preview1", "fd_write") == 0; }
C

INC="-Iinclude -Isrc -I$G -I$S -Itests/witx"
for cc in gcc clang; do
    if ! command -v "$cc" >/dev/null 2>&1; then
        skip "witx_gen_warning_free_$cc" "$cc not installed"
        continue
    fi
    : >"$TMP/warn.$cc"
    ok=1
    for src in "$G/wasi_glue.c" "$G/wasi_trace.c" "$TMP/all_headers.c" tests/witx/stub_impl.c \
               "$S/wasi_stubs.c" tests/witx/glue_test.c; do
        for opt in -O0 -O2; do
            "$cc" -std=gnu11 $opt -Wall -Wextra $INC -c "$src" -o "$TMP/x.o" 2>>"$TMP/warn.$cc" || ok=0
        done
    done
    if [ "$ok" = 1 ] && [ ! -s "$TMP/warn.$cc" ]; then
        pass "witx_gen_warning_free_$cc"
    else
        fail "witx_gen_warning_free_$cc" "$(head -c 600 "$TMP/warn.$cc")"
    fi
done

# Generator paths preview1 does not use (floats, chars, variants, tuples...).
F=$TMP/feat
if "$WITXGEN" --out "$(mkdir -p "$F" && echo "$F")" --stubs "$F/wasi_stubs.c" tests/witx/features.witx \
        2>"$TMP/feat.err"; then
    for cc in gcc clang; do
        command -v "$cc" >/dev/null 2>&1 || continue
        : >"$TMP/fwarn.$cc"
        ok=1
        for src in "$F/wasi_glue.c" "$F/wasi_trace.c" "$F/wasi_stubs.c"; do
            "$cc" -std=gnu11 -O2 -Wall -Wextra -Iinclude -Isrc -I"$F" -c "$src" -o "$TMP/x.o" \
                2>>"$TMP/fwarn.$cc" || ok=0
        done
        if [ "$ok" = 1 ] && [ ! -s "$TMP/fwarn.$cc" ]; then
            pass "witx_features_warning_free_$cc"
        else
            fail "witx_features_warning_free_$cc" "$(head -c 600 "$TMP/fwarn.$cc")"
        fi
    done
else
    fail "witx_features_generate" "$(cat "$TMP/feat.err")"
fi

objs=""
for src in "$G/wasi_glue.c" "$G/wasi_trace.c" src/base/common.c; do
    o=$TMP/$(basename "$src" .c).o
    "$CC" -std=gnu11 -O2 $INC -c "$src" -o "$o" && objs="$objs $o"
done
# Linked with the test implementations and the generated stubs, every
# function has a body; leave one stub out and the link names it.
if "$CC" -std=gnu11 -O2 $INC "$TMP/main.c" tests/witx/stub_impl.c "$S/wasi_stubs.c" $objs \
        -o "$TMP/linked" 2>"$TMP/link.log"; then
    pass "witx_links_with_every_impl"
else
    fail "witx_links_with_every_impl" "$(head -c 400 "$TMP/link.log")"
fi
if "$CC" -std=gnu11 -O2 $INC -DWASI_STUB_OMIT_SCHED_YIELD "$TMP/main.c" tests/witx/stub_impl.c \
        "$S/wasi_stubs.c" $objs -o "$TMP/unlinked" 2>"$TMP/link.log"; then
    fail "witx_missing_impl_is_link_error" "linked without wasi_impl_sched_yield"
elif grep -q "wasi_impl_sched_yield" "$TMP/link.log"; then
    pass "witx_missing_impl_is_link_error"
else
    fail "witx_missing_impl_is_link_error" "the error does not name it: $(head -c 300 "$TMP/link.log")"
fi
finish
