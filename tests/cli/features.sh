#!/usr/bin/env bash
# Wasm 3.0 features on the command line: -W FEATURE=y|n (Wasmtime's keys)
# for run, validate-by-running and wast; each feature is on by default.
set -u
cd "$(dirname "$0")"
. ./lib.sh

cat > "$T/ext.wat" <<'WAT'
(module
  (global $a i32 (i32.const 40))
  (global $b i32 (i32.add (global.get $a) (i32.const 2)))
  (func (export "b") (result i32) (global.get $b)))
WAT
run "$WISP" run --invoke b "$T/ext.wat"
check "extended-const is on by default" test "$rc" = 0 -a "$out" = 42
run "$WISP" run -W extended-const=y --invoke b "$T/ext.wat"
check "-W extended-const=y runs it" test "$rc" = 0 -a "$out" = 42
run "$WISP" run -W extended-const=n --invoke b "$T/ext.wat"
check "-W extended-const=n: the module is invalid as in Wasm 2.0, exit 1" \
  test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'unknown global 0 (in the initializer of global 1)')"
run "$WISP" run --wasm extended-const=n,max-wasm-stack=1M --invoke b "$T/ext.wat"
check "--wasm takes a feature among the limits" test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'unknown global')"
run "$WISP" run -W extended-const=maybe --invoke b "$T/ext.wat"
check "-W extended-const=maybe: usage error, exit 2" \
  test "$rc" = 2 -a -n "$(echo "$err" | grep -F 'extended-const=maybe: expected y or n')"
run "$WISP" run -W warp-drive=y --invoke b "$T/ext.wat"
check "-W unknown feature: usage error naming the features, exit 2" \
  test "$rc" = 2 -a -n "$(echo "$err" | grep -F 'the Wasm features (extended-const')"

cat > "$T/ext.wast" <<'WAST'
(module (global i32 (i32.const 1)) (global i32 (global.get 0)))
(assert_invalid (module (global i32 (i32.const 1)) (global i32 (global.get 0))) "unknown global")
WAST
run "$WISP" wast "$T/ext.wast"
check "wast: the 3.0 rules by default (the module is valid, the assertion fails)" \
  test "$rc" = 1 -a "$(echo "$out" | tail -1)" = "1 passed, 1 failed, 0 skipped"
run "$WISP" wast -W extended-const=n "$T/ext.wast"
check "wast -W extended-const=n: the 2.0 rules" \
  test "$rc" = 1 -a "$(echo "$out" | tail -1)" = "1 passed, 1 failed, 0 skipped" \
  -a -n "$(echo "$out" | grep -F 'unknown global')"
run "$WISP" wast -W fuel=100 "$T/ext.wast"
check "wast -W fuel: usage error (wast takes only features), exit 2" \
  test "$rc" = 2 -a -n "$(echo "$err" | grep -F 'only the Wasm features')"

# Tail calls: 20 million mutual tail calls (direct and through a table)
# with a call depth limit of 50 and 64 KiB of wasm stack, in every tier:
# the frames are reused, never stacked.
cat > "$T/tail.wat" <<'WAT'
(module
  (type $t (func (param i64 i64) (result i64)))
  (table funcref (elem $even $odd))
  (func $even (export "even") (param i64 i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))
      (else (return_call $odd (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (i64.const 1))))))
  (func $odd (param i64 i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.sub (i64.const 0) (local.get 1)))
      (else (return_call_indirect (type $t)
              (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (i64.const 1)) (i32.const 0))))))
WAT
tiers=(interp)
"$WISP" --version | grep -q '^compiled tier: LLVM' && tiers+=(compiled auto)
for tier in "${tiers[@]}"; do
  run "$WISP" run -C tier=$tier,cache=n --max-call-depth 50 -W max-wasm-stack=64K --invoke even "$T/tail.wat" 20000001 0
  check "tail calls, $tier: 20 million in constant stack space" test "$rc" = 0 -a "$out" = -20000001
done
run "$WISP" run -W tail-call=n --invoke even "$T/tail.wat" 1 0
check "-W tail-call=n: return_call is invalid, saying which feature it needs" \
  test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'needs the tail-call feature')"

