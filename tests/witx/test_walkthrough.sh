#!/usr/bin/env bash
# docs/adding-a-wasi-function.md still works: in a scratch copy of the
# repository, write the page's file blocks step by step and check that the
# build fails naming the missing function, then builds, traces and passes
# the page's test, as the page says.
. "$(dirname "$0")/lib.sh"
DOC=docs/adding-a-wasi-function.md

# block MARKER: the fenced block right after the line <!-- MARKER -->
block() {
    awk -v m="<!-- $1 -->" '
        $0 == m { want = 1; next }
        want == 1 && /^```/ { want = 2; next }
        want == 2 && /^```/ { exit }
        want == 2 { print }' "$DOC"
}
files=$(sed -n 's/^<!-- file: \(.*\) -->$/\1/p' "$DOC")
if [ -z "$files" ]; then
    fail walkthrough_blocks "no <!-- file: --> blocks in $DOC"
    finish
fi

tree="$TMP/tree"
mkdir -p "$tree"
if [ -d .git ] && git ls-files >/dev/null 2>&1; then
    git ls-files -co --exclude-standard | tar -cf - -T - 2>/dev/null | tar -xf - -C "$tree"
else
    tar -cf - --exclude=./build . | tar -xf - -C "$tree"
fi
for f in $files; do
    if [ -e "$tree/$f" ]; then
        fail walkthrough_fresh "$f already exists: the example must be new"
        finish
    fi
done
put() { mkdir -p "$(dirname "$tree/$1")" && block "file: $1" > "$tree/$1"; }
# The build in the copy is a plain one, whatever this run's SAN setting.
tmake() { (cd "$tree" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -j2 BUILD=build SAN=0 "$@"); }

# Step 1-2: the witx alone; the link must fail naming the function.
for f in $files; do case "$f" in witx/*) put "$f" ;; esac; done
if tmake > "$TMP/step2.log" 2>&1; then
    fail walkthrough_missing_impl_fails "the build succeeded without the C function"
else
    ok=1
    while IFS= read -r line; do
        grep -qF -- "$line" "$TMP/step2.log" || { ok=0; missing=$line; }
    done < <(block "output: make")
    if [ $ok = 1 ]; then
        pass walkthrough_missing_impl_fails_naming_it
    else
        fail walkthrough_missing_impl_fails_naming_it "build output lacks '$missing': $(tail -5 "$TMP/step2.log")"
    fi
fi
proto=$(grep -A1 'wasi_impl_random_u64' "$tree/build/gen/wasi_impl.h" 2>/dev/null | tr -s ' \n' ' ')
if [ -n "$proto" ] && grep -qF "$(echo "$proto" | cut -c1-60)" "$DOC"; then
    pass walkthrough_prototype_as_documented
else
    fail walkthrough_prototype_as_documented "generated prototype '$proto' is not what the page shows"
fi

# Step 3-4: the C function; the build succeeds.
for f in $files; do case "$f" in src/*) put "$f" ;; esac; done
if tmake > "$TMP/step4.log" 2>&1; then
    pass walkthrough_builds_with_impl
else
    fail walkthrough_builds_with_impl "$(tail -8 "$TMP/step4.log")"
    finish
fi
if grep -qE '\.[ch]:[0-9]+:([0-9]+:)? warning:' "$TMP/step4.log"; then
    fail walkthrough_no_warnings "$(grep -m2 -E '\.[ch]:[0-9]+:([0-9]+:)? warning:' "$TMP/step4.log")"
else
    pass walkthrough_no_warnings
fi

# Step 5: the test; it passes, and the trace looks as documented.
for f in $files; do case "$f" in tests/*) put "$f" ;; esac; done
out=$(cd "$tree" && ONLY=random_u64 WISP="$tree/build/wisp" BUILD=build TMPROOT="$TMP" bash tests/wasi/run.sh 2>&1)
case "$out" in
    "PASS wasi random_u64"*) pass walkthrough_test_passes ;;
    SKIP*) skip walkthrough_test_passes "${out#SKIP }" ;;
    *) fail walkthrough_test_passes "$(echo "$out" | head -8)" ;;
esac
wasm="$tree/build/wasi/random_u64.wasm"
if [ -f "$wasm" ]; then
    WISP_LOG=wasi=trace "$tree/build/wisp" run "$wasm" > /dev/null 2> "$TMP/trace"
    ok=1
    while IFS= read -r line; do
        grep -qF -- "$line" "$TMP/trace" || { ok=0; missing=$line; }
    done < <(block "output: trace")
    if [ $ok = 1 ]; then
        pass walkthrough_trace_as_documented
    else
        fail walkthrough_trace_as_documented "trace lacks '$missing': $(head -4 "$TMP/trace")"
    fi
fi
finish
