#!/usr/bin/env bash
# wasm.h, the standard WebAssembly C API, as other runtimes' embedders use
# it: the header compiles alone (C99 -pedantic, C++) with no warnings; each
# tests/capi/*.c program (and cxx.cc, as C++) is built against libwisp.a
# (callback.c also against libwisp.so), run on modules translated from the
# .wat files here, and must print exactly the lines below; and every
# function wasm.h declares is called by some program here.
# Environment: BUILD (default build), CC (default cc), CXX (default c++),
# SAN (1: build the programs with ASan and UBSan), WISP (default
# $BUILD/wisp).
set -u
cd "$(dirname "$0")/../.."
. tests/cli/lib.sh
[ -z "${TMPROOT:-}" ] && trap 'rm -rf "$T"' EXIT
BUILD=${BUILD:-build}
CC=${CC:-cc}
CXX=${CXX:-c++}
SAN=${SAN:-0}
WISP=${WISP:-$BUILD/wisp}
D=tests/capi
sanflags=""; [ "$SAN" = 1 ] && sanflags="-fsanitize=address,undefined -fno-omit-frame-pointer"
cflags="-std=c99 -Wall -Wextra -Werror -pedantic -Iinclude $sanflags"
cxxflags="-std=c++20 -Wall -Wextra -Werror -Iinclude $sanflags"
libs="$BUILD/libwisp.a -lm -pthread"
# Programs linked with libwisp.a find the compiled tier's plugin here.
[ -z "${WISP_LLVM_PLUGIN:-}" ] && [ -f "$BUILD/libwisp-llvm.so" ] && export WISP_LLVM_PLUGIN="$PWD/$BUILD/libwisp-llvm.so"
# The code cache stays out of the user's home.
export XDG_CACHE_HOME="${XDG_CACHE_HOME:-$T/cache}"

# ---- The header alone
run $CC -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only -Iinclude -x c - <<<'#include <wasm.h>'
check "wasm.h compiles alone as C99 -pedantic -Wall -Wextra with no warnings" test "$rc" = 0 -a -z "$err"
[ -z "$err" ] || echo "$err" | head -5
run $CC -std=c11 -pedantic -Wall -Wextra -Werror -fsyntax-only -Iinclude -x c - <<<$'#include <wasm.h>\n#include <wisp.h>\n#include <wasm.h>'
check "wasm.h compiles with wisp.h, and twice, as C11 -pedantic with no warnings" test "$rc" = 0 -a -z "$err"
[ -z "$err" ] || echo "$err" | head -5
have_cxx=1
command -v "$CXX" >/dev/null 2>&1 || have_cxx=0
if [ $have_cxx = 1 ]; then
  run $CXX -std=c++20 -pedantic -Wall -Wextra -Werror -fsyntax-only -Iinclude -x c++ - <<<'#include <wasm.h>'
  check "wasm.h compiles alone as C++20 -pedantic -Wall -Wextra with no warnings" test "$rc" = 0 -a -z "$err"
  [ -z "$err" ] || echo "$err" | head -5
  run $CXX -std=c++11 -pedantic -Wall -Wextra -Werror -fsyntax-only -Iinclude -x c++ - <<<$'#include <wasm.h>\n#include <wisp.h>'
  check "wasm.h compiles with wisp.h as C++11 -pedantic with no warnings" test "$rc" = 0 -a -z "$err"
  [ -z "$err" ] || echo "$err" | head -5
else
  echo "SKIP wasm.h as C++: no C++ compiler ($CXX; tests/deps.sh installs g++ on Debian)"
fi
run $CC -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only -Iinclude -x c - <<<$'#include <wasm.h>\n#ifdef own\n#error own is left defined\n#endif\nint own = 1;'
check "wasm.h leaves no \`own' macro behind (programs define their own)" test "$rc" = 0 -a -z "$err"

# ---- Every function wasm.h declares is used by a program here.
# Declared: what the preprocessed header declares or defines (the
# WISP_WASM_* macros expanded), wasm_* and wisp_wasm_*, without the
# header's internal helpers (a trailing _). Used: identifiers in the
# programs, without comments and string literals, the wasm_name_* macros
# counting for the wasm_byte_vec_* functions they stand for.
declared=$($CC -E -P -Iinclude -x c - <<<'#include <wasm.h>' 2>/dev/null |
  grep -oE '\b(wasm|wisp_wasm)_[a-z0-9_]+ *\(' | tr -d ' (' | grep -v '_$' | LC_ALL=C sort -u)
