#!/usr/bin/env bash
# Embedding as a user would do it: `make install` into a temporary root, then
# build examples/embed.c with nothing but the installed files, run it, and
# check what it prints. Then the same through pkg-config, against the shared
# library and against the static one, and `make uninstall`.
set -u
cd "$(dirname "$0")/../.."
. tests/cli/lib.sh
[ -z "${TMPROOT:-}" ] && trap 'rm -rf "$T"' EXIT
CC=${CC:-cc}
SAN=${SAN:-0}
BUILD=${BUILD:-build}
sanflags=""; [ "$SAN" = 1 ] && sanflags="-fsanitize=address,undefined -fno-omit-frame-pointer"
# The make that builds and installs; the build directory is this run's.
imake() { make --no-print-directory BUILD="$BUILD" SAN="$SAN" "$@"; }
version=$(sed -n 's/^#define WISP_VERSION "\([^"]*\)".*/\1/p' include/wisp.h)
major=${version%%.*}

# check_embed_output NAME: what examples/embed.c prints ($out, $rc from run).
check_embed_output() {
  local v=$1
  check "$v: embed exits 0" test "$rc" = 0
  [ "$rc" = 0 ] || { echo "$out" | head -20; echo "$err" | head -5; }
  check "$v: embed calls an export and prints the result" test -n "$(echo "$out" | grep -Fx 'fact(10) = 3628800')"
  check "$v: the guest reads memory through a host function" test -n "$(echo "$out" | grep -Fx 'print: hello from wasm')"
  check "$v: the host function is called from wasm with its arguments" \
    test "$(echo "$out" | grep '^log_i32: ' | tr '\n' ' ')" = "log_i32: 1 log_i32: 2 log_i32: 6 log_i32: 24 log_i32: 120 "
  check "$v: the host function's env is passed through" test -n "$(echo "$out" | grep -Fx 'the host function was called 5 times')"
  check "$v: a trap's message" test -n "$(echo "$out" | grep -Fx 'average(10, 0) trapped: integer divide by zero')"
  check "$v: the trap's backtrace, innermost first, with names" \
    test "$(echo "$out" | grep '^  [0-9]' | tr '\n' '|')" = '  0: $divide (func 4)|  1: $average (func 5)|'
}

# Every file and link under $1, relative to it, one a line, sorted.
files_under() { (cd "$1" && find . \( -type f -o -type l \) | sed 's|^\./||' | LC_ALL=C sort); }

# ---- make install DESTDIR=... PREFIX=/usr (staging, as a package build does)
root="$T/root"
run imake install DESTDIR="$root" PREFIX=/usr
check "make install DESTDIR=... PREFIX=/usr succeeds" test "$rc" = 0
[ "$rc" = 0 ] || echo "$err" | tail -5
# The complete list: a new installed file must be added here (and to the
# Makefile's INSTALLED, which uninstall removes).
want=$(printf '%s\n' usr/bin/wisp usr/include/wasm.h usr/include/wisp.h usr/lib/libwisp.a usr/lib/libwisp.so \
  "usr/lib/libwisp.so.$major" "usr/lib/libwisp.so.$version" usr/lib/pkgconfig/wisp.pc \
  $( [ -f "$BUILD/libwisp-llvm.so" ] && echo usr/lib/wisp/libwisp-llvm.so ) | LC_ALL=C sort)
got=$(files_under "$root")
check "install puts exactly the headers, libwisp.a, libwisp.so*, wisp.pc and wisp under DESTDIR/PREFIX" \
  test "$got" = "$want"
[ "$got" = "$want" ] || diff <(echo "$want") <(echo "$got") | sed 's/^/  /'
run "$root/usr/bin/wisp" --version
check "the installed tool runs" test "$rc" = 0
if [ -f "$BUILD/libwisp-llvm.so" ]; then
  run env -u WISP_LLVM_PLUGIN "$root/usr/bin/wisp" --version
  check "the installed tool finds the installed compiled tier (../lib/wisp/)" \
    test -n "$(echo "$out" | grep -F 'compiled tier: LLVM')"
fi
lib="$root/usr/lib"
check "libwisp.so -> libwisp.so.$major -> libwisp.so.$version (WISP_VERSION)" \
  test "$(readlink "$lib/libwisp.so")" = "libwisp.so.$major" -a \
       "$(readlink "$lib/libwisp.so.$major")" = "libwisp.so.$version" -a \
       -f "$lib/libwisp.so.$version" -a ! -L "$lib/libwisp.so.$version"
check "the shared library's soname is libwisp.so.$major" \
  test -n "$(readelf -d "$lib/libwisp.so.$version" | grep -F "Library soname: [libwisp.so.$major]")"
