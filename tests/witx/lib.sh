# Shared by tests/witx/*.sh: result lines in the runner's format, the repo
# root as working directory, a scratch directory, and building witxgen.
# Env: BUILD (build dir, default build), CC (default cc).
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
CC=${CC:-cc}
failed=0

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; failed=1; }
skip() { echo "SKIP $1: $2"; }
finish() { exit "$failed"; }

TMP=$(mktemp -d "${TMPROOT:-${TMPDIR:-/tmp}}/wisp-witx.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT

# make through the top Makefile once it includes the fragment, else through
# the fragment alone.
witx_make() {
    if grep -q 'tools/witxgen/witxgen.mk' Makefile 2>/dev/null; then
        make -s BUILD="$BUILD" "$@"
    else
        make -s -f tools/witxgen/witxgen.mk BUILD="$BUILD" CC="$CC" "$@"
    fi
}

# Builds $BUILD/witxgen; on failure reports it and stops the script.
need_witxgen() {
    if ! witx_make "$BUILD/witxgen" >"$TMP/make.log" 2>&1; then
        fail "build_witxgen" "$(head -c 400 "$TMP/make.log")"
        finish
    fi
    WITXGEN=$BUILD/witxgen
}

# The project's witx files: preview1 and every extension.
witx_files() { echo witx/wasi_snapshot_preview1.witx witx/ext/*.witx; }

# Generates the project's WASI sources into $1.
generate_into() {
    mkdir -p "$1"
    "$WITXGEN" --out "$1" $(witx_files)
}

# One line "MODULE NAME (PARAMS) -> (RESULTS)" per function the witx
# declares, read from the parser's dump, not from the generated C.
witx_functions() {
    "$WITXGEN" --dump $(witx_files) |
        sed -n 's/^func \$\([^ .]*\)\.\([^ ]*\) \((.*) -> ([^)]*)\).*/\1 \2 \3/p'
}

# What the C tests need to know about the witx, written into $1, so that a
# function added to witx/ext/ needs no edit under tests/witx/:
#   wasi_stubs.c     a weak stub of every wasi_impl_* (witxgen --stubs); the
#                    implementations in stub_impl.c replace theirs;
#   witx_funcs.inc   {"module", "name", "signature"}, per witx function.
generate_test_support() {
    mkdir -p "$1"
    "$WITXGEN" --stubs "$1/wasi_stubs.c" $(witx_files) || return 1
    witx_functions | while read -r module name sig; do
        printf '{"%s", "%s", "%s"},\n' "$module" "$name" "$sig"
    done > "$1/witx_funcs.inc"
    [ -s "$1/witx_funcs.inc" ]
}