cat > "$T/relaxed.wat" <<'WAT'
(module
  (func (export "dot") (result i32)
    (i32x4.extract_lane 0
      (i32x4.relaxed_dot_i8x16_i7x16_add_s (v128.const i8x16 1 2 3 4 0 0 0 0 0 0 0 0 0 0 0 0)
                                           (v128.const i8x16 0x80 1 1 1 0 0 0 0 0 0 0 0 0 0 0 0)
                                           (v128.const i32x4 1000 0 0 0)))))
WAT
run "$WISP" run --invoke dot "$T/relaxed.wat"
check "relaxed-simd is on by default (the i7 operand's 0x80 read as -128)" test "$rc" = 0 -a "$out" = 881
run "$WISP" run -W relaxed-simd=n --invoke dot "$T/relaxed.wat"
check "-W relaxed-simd=n: the opcode is illegal as in Wasm 2.0, exit 1" \
  test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'illegal opcode fd 275 (i32x4.relaxed_dot_i8x16_i7x16_add_s: relaxed-simd is off)')"
# Multi-memory: on by default; off, the Wasm 2.0 rules (one memory, a
# reserved zero byte after memory.size and the others, no memory index in
# a memarg) with the 2.0 suite's wordings.
# on_and_off WHAT FILE OUT MESSAGE: by default f returns OUT; with
# -W multi-memory=n the module fails (exit 1) saying MESSAGE.
on_and_off() {
  run "$WISP" run --invoke f "$2"
  check "$1: runs by default" test "$rc" = 0 -a "$out" = "$3"
  run "$WISP" run -W multi-memory=n --invoke f "$2"
  check "$1: -W multi-memory=n says $4, exit 1" test "$rc" = 1 -a -n "$(echo "$err" | grep -F "$4")"
}
cat > "$T/mm.wat" <<'WAT'
(module
  (memory 1)
  (memory $b 1)
  (data (memory $b) (i32.const 0) "\2a")
  (func (export "f") (result i32) (i32.load8_u $b (i32.const 0))))