check "the staged wisp.pc names the final prefix, not DESTDIR" \
  test -n "$(grep -Fx 'prefix=/usr' "$lib/pkgconfig/wisp.pc")" -a -z "$(grep -F "$root" "$lib/pkgconfig/wisp.pc")"

# Only the public API is exported: every dynamic symbol the library defines
# is wisp_* or wasm_*, and every function wisp.h declares is among them.
exported=$(nm -D --defined-only "$lib/libwisp.so.$version" | awk 'NF == 3 { print $3 }' | LC_ALL=C sort -u)
others=$(echo "$exported" | grep -vE '^(wisp|wasm)_' || true)
check "libwisp.so exports no symbol outside wisp_*/wasm_* (nm -D --defined-only)" \
  test -n "$exported" -a -z "$others"
[ -z "$others" ] || echo "$others" | head -10 | sed 's/^/  exported: /'
# (static inline helpers of wasm.h, such as wasm_functype_new_1_1, are
# the program's own and not looked for)
for h in wisp.h wasm.h; do
  pp=$($CC -E -P -I"$root/usr/include" -x c - <<<"#include <$h>" 2>/dev/null)
  inline=$(echo "$pp" | grep 'static inline' | grep -oE '\b(wisp|wasm)_[a-z0-9_]+ *\(' | tr -d ' (' | LC_ALL=C sort -u)
  declared=$(echo "$pp" | grep -oE '\b(wisp|wasm)_[a-z0-9_]+ *\(' | tr -d ' (' | LC_ALL=C sort -u |
    LC_ALL=C comm -23 - <(echo "$inline"))
  missing=$(LC_ALL=C comm -23 <(echo "$declared") <(echo "$exported"))
  check "libwisp.so exports every function $h declares" test -n "$declared" -a -z "$missing"
  [ -z "$missing" ] || echo "$missing" | head -10 | sed 's/^/  not exported: /'
done

# Strict C99 and -pedantic: the public header must not need GNU C.
run $CC -std=c99 -pedantic -Wall -Wextra $sanflags -I"$root/usr/include" examples/embed.c \
  "$root/usr/lib/libwisp.a" -lm -pthread -o "$T/embed"
check "examples/embed.c builds against the installed library without warnings" test "$rc" = 0 -a -z "$err"
[ "$rc" = 0 ] || echo "$err" | head -5
run timeout 120 "$T/embed"
check_embed_output "libwisp.a"

# ---- make install PREFIX=dir (no DESTDIR), and the compiler line of the README.
prefix="$T/prefix"
run imake install PREFIX="$prefix"
check "make install PREFIX=dir succeeds" test "$rc" = 0 -a -f "$prefix/include/wisp.h" -a -f "$prefix/lib/libwisp.a"
cp examples/embed.c "$T/embed.c"
run bash -c "cd '$T' && $CC $sanflags -I'$prefix/include' embed.c '$prefix/lib/libwisp.a' -lm -pthread -o embed2 && timeout 120 ./embed2"
check "embed.c builds and runs from another directory against PREFIX" test "$rc" = 0 -a -n "$(echo "$out" | grep -Fx 'fact(10) = 3628800')"

# ---- pkg-config against the installed copy: shared, then static.
if ! command -v pkg-config >/dev/null 2>&1; then
  echo "SKIP pkg-config builds: pkg-config is not installed (tests/deps.sh installs it on Debian)"
