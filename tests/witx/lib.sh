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

# Generates the project's WASI sources into $1.
generate_into() {
    mkdir -p "$1"
    "$WITXGEN" --out "$1" witx/wasi_snapshot_preview1.witx witx/ext/*.witx
}