WAT
on_and_off "a load from memory 1" "$T/mm.wat" 42 "malformed memop flags"
echo '(module (memory 1) (memory 1) (func (export "f") (result i32) (i32.const 7)))' > "$T/two.wat"
on_and_off "two memories" "$T/two.wat" 7 "multiple memories"
# (func (result i32) memory.size) with memory 0 as the LEB128 0x80 0x00.
printf '\0asm\1\0\0\0\1\5\1\x60\0\1\x7f\3\2\1\0\5\3\1\0\1\7\5\1\1f\0\0\n\7\1\5\0\x3f\x80\0\xb' > "$T/size.wasm"
on_and_off "memory.size's memory index as a two-byte LEB128" "$T/size.wasm" 1 "zero byte expected"
# (func (result i32) (i32.load align=1 memory 0 (i32.const 0))): bit 6 set.
printf '\0asm\1\0\0\0\1\5\1\x60\0\1\x7f\3\2\1\0\5\3\1\0\1\7\5\1\1f\0\0\n\x0a\1\x08\0\x41\0\x28\x40\0\0\xb' > "$T/memarg.wasm"
on_and_off "a memarg naming memory 0 (alignment bit 6)" "$T/memarg.wasm" 0 "malformed memop flags"
# WASI reads and writes the memory exported as "memory", here memory 1
# (memory 0 is all zeros: an iovec read from it would write nothing).
cat > "$T/wasi.wat" <<'WAT'
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory $scratch 1)
  (memory $m (export "memory") 1)
  (data (memory $m) (i32.const 0) "\10\00\00\00\06\00\00\00")
  (data (memory $m) (i32.const 16) "multi\n")
  (func (export "_start") (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
WAT
run "$WISP" run "$T/wasi.wat"
check "WASI uses the memory exported as \"memory\" (memory 1)" test "$rc" = 0 -a "$out" = multi

# Typed function references: on by default, each tier; with
# -W function-references=n a (ref ...) type is malformed as in 2.0.
cat > "$T/fref.wat" <<'WAT'
(module
  (type $ii (func (param i32) (result i32)))
  (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
  (table 2 (ref $ii) (ref.func $inc))
  (func (export "f") (param i32) (result i32)
    (call_ref $ii (local.get 0) (table.get 0 (i32.const 1)))))
WAT
for tier in "${tiers[@]}"; do
  run "$WISP" run -C tier=$tier,cache=n --invoke f "$T/fref.wat" 41
  check "function-references is on by default, $tier" test "$rc" = 0 -a "$out" = 42
done
run "$WISP" run -W function-references=n --invoke f "$T/fref.wat" 41
check "-W function-references=n: a (ref \$t) type is malformed as in 2.0, exit 1" \
  test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'malformed')"
run "$WISP" info "$T/fref.wat"
check "wisp info prints a typed table" test "$rc" = 0 -a -n "$(echo "$out" | grep -F '(ref 0)')"

# memory64: an i64 memory runs by default; with -W memory64=n its limits
# flag is malformed, as in 2.0 (a 1-bit LEB128: "integer too large").
cat > "$T/m64.wat" <<'WAT'
(module
  (memory i64 1)
  (table i64 2 0x1_0000_0000 funcref)
  (func (export "f") (result i64) (i64.store (i64.const 8) (i64.const 42)) (i64.load (i64.const 8))))
WAT
run "$WISP" run --invoke f "$T/m64.wat"
check "memory64 is on by default" test "$rc" = 0 -a "$out" = 42
run "$WISP" run -W memory64=n --invoke f "$T/m64.wat"
check "-W memory64=n: an i64 memory is malformed as in 2.0, exit 1" \
  test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'integer too large')"
run "$WISP" info "$T/m64.wat"
check "wisp info prints an i64 memory's and table's limits" test "$rc" = 0 -a -n "$(echo "$out" | grep -Fx 'memory 0: i64 1..')" \
  -a -n "$(echo "$out" | grep -Fx 'table 0: i64 2..4294967296 funcref')"

# A memory past 4 GiB, touched sparsely: 65,540 pages (4 GiB + 256 KiB)
# declared, grown by one page; stores and loads at 4 GiB + 12, at the last
# bytes, past the end, an offset that carries the address past 4 GiB, and
# a 4 GiB offset (past the compiled tier's guard region, which then bounds
# the address by the reservation's end) to in-bounds bytes and across the
# end. In the interpreter and the compiled tier, with guard regions and with
# explicit checks. A host that cannot reserve that much address space skips it.
cat > "$T/big.wat" <<'WAT'
(module
  (memory (export "mem") i64 65540)
  (func (export "f") (result i64)
    (local $end i64)
    (i64.store (i64.const 0x1_0000_000c) (i64.const 0x1122334455667788))
    (i32.store8 (i64.const 12) (i32.const 0x5a))
    (if (i64.ne (memory.grow (i64.const 1)) (i64.const 65540)) (then (return (i64.const -1))))
    (local.set $end (i64.mul (memory.size) (i64.const 65536)))
    (i32.store offset=0xffff_fffc (i64.sub (local.get $end) (i64.const 0x1_0000_0000)) (i32.const 0xabcdef01))
    (i64.add
      (i64.add (i64.load (i64.const 0x1_0000_000c))
               (i64.load32_u (i64.sub (local.get $end) (i64.const 4))))
      (i64.extend_i32_u (i32.load8_u (i64.const 12)))))
  (func (export "past") (result i32)
    (i32.load (i64.sub (i64.mul (memory.size) (i64.const 65536)) (i64.const 3))))
  (func (export "carry") (result i32)
    (i32.store (i64.const 0x1_0000_000c) (i32.const 77))
    (i32.load offset=0xffff_fff0 (i64.const 0x1c)))
  (func (export "off4g") (result i32)
    (i32.store (i64.const 0x1_0000_000c) (i32.const 99))
    (i32.load offset=0x1_0000_0000 (i64.const 12)))
  (func (export "off4g_past") (result i32)
    (i32.load offset=0x1_0000_0000 (i64.sub (i64.mul (memory.size) (i64.const 65536)) (i64.const 0x1_0000_0003)))))
WAT
# 0x1122334455667788 + 0xabcdef01 + 0x5a
want=$(printf '%d' $((0x1122334455667788 + 0xabcdef01 + 0x5a)))
big_tiers=("interp|-C tier=interp")
if "$WISP" --version | grep -q '^compiled tier: LLVM'; then
  big_tiers+=("compiled|-C tier=compiled" "compiled, explicit checks|-C tier=compiled -O signals-based-traps=n")
else
  echo "SKIP a memory past 4 GiB (compiled): $("$WISP" --version | tail -1)"
  echo "SKIP a memory past 4 GiB (compiled, explicit checks): $("$WISP" --version | tail -1)"
fi
for t in "${big_tiers[@]}"; do
  tier=${t%%|*} opts=${t#*|}
  # shellcheck disable=SC2086
  run "$WISP" run $opts --invoke f "$T/big.wat"
  if [ "$rc" != 0 ] && echo "$err" | grep -qE 'cannot map|memory too large'; then
    echo "SKIP a memory past 4 GiB ($tier): the host cannot reserve it: $(echo "$err" | head -n 1)"
    continue
  fi
  check "a memory past 4 GiB ($tier): stores and loads at 4 GiB + 12 and at its end" test "$rc" = 0 -a "$out" = "$want"
  # shellcheck disable=SC2086
  run "$WISP" run $opts --invoke past "$T/big.wat"
  check "a memory past 4 GiB ($tier): an access crossing its end traps" \
    test "$rc" != 0 -a -n "$(echo "$err" | grep -F 'out of bounds memory access')"
  # shellcheck disable=SC2086
  run "$WISP" run $opts --invoke carry "$T/big.wat"
  check "a memory past 4 GiB ($tier): an offset carrying past 4 GiB reads there" test "$rc" = 0 -a "$out" = 77
  # shellcheck disable=SC2086
  run "$WISP" run $opts --invoke off4g "$T/big.wat"
  check "a memory past 4 GiB ($tier): a 4 GiB offset reads there" test "$rc" = 0 -a "$out" = 99
  # shellcheck disable=SC2086
  run "$WISP" run $opts --invoke off4g_past "$T/big.wat"
  check "a memory past 4 GiB ($tier): a 4 GiB offset across the end traps" \
    test "$rc" != 0 -a -n "$(echo "$err" | grep -F 'out of bounds memory access')"
done

# Exception handling: an uncaught exception is reported like a trap, with
# its tag, payload and backtrace; -W exceptions=n; wisp info lists tags;
# the same in the compiled and auto tiers, which throw and catch in native
# code.
cat > "$T/exn.wat" <<'WAT'
(module
  (import "host" "t" (tag $imported (param i64)))
  (tag $e (export "e") (param i32 f64))
  (tag $plain)
  (export "plain" (tag $plain))
  (func $thrower (param i32) (result i32)
    (if (i32.eq (i32.and (local.get 0) (i32.const 7)) (i32.const 3))
      (then (throw $e (local.get 0) (f64.const 2.5))))
    (local.get 0))
  (func $middle (param i32) (result i32)
    (i32.add (call $thrower (local.get 0)) (i32.const 1)))
  (func (export "caught") (result i32)
    (local $i i32) (local $sum i32)
    (loop $l
      (block $done
        (block $h (result i32 f64)
          (try_table (result i32) (catch $e $h) (call $middle (local.get $i)))
          (local.set $sum (i32.add (local.get $sum)))
          (br $done))
        (drop)
        (local.set $sum (i32.add (local.get $sum) (i32.const 1000)))
        (local.set $sum (i32.add (local.get $sum))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 100))))
    (local.get $sum))
  (func $uncaught (export "uncaught") (result i32)
    (local $i i32)
    ;; $middle gets hot first (native in the auto tier), then throws
    (loop $l
      (drop (call $middle (i32.shl (local.get $i) (i32.const 3))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 50))))
    (call $middle (i32.const 3))))
