#!/usr/bin/env bash
# docs/adding-a-wasi-function.md still works: in a scratch copy of the
# repository, replay the page from top to bottom. Each file block
# (<!-- file: PATH -->) is written to PATH; each command block
# (<!-- run: NAME -->, or <!-- run: NAME (fails) --> for one that must fail)
# is run as written, in the copy's top directory, and every line of the
# page's <!-- output: NAME --> block must appear in what it printed. The
# page ends with `make test` in the copy: adding a function as the page
# shows must leave every test green (test_codegen.sh and test_glue.sh
# included, which read the witx rather than a fixed list).
# By default that last `make test` runs every witx test in the copy (the
# tests an added function can break: code generation, glue, conformance,
# errors); WALKTHROUGH_FULL=1 runs the copy's whole `make test` (about six
# minutes more, too long for every CI run).
. "$(dirname "$0")/lib.sh"
DOC=docs/adding-a-wasi-function.md

# Inside the copy's own `make test`: do not replay the page again.
if [ -n "${WISP_WALKTHROUGH_COPY:-}" ]; then
    skip walkthrough "this is the walk-through's scratch copy; the outer run replays the page"
    finish
fi

# block MARKER: the fenced block right after the line <!-- MARKER -->
block() {
    awk -v m="<!-- $1 -->" '
        $0 == m { want = 1; next }
        want == 1 && /^```/ { want = 2; next }
        want == 2 && /^```/ { exit }
        want == 2 { print }' "$DOC"
}
# The page's steps in order: "file PATH" or "run MARKER-TEXT".
steps=$(sed -n -e 's/^<!-- file: \(.*\) -->$/file \1/p' -e 's/^<!-- run: \(.*\) -->$/run \1/p' "$DOC")
files=$(echo "$steps" | sed -n 's/^file //p')
if [ -z "$files" ] || ! echo "$steps" | grep -q '^run '; then
    fail walkthrough_blocks "no <!-- file: --> or <!-- run: --> blocks in $DOC"
    finish
fi
# The function the page adds, from its witx block.
func=$(for f in $files; do case "$f" in witx/*) block "file: $f" ;; esac; done |
    sed -n 's/.*(export "\([a-z0-9_]*\)").*/\1/p' | head -1)
[ -n "$func" ] || { fail walkthrough_blocks "no (export \"NAME\") in the page's witx block"; finish; }

tree="$TMP/tree"
mkdir -p "$tree"
if [ -d .git ] && git ls-files >/dev/null 2>&1; then
    git ls-files -co --exclude-standard | tar -cf - -T - 2>/dev/null | tar -xf - -C "$tree"
else
    tar -cf - --exclude=./build . | tar -xf - -C "$tree"
fi
# The copy sits elsewhere: point it at the spec suite this run uses.
spec=${WISP_SPEC_DIR:-$PWD/../shared/spec/testsuite}
for f in $files; do
    if [ -e "$tree/$f" ]; then
        fail walkthrough_fresh "$f already exists: the example must be new"
        finish
    fi
done

put() { mkdir -p "$(dirname "$tree/$1")" && block "file: $1" > "$tree/$1"; }

# The commands run as a user would type them: defaults only, whatever this
# run's BUILD, SAN, CC or WISP (a plain build in the copy's build/).
replay() { # replay NAME: runs the block, output in $TMP/run.NAME, sets rc
    (cd "$tree" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD -u SAN -u CC -u WISP \
        -u TMPROOT WISP_SPEC_DIR="$spec" WISP_WALKTHROUGH_COPY=1 MAKEFLAGS=-j2 \
        bash -e -c "$1") > "$TMP/run.$2" 2>&1
    rc=$?
}
expect_output() { # expect_output NAME: every line of <!-- output: NAME --> was printed
    local line missing="" n=0
    while IFS= read -r line; do
        n=$((n + 1))
        grep -qF -- "$line" "$TMP/run.$1" || { missing=$line; break; }
    done < <(block "output: $1")
    if [ -z "$missing" ]; then
        pass "walkthrough_${1}_output_as_documented"
    else
        fail "walkthrough_${1}_output_as_documented" "no line '$missing' in: $(tail -5 "$TMP/run.$1")"
    fi
}

prototype_checked=0
while read -r kind arg; do
    case "$kind" in
    file)
        put "$arg" ;;
    run)
        name=${arg%% *}
        cmds=$(block "run: $arg")
        if [ "$name" = make-test ] && [ -z "${WALKTHROUGH_FULL:-}" ]; then
            cmds='ok=0; for t in tests/witx/test_*.sh; do bash "$t" || ok=1; done; exit $ok'
        fi
        replay "$cmds" "$name"
        case "$arg" in
        *"(fails)")
            if [ "$rc" = 0 ]; then
                fail "walkthrough_${name}_fails" "'$cmds' succeeded; the page says it fails"
            else
                pass "walkthrough_${name}_fails"
            fi ;;
        *)
            if [ "$rc" = 0 ]; then
                pass "walkthrough_${name}_succeeds"
            else
                fail "walkthrough_${name}_succeeds" "'$cmds' exited $rc: $(grep -E '^FAIL|rror' "$TMP/run.$name" | head -5) $(tail -3 "$TMP/run.$name")"
            fi ;;
        esac
        if grep -qE '\.[ch]:[0-9]+:([0-9]+:)? warning:' "$TMP/run.$name"; then
            fail "walkthrough_${name}_no_warnings" "$(grep -m2 -E '\.[ch]:[0-9]+:([0-9]+:)? warning:' "$TMP/run.$name")"
        fi
        [ -n "$(block "output: $name")" ] && expect_output "$name"
        # After the first build: the generated prototype is the one the page shows.
        if [ $prototype_checked = 0 ] && [ -f "$tree/build/gen/wasi_impl.h" ]; then
            prototype_checked=1
            proto=$(grep -A1 "wasi_impl_$func(" "$tree/build/gen/wasi_impl.h" | tr -s ' \n' ' ')
            if [ -n "$proto" ] && grep -qF "$(echo "$proto" | cut -c1-60)" "$DOC" &&
                    grep -qF "$(echo "$proto" | sed 's/^.*guest_memory \*mem, //; s/ *$//' | cut -c1-60)" "$DOC"; then
                pass walkthrough_prototype_as_documented
            else
                fail walkthrough_prototype_as_documented "generated prototype '$proto' is not what the page shows"
            fi
        fi
        case "$name" in
        make-test)
            # The full run must end with "N passed, 0 failed, N skipped";
            # the witx tests' own PASS/FAIL lines are in its log.
            last=$(tail -n 1 "$TMP/run.$name")
            if [ -z "${WALKTHROUGH_FULL:-}" ]; then
                if [ "$rc" = 0 ] && ! grep -q '^FAIL' "$TMP/run.$name" && [ "$(grep -c '^PASS' "$TMP/run.$name")" -gt 0 ]; then
                    pass walkthrough_witx_tests_in_copy
                else
                    fail walkthrough_witx_tests_in_copy "$(grep -E '^FAIL' "$TMP/run.$name" | head -8)"
                fi
            elif [[ "$last" =~ ^[0-9]+\ passed,\ 0\ failed, ]]; then
                pass walkthrough_make_test_in_copy
            else
                fail walkthrough_make_test_in_copy "$(grep -E '^FAIL' "$TMP/run.$name" | head -8) last: $last"
            fi ;;
        esac ;;
    esac
done <<<"$steps"
[ $prototype_checked = 1 ] || fail walkthrough_prototype_as_documented "no build/gen/wasi_impl.h in the copy"
finish