check "the functions wasm.h declares are found (more than 300)" test "$(echo "$declared" | grep -c .)" -gt 300
used=$(for f in $D/*.c $D/*.cc $D/*.h; do $CC -fpreprocessed -dD -E -P -x c "$f" 2>/dev/null || cat "$f"; done |
  sed -E 's/"([^"\\]|\\.)*"/""/g' | grep -oE '\b(wasm|wisp_wasm)_[a-z0-9_]+\b' | LC_ALL=C sort -u)
aliases=$(sed -nE 's/^#define (wasm_name[a-z_]*) (wasm_byte_vec[a-z_]*).*/\1 \2/p' include/wasm.h)
used=$( { echo "$used"; echo "$aliases" | while read -r a b; do echo "$used" | grep -qx "$a" && echo "$b"; done; } | LC_ALL=C sort -u)
missing=$(LC_ALL=C comm -23 <(echo "$declared") <(echo "$used"))
check "every function wasm.h declares is called by a tests/capi program" test -n "$declared" -a -z "$missing"
[ -z "$missing" ] || echo "$missing" | sed 's/^/  not called: /'

# Every function wasm.h declares that is not defined in the header itself
# is exported by libwisp.so.
inline_defined=$($CC -E -P -Iinclude -x c - <<<'#include <wasm.h>' 2>/dev/null | tr '\n' ' ' |
  grep -oE 'static inline [^;{()]*\b(wasm|wisp_wasm)_[a-z0-9_]+ *\(' | grep -oE '\b(wasm|wisp_wasm)_[a-z0-9_]+ *\($' |
  tr -d ' (' | LC_ALL=C sort -u)
external=$(LC_ALL=C comm -23 <(echo "$declared") <(echo "$inline_defined"))
exported=$(nm -D --defined-only "$BUILD/libwisp.so" 2>/dev/null | awk 'NF == 3 { print $3 }' | LC_ALL=C sort -u)
unexported=$(LC_ALL=C comm -23 <(echo "$external") <(echo "$exported"))
check "libwisp.so exports every function wasm.h declares ($(echo "$external" | grep -c .) of them)" \
  test -n "$exported" -a -z "$unexported"
[ -z "$unexported" ] || echo "$unexported" | head -20 | sed 's/^/  not exported: /'

# ---- The modules
wat_ok=1
for w in $D/*.wat; do
  run "$WISP" wat2wasm "$w" -o "$T/$(basename "$w" .wat).wasm"
  [ "$rc" = 0 ] || { wat_ok=0; echo "  $w: $err" | head -3; }
done
check "the .wat modules translate with wisp wat2wasm" test "$wat_ok" = 1

# ---- The programs
# build NAME [compiler flags...]: $T/NAME from $D/NAME.c against libwisp.a.
build() {
  local name=$1; shift
  run $CC $cflags "$@" "$D/$name.c" $libs -o "$T/$name"
  check "$name.c builds with -std=c99 -pedantic -Wall -Wextra -Werror against libwisp.a" test "$rc" = 0 -a -z "$err"
  [ "$rc" = 0 -a -z "$err" ] || echo "$err" | grep -v '^\s*$' | head -8 | sed 's/^/  /'
}

# expect NAME CMD...: run CMD; stdin holds the lines it must print,
# exactly: each is checked, then the whole in order.
expect() {
  local name=$1; shift
  local want line
  want=$(cat)
  if ! command -v "$1" >/dev/null; then
    echo "FAIL $name: not built"
    return
  fi
  run timeout 300 "$@"
  check "$name exits 0 with nothing on standard error" test "$rc" = 0 -a -z "$err"
  [ "$rc" = 0 -a -z "$err" ] || { echo "  status $rc"; echo "$err" | head -20 | sed 's/^/  stderr: /'; }
  while IFS= read -r line; do
    check "$name: $line" grep -Fxq -- "$line" "$T/out"
  done <<<"$want"
  check "$name prints exactly these lines, in this order" test "$out" = "$want"
  [ "$out" = "$want" ] || diff <(echo "$want") <(echo "$out") | head -40 | sed 's/^/  /'
}

for p in callback global table memory ref trap reflect serialize threads vec wisp_ext; do
  build "$p"
done
if [ $have_cxx = 1 ]; then
  run $CXX $cxxflags "$D/cxx.cc" $libs -o "$T/cxx"
  check "cxx.cc builds as C++20 with -Wall -Wextra -Werror against libwisp.a" test "$rc" = 0 -a -z "$err"
  [ "$rc" = 0 -a -z "$err" ] || echo "$err" | grep -v '^\s*$' | head -8 | sed 's/^/  /'
fi
run $CC $cflags "$D/callback.c" -L"$BUILD" -lwisp -lm -pthread -o "$T/callback_shared"
check "callback.c builds against libwisp.so (-L$BUILD -lwisp)" test "$rc" = 0 -a -z "$err"
[ "$rc" = 0 -a -z "$err" ] || echo "$err" | grep -v '^\s*$' | head -8 | sed 's/^/  /'
check "callback_shared needs libwisp.so (readelf -d)" \
  test -n "$(readelf -d "$T/callback_shared" 2>/dev/null | grep -F 'Shared library: [libwisp.so')"

callback_lines='wasm_functype_new leaves its vectors empty: 0 0
arity: hello 0/0, mix 4/1, swap 2/2, count 0/1
instantiated, trap out-param still NULL: 1
exports: 8
arity: greet 1/1, call_mix 4/1, call_swap 2/2, spread 1/4
hello from the host: call 1, 0 args, 0 results
hello from the host: call 2, 0 args, 0 results
hello from the host: call 3, 0 args, 0 results
count: the result arrives as i32
greet(3) = i32 3
mix (mixer, call 1): 4 args: i32 7, i64 -8000000000, f32 1.500, f64 -2.250; result arrives as f64
call_mix = f64 -15999999987.500
swap: env NULL, results arrive as i64 i32
call_swap(5, 77) = i64 1077, i32 15
spread(-8) = i32 -8, i64 -80000000000, f32 -2.000, f64 -8.125
reenter(7): square from inside a host function: returned 49
call_reenter(7) = 1098, depth back to 0
bounce(40) = 40, through 40 host calls
bounce(100000000): trapped, "call stack exhausted": 1, after more than 20 host calls: 1
bounce(5) = 5 afterwards
call_wide = f64 12.0 f32 11.0 i64 10 i32 9 f64 8.0 f32 7.0 i64 6 i32 5 f64 4.0 f32 3.0
wide from the host = f64 12.0 f32 11.0 i64 10 i32 9 f64 8.0 f32 7.0 i64 6 i32 5 f64 4.0 f32 3.0
arity: wide 12/10
mix (spare, call 1): 4 args: i32 1, i64 2, f32 0.250, f64 0.500; result arrives as f64
spare called from the host = f64 3.750
hello from the host: call 4, 0 args, 0 results
hello called from the host: no trap
calls: hello 4, mixer 1, spare 1
finalizers before the store is deleted: mixer 0, spare 0
finalizers after the store is deleted: mixer 1, spare 1
finalizers after the engine is deleted: mixer 1, spare 1'
expect callback "$T/callback" "$T/callback.wasm" <<<"$callback_lines"
expect "callback (libwisp.so)" env LD_LIBRARY_PATH="$BUILD${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
  "$T/callback_shared" "$T/callback.wasm" <<<"$callback_lines"

want_global=$(cat <<'EOF'
wasm_global_new with an i64 value for an i32 type: NULL
type of host const_i32: const i32
type of host var_i64: var i64
type of host const_f32: const f32
type of host var_f64: var f64
wasm reads const_i32 = i32 1000
wasm reads var_i64 = i64 -5000000000
wasm reads const_f32 = f32 3.5000
wasm reads var_f64 = f64 -0.0625
after the host sets var_i64, wasm reads = i64 123456789012
after wasm sets var_i64, the host reads = i64 -77
after wasm sets var_f64, the host reads = f64 2.7500
re-exported var_i64 is the host's global: 1
...and not another: 0
re-exported var_i64 = i64 -77
type of re-exported var_i64: var i64
type of exp_const_i32: const i32
type of exp_var_i32: var i32
type of exp_var_f32: var f32
exp_const_i32 = i32 42
exp_var_i32 = i32 7
exp_var_f32 = f32 1.2500
after the host sets exp_var_i32, wasm reads = i32 700
after wasm sets exp_var_i32, the host reads = i32 -3
after the host sets exp_var_f32, wasm reads = f32 0.2500
host const_i32 after a set = i32 1000
wasm reads const_i32 after a set = i32 1000
exp_const_i32 after a set = i32 42
wasm reads exp_const_i32 after a set = i32 42
host const_f32 after a set = f32 3.5000
var_i64 after a set with an i32 = i64 -77
exp_var_i32 after a set with an f64 = i32 -3
wasm reads exp_var_i32 after a set with an f64 = i32 -3
var_f64 after a set with an f32 = f64 2.7500
exp_var_i32 after a set through a copy of its handle = i32 9
done
EOF
)
expect global "$T/global" "$T/global.wasm" <<<"$want_global"

want_table=$(cat <<'EOF'
type of host funcref table: funcref, min 2, max 10
type of host externref table: externref, min 1, max none 0
sizes: funcref 2, externref 1
initialized[0]: triple
initialized[2]: triple
initialized[3]: NULL
type of initialized: funcref, min 3, max 3
set ftab[1] = triple: 1
type of exported table: funcref, min 3, max 5
call_ft(1, 5) = 15
call_ft(0, 5): trapped: uninitialized element
set ftab[0] = double (a wasm function): 1
call_ft(0, 5) = 10
call_ft(2, 5): trapped: undefined element
ft_size() = 2
grow ftab by 1 with add: 1
ftab size 3
ft_size() = 3
ftab[2]: add
call_ft(2, 5): trapped: indirect call type mismatch
grow ftab by 7 with null: 1
grow ftab past its maximum by 1: 0
ftab size 10
ftab[9]: NULL
ftab[10]: NULL
grow ftab by 0: 1, size 10
grow etab by 0xffffffff: 0, size 1
set ftab[10] (out of bounds): 0
set ftab[0xffffffff] (out of bounds): 0
set ftab[3] = a foreign object: 0
ftab[3]: NULL
set ftab[1] = null: 1
ftab[1]: NULL
call_ft(1, 5): trapped: uninitialized element
et_is_null(0) = 1
set etab[0] = foreign: 1
et_is_null(0) = 0
etab[0] is the foreign object: 1
grow etab by 2 with foreign: 1
et_size() = 3
et_is_null(2) = 0
et_is_null(3): trapped: out of bounds table access
set etab[2] = triple (a function in an externref table): 1
etab[2] is triple: 1
etab[3] out of bounds: NULL
set etab[3] out of bounds: 0
own[0]: double
own[1]: negate
own[2]: NULL
call_own(0, 21) = 42
call_own(1, 21) = -21
call_own(2, 21): trapped: uninitialized element
set own[2] = triple: 1
call_own(2, 21) = 63
call_own(3, 21): trapped: undefined element
own_grow(1) = 3
own size after wasm grew it: 4
host grows own by 1 with negate: 1
own_size() = 5
call_own(4, 21) = -21
own_grow(1) = -1
host grows own past its maximum: 0
own_size() = 5
done
EOF
)
expect table "$T/table" "$T/table.wasm" <<<"$want_table"

want_memory=$(cat <<'EOF'
type of the exported memory: min 2, max 4
the exported memory: 2 pages, 131072 bytes
data segment seen by the host: 1 2 3 4
last byte readable: 0
load8(0x2000) = 127
load8(0x2001) = 128
store32(0x2004, 0x12345678) done
bytes wasm stored, seen by the host: 78 56 34 12
load32(0x1fffc) = 1144201745
load8(0x20000): trapped: out of bounds memory access
load32(0x1fffd): trapped: out of bounds memory access
store32(0x1fffe, 0x1): trapped: out of bounds memory access
load32(0xfffffffc): trapped: out of bounds memory access
bytes after the refused store: 33 44
grow by 1: 1
after growing: 3 pages, 196608 bytes
the data did not move: 1
the new page is zero: 0 0
size() = 3
load8(0x20000) = 0
store32(0x2fffc, 0xffffffff) done
the host sees wasm's store in the new page: ff
grow(0x1) = 3
after wasm grew it: 4 pages, 262144 bytes
grow past the maximum: 0
after the refused growth: 4 pages, 262144 bytes
grow(0x1) = -1
grow by 0: 1
after growing by 0: 4 pages, 262144 bytes
load8(0x40000): trapped: out of bounds memory access
type of the host's memory: min 1, max 3
the host's memory: 1 pages, 65536 bytes
a new memory is zero: 0 0
the re-exported memory is the host's: 1
load8(0x64) = 42
store8(0xc8, 0x99) done
the host reads wasm's store: 99
load8(0x10000): trapped: out of bounds memory access
grow the host's memory by 2: 1
size() = 3
store8(0x2ffff, 0x7) done
the host reads it: 7
grow past its maximum: 0
the host's memory: 3 pages, 196608 bytes
type of the empty memory: min 0, no max
the empty memory: 0 pages, 0 bytes
grow the empty memory by 2: 1
the empty memory: 2 pages, 131072 bytes
its bytes: 1 2
growing it past 65536 pages: 0
growing it by 0xffffffff pages: 0
the empty memory: 2 pages, 131072 bytes
wasm_memory_new with min 65537: NULL
wasm_memory_new with min 2, max 1: NULL
export a: a memory of min 1
export b: a memory of min 2
memories among the instance's exports: 2
memory a: 1 pages, 65536 bytes
memory b: 2 pages, 131072 bytes
their own data: 10 11, not the same memory: 1
store8(0x1ffff, 0x5b) done
wasm's store to memory 1, seen by the host: b 5b, a 00
grow b by 1: 1
size() = 3
grow(0x1) = -1
memory a: 1 pages, 65536 bytes
memory b: 3 pages, 196608 bytes
done
EOF
)
expect memory "$T/memory" "$T/memory.wasm" "$T/memory_import.wasm" "$T/memories.wasm" <<<"$want_memory"

want_ref=$(cat <<'EOF'
host info through the foreign and its ref: 1 1
identity(foreign): kind externref
identity(foreign) is a foreign object: 1
identity(foreign) has its host info: 1
identity(foreign) is wasm_foreign_same: 1
identity(foreign) is the foreign object: 1
identity(null) = null
is_null(null) = 1
is_null(foreign) = 0
the table holds what wasm stored: 1
host sets table[1] = foreign2: 1
wasm loads table[1], foreign2: 1
wasm loads table[2]: null
the global holds what wasm set: 1
wasm reads what the host set, foreign2: 1
wasm reads the host global's initial value, foreign3: 1
the host global holds what wasm set: 1
echo: argument kind externref, the expected object: 1
through_host(foreign) is the foreign object: 1
echo: argument kind externref, the expected object: 0
through_host(null) = null
identity(f42 as externref) is f42: 1, calling it: 42
identity(trap as externref) is the trap: 1
its message: trapped: a trap as a value
host sets table[3] = kept: 1
kept's finalizer after its handle is deleted: 0
wasm loads table[3], with kept's host info: 1
made(): a foreign object 1, with the host info it got 1
made's finalizer while a value holds it: 0
call_it: argument kind funcref, a function 1
f42_via_host() = 42
func_identity(f42): kind funcref, is f42: 1, calling it: 42
f42_ref() is the export f42: 1
func_identity(null) = null
func_identity(a foreign object as a funcref) traps: 1
call_ft(0), the host function seven: 7
ftable[0] is seven: 1
host sets ftable[1] = f42: 1
call_ft(1): 42
fglobal at first: kind funcref, null
table[2] from the host: NULL
fglobal holds seven: kind funcref, 1
call_fglobal() after the host set f42: 42
call_fglobal() after a set with a foreign object: 42
the externref global after a set with a funcref value, still foreign2: 1
f42 of two instances: the same 0
host sets ftable[1] = the other instance's f42: 1
call_ft(1): 42
ftable[1] is the other instance's f42: 1, not this one's: 1
func: copy same 1, other 0
global: copy same 1, other 0
table: copy same 1, other 0
memory: copy same 1, other 0
instance: copy same 1, other 0
module: copy same 1, other 0
trap: copy same 1, other 0
foreign: copy same 1, other 0
ref: copy same 1, other 0
extern: copy same 1, other 0
extern: the export and f42 seen as an extern are the same: 1
wasm_instance_exports twice: 22 of 22 the same
as_ref: all non-NULL 1
as_ref_const: all non-NULL 1
ref_as, back: func 1 global 1 table 1 memory 1 instance 1 module 1 trap 1 foreign 1 extern 1
ref_as_const, back: func 1 global 1 table 1 memory 1 instance 1 module 1 trap 1 foreign 1 extern 1
a ref as another kind is NULL: func 1 global 1 table 1 memory 1 instance 1 module 1 trap 1 foreign 1 extern 1
a const ref as another kind is NULL: func 1 global 1 table 1 memory 1 instance 1 module 1 trap 1 foreign 1 extern 1
more refs of another kind: extern of a module 1, of an instance 1; trap of a func 1
f42 as an extern as a ref is f42: 1, is not a global: 1
ref_same across views: f42's ref and its extern's ref 1, foreign's ref and foreign2's 0
func host info replaced: 1
host info set through a ref, seen through the foreign: 1
finalizers of foreign objects without another reference, at once: 1 1
host info without finalizer: global 1 table 1 memory 1 instance 1 module 1 trap 1 func 1 extern 1 ref 1
module2's finalizer after its host info was replaced: 0
host info through other handles: table 1 global 1 instance 1 trap 1 module 1 func via extern 1
host info set on echo as an extern, seen on the function: 1
trap finalizer after deleting one of two handles: 0
trap finalizer after deleting the last handle: 1
module3 finalizer (never instantiated) after deleting one of two handles: 0
module3 finalizer after deleting its last handle: 1
module2 finalizer (replaced by host info without one) after its handle is deleted: 0
kept's finalizer before the store is deleted: 0
before the store is deleted: module 0 func 0/0 global 0 table 0 memory 0 instance 0 extern 0
after the store is deleted: module 1 func 0/1 global 1 table 1 memory 1 instance 1 extern 1
kept's finalizer after the store is deleted: 1
made's finalizer, once only: 1
and once only: foreign 1 ref 1 trap 1 module2 0 module3 1; never with other host info: 0
done
EOF
)
expect ref "$T/ref" "$T/ref.wasm" <<<"$want_ref"

want_trap=$(cat <<'EOF'
divide(7, 2) = 3
divide(1, 0): trapped: integer divide by zero
  origin: func 1, func offset 5, module byte 0x6d, body starts with no locals, instance the instance
  origin's copy: func 1, offsets equal
  copy, the original deleted: func 1, func offset 5, module byte 0x6d, body starts with no locals, instance the instance
  trace: 2 frames
  frame 0: func 1, func offset 5, module byte 0x6d, body starts with no locals, instance the instance
  frame 1: func 2, func offset 5, module byte 0x10, body starts with no locals, instance the instance
divide(-2147483648, -1): trapped: integer overflow
  origin: func 1, func offset 5, module byte 0x6d, body starts with no locals, instance the instance
  origin's copy: func 1, offsets equal
  copy, the original deleted: func 1, func offset 5, module byte 0x6d, body starts with no locals, instance the instance
  trace: 2 frames
  frame 0: func 1, func offset 5, module byte 0x6d, body starts with no locals, instance the instance
  frame 1: func 2, func offset 5, module byte 0x10, body starts with no locals, instance the instance
unreachable(): trapped: unreachable
  origin: func 3, func offset 1, module byte 0x00, body starts with no locals, instance the instance
  origin's copy: func 3, offsets equal
  copy, the original deleted: func 3, func offset 1, module byte 0x00, body starts with no locals, instance the instance
  trace: 1 frames
  frame 0: func 3, func offset 1, module byte 0x00, body starts with no locals, instance the instance
call_fail(1): message of 5001 bytes with its NUL, the host's whole: 1
call_fail(1): trapped: a message of 5000 bytes
  origin: func 4, func offset 3, module byte 0x10, body starts with no locals, instance the instance
  origin's copy: func 4, offsets equal
  copy, the original deleted: func 4, func offset 3, module byte 0x10, body starts with no locals, instance the instance
  trace: 1 frames
  frame 0: func 4, func offset 3, module byte 0x10, body starts with no locals, instance the instance
call_fail(2): an empty message, size 1
call_fail(0): no trap
fail(3): the inner call trapped: 1
call_fail(3): trapped: integer divide by zero
fail(4): the inner call trapped: 1
fail(4): and again: 1
call_fail(4): no trap
wasm_trap_new: trapped: made by the host
  no origin
  trace: 0 frames
recurse(0): trapped, starting "call stack exhausted": 1, origin func 5, trace of at least 10 frames: 1, all func 5: 1
divide with one argument traps: 1
divide with three arguments traps: 1
divide with no room for its result traps: 1
divide with an i64 argument traps: 1
divide with an externref argument traps: 1
v128_param traps, saying v128: 1
divide(9, 3) = 3
start function called the host with 1
a start function that traps: instance NULL
  its origin: func 1
  its trap: trapped: unreachable
start function called the host with 1
a start function whose host call traps: instance NULL
  its trap: trapped: refused by the host
no imports for one: NULL, a trap with a message: 1
two imports for one: NULL, a trap with a message: 1
a global for a function: NULL, a trap with a message: 1
a function of another type: NULL, a trap with a message: 1
a function of another type, no trap out-parameter: NULL
a function of another store: NULL, a trap with a message: 1
the right function again: instantiated
a trap after its store is deleted: integer divide by zero, 2 frames, innermost func 1
done
EOF
)
expect trap "$T/trap" "$T/trap.wasm" "$T/trap_start.wasm" <<<"$want_trap"

want_reflect=$(cat <<'EOF'
5 imports
import 0: "env"(3) "f"(1) func (i32 i64) -> (f32 f64)
import 1: "env"(3) "g"(1) global var f64
import 2: "env"(3) "t"(1) table funcref 1..5
import 3: "env"(3) "m"(1) memory 1..
import 4: "other"(5) ""(0) global const externref
11 exports
export 0: "run"(3) func (externref funcref) -> (i32)
export 1: "nothing"(7) func () -> ()
export 2: "simd"(4) func (v128) -> (v128)
export 3: "answer"(6) global const i64
export 4: "counter"(7) global var f32
export 5: "refs"(4) table externref 2..
export 6: "memory"(6) memory 1..
export 7: "table_again"(11) table funcref 1..5
export 8: "f_again"(7) func (i32 i64) -> (f32 f64)
export 9: "nul\00in\00name"(11) func () -> ()
export 10: "\c3\a9t\c3\a9"(5) global const externref
host extern 0: kind func, type func (i32 i64) -> (f32 f64), the import's: 1
host extern 1: kind global, type global var f64, the import's: 1
host extern 2: kind table, type table funcref 1..5, the import's: 1
host extern 3: kind memory, type memory 1.., the import's: 1
host extern 4: kind global, type global const externref, the import's: 1
11 externals
external 0: kind func, type func (externref funcref) -> (i32), the export's: 1
external 1: kind func, type func () -> (), the export's: 1
external 2: kind func, type func (v128) -> (v128), the export's: 1
external 3: kind global, type global const i64, the export's: 1
external 4: kind global, type global var f32, the export's: 1
external 5: kind table, type table externref 2.., the export's: 1
external 6: kind memory, type memory 1.., the export's: 1
external 7: kind table, type table funcref 1..5, the export's: 1
external 8: kind func, type func (i32 i64) -> (f32 f64), the export's: 1
external 9: kind func, type func () -> (), the export's: 1
external 10: kind global, type global const externref, the export's: 1
wasm_func_type of external 0: func (externref funcref) -> (i32), arity 2/1
wasm_func_type of external 1: func () -> (), arity 0/0
wasm_func_type of external 2: func (v128) -> (v128), arity 1/1
wasm_func_type of external 8: func (i32 i64) -> (f32 f64), arity 2/2
wasm_func_type of external 9: func () -> (), arity 0/0
re-exported imports are the host's: func 1 table 1 memory 1
externals of another kind are NULL: 1 1 1 1 1 1 1 1
const views of externals: 1 1 1 1
const extern views: 1 1 1 1
valtypes: i32/i32 num 1 ref 0 kind-num 1 kind-ref 0; i64/i64 num 1 ref 0 kind-num 1 kind-ref 0; f32/f32 num 1 ref 0 kind-num 1 kind-ref 0; f64/f64 num 1 ref 0 kind-num 1 kind-ref 0; externref/externref num 0 ref 1 kind-num 0 kind-ref 1; funcref/funcref num 0 ref 1 kind-num 0 kind-ref 1;
valtype shorthands: i32 i64 f32 f64 externref funcref
functype 0 (a copy): func () -> (), 0/0
functype 1 (a copy): func (i32) -> (), 1/0
functype 2 (a copy): func (i32 i64) -> (), 2/0
functype 3 (a copy): func (i32 i64 f32) -> (), 3/0
functype 4 (a copy): func () -> (f64), 0/1
functype 5 (a copy): func (externref) -> (funcref), 1/1
functype 6 (a copy): func (f32 f64) -> (i32), 2/1
functype 7 (a copy): func (i64 i64 i64) -> (i64), 3/1
functype 8 (a copy): func () -> (i32 f32), 0/2
functype 9 (a copy): func (f64) -> (i32 i64), 1/2
functype 10 (a copy): func (funcref externref) -> (externref funcref), 2/2
functype 11 (a copy): func (i32 f32 f64) -> (f64 i64), 3/2
globaltype copy: var i64
globaltype as externtype: kind global, back 1, not func 1 table 1 memory 1
const: kind global, back 1, not func 1 table 1 memory 1
externtype copy: global var i64, a new object 1
tabletype copy: table externref 3..7
tabletype as externtype: kind table, back 1 1, not func 1 global 1 memory 1
memorytype copy: memory 0..65536
memorytype as externtype: kind memory, back 1 1, not func 1 global 1 table 1
functype as externtype: kind func, back 1 1, not global 1 table 1 memory 1
importtype copy: "wasi"(4) "clock"(5) func (f32) -> ()
exporttype copy: "mem"(3) memory 1..
done
EOF
)
expect reflect "$T/reflect" "$T/reflect.wasm" <<<"$want_reflect"

serialize_run() { # the lines of serialize.c's run() for WHAT
  printf '%s: fib(20) = 6765\n%s: fib_report(12) reported 144\n%s: memory holds "serialized"\n' "$1" "$1" "$1"
}
want_serialize=$(cat <<EOF
validate the module: 1
a type error: validate 0, wasm_module_new NULL
an exception reference parameter: validate 0, wasm_module_new NULL
the smallest module: validate 1, wasm_module_new a module
version 2: validate 0, wasm_module_new NULL
text: validate 0, wasm_module_new NULL
nothing: validate 0, wasm_module_new NULL
the module cut short: validate 0, wasm_module_new NULL
the module's first half: validate 0, wasm_module_new NULL
the original: 1 imports, 3 exports: fib fib_report memory
$(serialize_run "the original")
$(serialize_run "the original in another store")
serialized: some bytes
deserialized: 1 imports, 3 exports: fib fib_report memory
$(serialize_run "deserialized")
serialized again: some bytes
$(serialize_run "deserialized in another store")
$(serialize_run "deserialized in another store, again")
deserialize garbage: NULL
deserialize nothing: NULL
deserialize one byte: NULL
deserialize the first 16 bytes: NULL
deserialize the first half: NULL
deserialize all but the last byte: NULL
deserialize with its first byte changed: NULL
$(serialize_run "deserialized, after the damaged ones")
done
EOF
)
expect serialize "$T/serialize" "$T/serialize.wasm" <<<"$want_serialize"

want_threads=$(cat <<EOF
$(for i in 0 1 2 3 4 5; do echo "thread $i: ok 1, sum right, host calls 2000, exports of the original 1, valid 1"; done)
obtained after the original handle was deleted: a module
its exports: 1
done
EOF
)
expect threads "$T/threads" "$T/threads.wasm" <<<"$want_threads"

want_vec=$(cat <<'EOF'
byte vec: empty 0, uninitialized 4 "wxyz", new 5 "hello", copy 5 "hello" at a new place 1
the copy outlives the original: "hello"
names: from_string 6, from_string_nt 7 ending in NUL 1, empty 0, uninitialized 2 "ok", new 3 "abc", copy 7 "module"
wasm_val_copy: ref 1 (a new handle 1), i64 1, f32 1, f64 1, i32 1, null ref 1
finalizer after the foreign handle is deleted: 0
after one of two values holding it is deleted: 0, the other still has its host info: 1
val vec: new 3, copy 3 (1 2.5, ref the same 1), empty 0, uninitialized 2
after deleting the vector that took the value over: 0
after deleting its copy: 0
after deleting the last value that held it: 1
a pointer as a value: kind i64, back 1
extern vec: exports 4, copy 4 with 4 the same, empty 0, uninitialized 3 all NULL 1
made from copies: 2, kinds 1 2, still the exports 1 1
frame vec: trace 2 (funcs 1 0), copy 2 (funcs 1 0), empty 0, uninitialized 2 all NULL 1
frames filled in reverse: funcs 0 1; made from a copy: func 0, instance the same 1
valtype vec: empty 0, uninitialized 2 all NULL 1, new 3, copy 3: kinds 0 129 3, new objects 1
functype vec: empty 0, uninitialized 2 all NULL 1, new 2, copy 2: arities 0/0 1/2, new objects 1
globaltype vec: empty 0, uninitialized 1 all NULL 1, new 2, copy 2: 2/1 128/0, new objects 1
tabletype vec: empty 0, uninitialized 3 all NULL 1, new 2, copy 2: 0..8 4.., new objects 1
memorytype vec: empty 0, uninitialized 1 all NULL 1, new 2, copy 2: 1..2 3..4, new objects 1
externtype vec: empty 0, uninitialized 4 all NULL 1, new 4, copy 4: kinds 0 1 2 3, new objects 1
importtype vec: empty 0, uninitialized 2 all NULL 1, new 1, copy 1: env.f, new objects 1; the module's 1: env.seed
exporttype vec: empty 0, uninitialized 2 all NULL 1, new 1, copy 1: x kind 1, new objects 1; a copy of the module's 4: boom g m t
a foreign object after its store is deleted: host info 1, finalized 0
after its last handle is deleted: finalized 1
a module after the store that made it is deleted: 4 exports
...instantiated in a new store: an instance
done
EOF
)
expect vec "$T/vec" "$T/vec.wasm" <<<"$want_vec"

want_wisp_ext=$(cat <<'EOF'
a new store: no last error
wisp_wasm_store: a store
get fuel at first: 1, 0
sum(10): an exit: 0
sum(10): trapped: all fuel consumed
set fuel 100000: 1
sum(100) = 5050
fuel left after sum(100): some used 1, some left 1
set fuel 5000: 1
forever(): an exit: 0
forever(): trapped: all fuel consumed
fuel after running out: 1, 0
add fuel 1000: 1
sum(10) = 55
set fuel without consume_fuel: 0, unsupported
a malformed module: NULL, last error set
  kind malformed, offset 0xb, message starts "malformed function type": 1
  formatted, with the offset: 1
an invalid module: NULL, last error set
  kind invalid, offset 0x18, message starts "type mismatch": 1
before a set of a const global: no last error
after it: a last error, with a message 1
before a refused memory growth: no last error
grow: 0
after it: a last error, with a message 1
linking a global to a function import: NULL
after it: last error link error, with a message 1
wisp_wasm_store_add_wasi: 1
import wasi_snapshot_preview1.fd_write: a function
import wasi_snapshot_preview1.proc_exit: a function
an import the store does not define: NULL
after it: a last error, with a message 1
calling _start
hello
_start: a trap
an exit: 1, status 3
done
EOF
)
expect wisp_ext "$T/wisp_ext" "$T/fuel.wasm" "$T/wasi.wasm" <<<"$want_wisp_ext"

want_cxx=$(cat <<'EOF'
C++: 2 exports
C++: add_twice(40, -3, 5) = 42, host calls 2
C++: pi = 3.25
C++: copied f64 0.5
C++: done
EOF
)
if [ $have_cxx = 1 ]; then
  expect cxx "$T/cxx" "$T/cxx.wasm" <<<"$want_cxx"
else
  echo "SKIP cxx.cc: no C++ compiler ($CXX)"
fi

# ---- Again with the compiled tier taking over at once: every function
# moves to native code at its second call and every loop at its second
# iteration (tier_up.c's testing knobs), so host calls, traps and their
# frames, references and memory accesses come from compiled code too.
if "$WISP" --version | grep -q '^compiled tier: LLVM'; then
  at_once="env WISP_TIER_UP_THRESHOLD=1 WISP_TIER_UP_SYNC=1"
  expect "callback (compiled at once)" $at_once "$T/callback" "$T/callback.wasm" <<<"$callback_lines"
  expect "global (compiled at once)" $at_once "$T/global" "$T/global.wasm" <<<"$want_global"
  expect "table (compiled at once)" $at_once "$T/table" "$T/table.wasm" <<<"$want_table"
  expect "memory (compiled at once)" $at_once "$T/memory" "$T/memory.wasm" "$T/memory_import.wasm" "$T/memories.wasm" <<<"$want_memory"
  expect "ref (compiled at once)" $at_once "$T/ref" "$T/ref.wasm" <<<"$want_ref"
  # Frames in compiled code name the functions (docs/architecture.md,
  # "Traps and backtraces"); their offsets are not checked here.
  want_trap_functions=$(echo "$want_trap" |
    sed -E 's/, func offset [0-9]+, module byte 0x[0-9a-f]+, body starts [a-z ]+, instance/, instance/')
  expect "trap (compiled at once)" $at_once "$T/trap" "$T/trap.wasm" "$T/trap_start.wasm" --functions \
    <<<"$want_trap_functions"
  expect "serialize (compiled at once)" $at_once "$T/serialize" "$T/serialize.wasm" <<<"$want_serialize"
  expect "threads (compiled at once)" $at_once "$T/threads" "$T/threads.wasm" <<<"$want_threads"
  expect "wisp_ext (compiled at once)" $at_once "$T/wisp_ext" "$T/fuel.wasm" "$T/wasi.wasm" <<<"$want_wisp_ext"
else
  echo "SKIP the programs with the compiled tier: $("$WISP" --version | tail -1)"
fi