WAT
# Without its import: the same module defines the imported tag's module.
sed -e 's/(import "host" "t" (tag $imported (param i64)))//' "$T/exn.wat" > "$T/exn_noimport.wat"
sum=$(python3 -c 'print(sum(1000 + i if i & 7 == 3 else i + 1 for i in range(100)))' 2>/dev/null || echo 18037)
run "$WISP" run -C tier=interp --invoke caught "$T/exn_noimport.wat"
check "exceptions: caught through a call, in a loop (interp)" test "$rc" = 0 -a "$out" = "$sum"
run "$WISP" run -C tier=interp --invoke uncaught "$T/exn_noimport.wat"
check "exceptions: uncaught is reported with tag, payload and backtrace, exit 134" \
  test "$rc" = 134 -a "$(echo "$err" | head -n 1)" = "wisp: uncaught exception: tag 0, payload (i32 3, f64 2.5)" \
  -a -n "$(echo "$err" | grep -F '0: $thrower (func 0) at byte')" \
  -a -n "$(echo "$err" | grep -F '1: $middle (func 1) at byte')" \
  -a -n "$(echo "$err" | grep -F '2: $uncaught (func 3) at byte')"
run "$WISP" run -W exceptions=n --invoke caught "$T/exn_noimport.wat"
check "-W exceptions=n: the tag section is malformed, saying why" \
  test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'malformed section id: 13 (the tag section: exceptions are off)')"