else
  # Only the installed wisp.pc, never one of the system's.
  export PKG_CONFIG_PATH="$prefix/lib/pkgconfig" PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig"
  run pkg-config --modversion wisp
  check "pkg-config finds wisp $version" test "$rc" = 0 -a "$out" = "$version"
  # (words compared: pkgconf ends its output with a space)
  run pkg-config --cflags --libs wisp
  out=$(echo $out)
  check "pkg-config --cflags --libs wisp: -I, -L and -lwisp under PREFIX, nothing private" \
    test "$out" = "-I$prefix/include -L$prefix/lib -lwisp"
  [ "$out" = "-I$prefix/include -L$prefix/lib -lwisp" ] || echo "  got: $out"
  run pkg-config --static --libs wisp
  out=$(echo $out)
  check "pkg-config --static --libs wisp adds -lm -pthread" test "$out" = "-L$prefix/lib -lwisp -lm -pthread"
  [ "$out" = "-L$prefix/lib -lwisp -lm -pthread" ] || echo "  got: $out"

  # Shared: the program needs libwisp.so.N and the loader finds it under PREFIX.
  run bash -c "cd '$T' && $CC -std=c99 -pedantic -Wall -Wextra $sanflags embed.c \$(pkg-config --cflags --libs wisp) -o embed_shared"
  check "pkg-config: embed.c builds against libwisp.so without warnings" test "$rc" = 0 -a -z "$err"
  [ "$rc" = 0 ] || echo "$err" | head -5
  check "pkg-config: the shared build needs libwisp.so.$major (readelf -d)" \
    test -n "$(readelf -d "$T/embed_shared" 2>/dev/null | grep -F "Shared library: [libwisp.so.$major]")"
  check "pkg-config: the shared build does not contain the library" \
    test -z "$(nm "$T/embed_shared" 2>/dev/null | grep -E ' T wisp_engine_new$')"
  run env LD_LIBRARY_PATH="$prefix/lib" ldd "$T/embed_shared"
  check "pkg-config: ldd resolves libwisp.so.$major to the installed copy" \
    test -n "$(echo "$out" | grep -F "libwisp.so.$major => $prefix/lib/libwisp.so.$major")"
  [ "$rc" = 0 ] || echo "$out$err" | head -5
  run env LD_LIBRARY_PATH="$prefix/lib" timeout 120 "$T/embed_shared"
  check_embed_output "libwisp.so via pkg-config"

  # Static: the same flags with --static, libwisp.a picked by -Bstatic.
  run bash -c "cd '$T' && libs=\$(pkg-config --static --libs wisp) &&
    $CC -std=c99 -pedantic -Wall -Wextra $sanflags embed.c \$(pkg-config --cflags wisp) \${libs/-lwisp/-Wl,-Bstatic -lwisp -Wl,-Bdynamic} -o embed_static"
  check "pkg-config --static: embed.c builds against libwisp.a without warnings" test "$rc" = 0 -a -z "$err"
  [ "$rc" = 0 ] || echo "$err" | head -5
  check "pkg-config --static: the program does not need libwisp.so" \
    test -f "$T/embed_static" -a -z "$(readelf -d "$T/embed_static" 2>/dev/null | grep -F libwisp)"
  run env -u LD_LIBRARY_PATH timeout 120 "$T/embed_static"
  check_embed_output "libwisp.a via pkg-config --static"

  # A program written against the standard wasm.h, shared and static.
  cp examples/wasm_c_api.c "$T/wasm_c_api.c"
  run "$root/usr/bin/wisp" wat2wasm examples/wasm_c_api.wat -o "$T/wasm_c_api.wasm"
  check "the wasm.h example's guest converts to binary" test "$rc" = 0
  for link in shared static; do
    if [ $link = shared ]; then libs=$(pkg-config --libs wisp)
    else libs=$(pkg-config --static --libs wisp); libs=${libs/-lwisp/-Wl,-Bstatic -lwisp -Wl,-Bdynamic}; fi
    run bash -c "cd '$T' && $CC -std=c99 -pedantic -Wall -Wextra $sanflags wasm_c_api.c \$(pkg-config --cflags wisp) $libs -o wasm_c_api_$link"
    check "pkg-config ($link): examples/wasm_c_api.c builds against the installed wasm.h without warnings" \
      test "$rc" = 0 -a -z "$err"
    [ "$rc" = 0 ] || echo "$err" | head -5
    run env LD_LIBRARY_PATH="$prefix/lib" timeout 120 "$T/wasm_c_api_$link" "$T/wasm_c_api.wasm"
    check "pkg-config ($link): the wasm.h program runs: exports, host functions with env, memory" \
      test "$rc" = 0 -a "$(echo "$out" | head -8 | tr '\n' '|')" = \
      'fact(10) = 3628800|print: hello from wasm|log_i32: 1|log_i32: 2|log_i32: 6|log_i32: 24|log_i32: 120|the host function was called 5 times|'
    check "pkg-config ($link): the wasm.h program's trap, message and frames" \
      test "$(echo "$out" | tail -3 | tr '\n' '|')" = \
      'average(10, 0) trapped: integer divide by zero|  0: func 4, byte 0xb4 of the module|  1: func 5, byte 0xbc of the module|'
    [ "$rc" = 0 ] || echo "$out$err" | head -5
  done
  unset PKG_CONFIG_PATH PKG_CONFIG_LIBDIR
fi

# ---- make uninstall removes exactly what install put there.
touch "$prefix/lib/other.so" "$prefix/include/other.h"
run imake uninstall PREFIX="$prefix"
check "make uninstall PREFIX=dir succeeds" test "$rc" = 0
left=$(files_under "$prefix")
check "make uninstall PREFIX=dir removes every installed file and link, and nothing else" \
  test "$left" = "$(printf '%s\n' include/other.h lib/other.so)"
[ "$left" = "$(printf '%s\n' include/other.h lib/other.so)" ] || echo "$left" | sed 's/^/  left: /'
run imake uninstall DESTDIR="$root" PREFIX=/usr
check "make uninstall DESTDIR=... PREFIX=/usr leaves no file under DESTDIR" test "$rc" = 0 -a -z "$(files_under "$root")"