cat > "$T/exn_op.wat" <<'WAT'
(module (func (export "f") (block (try_table (catch_all 0) (nop)))))
WAT
run "$WISP" run -W exceptions=n --invoke f "$T/exn_op.wat"
check "-W exceptions=n: try_table is an illegal opcode, saying why" \
  test "$rc" = 1 -a -n "$(echo "$err" | grep -F 'illegal opcode 1f (try_table: exceptions are off)')"
cat > "$T/exn_start.wat" <<'WAT'
(module (tag $s (param i32)) (func $start (throw $s (i32.const 5))) (start $start))
WAT
run "$WISP" run "$T/exn_start.wat"
check "exceptions: one out of the start function fails instantiation with the report" \
  test "$rc" = 134 -a -n "$(echo "$err" | grep -F 'uncaught exception: tag 0, payload (i32 5)')" \
  -a -n "$(echo "$err" | grep -F '0: $start (func 0)')"
run "$WISP" info "$T/exn.wat"
check "wisp info lists tag imports, exports and types" \
  test "$rc" = 0 -a "$out" = 'import tag "host" "t"
export tag "e"
export tag "plain"
export func "caught"
export func "uncaught"
tag 0: (param i64)
tag 1: (param i32 f64)
tag 2: ()'
if "$WISP" --version | grep -q '^compiled tier: LLVM'; then
  run "$WISP" run -C tier=compiled,cache=n --invoke caught "$T/exn_noimport.wat"
  check "exceptions (compiled): thrown and caught in native code, in a loop" test "$rc" = 0 -a "$out" = "$sum"
  run "$WISP" run -C tier=compiled,cache=n --invoke uncaught "$T/exn_noimport.wat"
  # ($middle is inlined: its frame is its caller's, as for traps.)
  check "exceptions (compiled): uncaught is reported with tag, payload and backtrace, exit 134" \
    test "$rc" = 134 -a "$(echo "$err" | head -n 1)" = "wisp: uncaught exception: tag 0, payload (i32 3, f64 2.5)" \
    -a -n "$(echo "$err" | grep -F '0: $thrower (func 0) at byte')" \
    -a -n "$(echo "$err" | grep -F '$uncaught (func 3)')"
  run "$WISP" run -C tier=compiled,cache=n "$T/exn_start.wat"
  check "exceptions (compiled): one out of the start function fails instantiation with the report" \
    test "$rc" = 134 -a -n "$(echo "$err" | grep -F 'uncaught exception: tag 0, payload (i32 5)')"
  WISP_TIER_LOG=1 WISP_TIER_UP_THRESHOLD=1 WISP_TIER_UP_SYNC=1 run "$WISP" run -C tier=auto,cache=n --invoke caught "$T/exn_noimport.wat"
  check "exceptions (auto, moving at once): caught in native code" \
    test "$rc" = 0 -a "$out" = "$sum" -a -n "$(echo "$err" | grep -F 'tier-up: module')"
  WISP_TIER_UP_THRESHOLD=1 WISP_TIER_UP_SYNC=1 run "$WISP" run -C tier=auto,cache=n --invoke uncaught "$T/exn_noimport.wat"
  check "exceptions (auto): uncaught through compiled frames, reported" \
    test "$rc" = 134 -a "$(echo "$err" | head -n 1)" = "wisp: uncaught exception: tag 0, payload (i32 3, f64 2.5)" \
    -a -n "$(echo "$err" | grep -F '0: $thrower (func 0) at byte')"
else
  echo "SKIP exceptions in the compiled and auto tiers: $("$WISP" --version | tail -1)"
fi
