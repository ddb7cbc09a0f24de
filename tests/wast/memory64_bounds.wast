;; memory64: accesses at and around the end of an i64 memory, with offsets
;; up to 2^64-1, in every tier and both trap modes (tests/wast/run.sh runs
;; the compiled tier with guard regions and with explicit checks). With
;; guard regions, compiled code compares the address with RT_MEM64_SPAN
;; (16 GiB) when offset + size is at most RT_MEM64_GUARD (4 GiB), with
;; span + guard - (offset + size) when it is larger, and traps outright
;; past the reservation (span + guard, 20 GiB) or 2^64; what passes the
;; compare faults past the memory's size. Each offset below sits on one
;; side of one of those switches; the address is the one that would land
;; on the memory's last bytes if the sum wrapped, or just past the end.

(module
  (memory i64 1 2)
  (data (i64.const 0xfff8) "\01\02\03\04\05\06\07\08")
  (func (export "load64") (param i64) (result i64) (i64.load (local.get 0)))
  (func (export "load8") (param i64) (result i32) (i32.load8_u (local.get 0)))
  (func (export "load64_off8") (param i64) (result i64) (i64.load offset=8 (local.get 0)))
  (func (export "v128_load") (param i64) (result i64) (i64x2.extract_lane 1 (v128.load (local.get 0))))
  (func (export "store64") (param i64 i64) (i64.store (local.get 0) (local.get 1)))
  ;; offset + 8 = 4 GiB (the guard), then one more.
  (func (export "load64_guard") (param i64) (result i64) (i64.load offset=0xffff_fff8 (local.get 0)))
  (func (export "load64_guard1") (param i64) (result i64) (i64.load offset=0xffff_fff9 (local.get 0)))
  ;; The span (16 GiB) as an offset.
  (func (export "load64_span") (param i64) (result i64) (i64.load offset=0x4_0000_0000 (local.get 0)))
  ;; offset + 8 = 20 GiB (the whole reservation), then one more.
  (func (export "load64_reserve") (param i64) (result i64) (i64.load offset=0x4_ffff_fff8 (local.get 0)))
  (func (export "load64_reserve1") (param i64) (result i64) (i64.load offset=0x4_ffff_fff9 (local.get 0)))
  ;; offset + 8 = 2^64 exactly, and the largest offset.
  (func (export "load64_wrap") (param i64) (result i64) (i64.load offset=0xffff_ffff_ffff_fff8 (local.get 0)))
  (func (export "load8_max") (param i64) (result i32) (i32.load8_u offset=0xffff_ffff_ffff_ffff (local.get 0)))
  (func (export "store8_max") (param i64) (i32.store8 offset=0xffff_ffff_ffff_ffff (local.get 0) (i32.const 0x55)))
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
)

;; The last bytes, and one past.
(assert_return (invoke "load64" (i64.const 0xfff8)) (i64.const 0x0807060504030201))
(assert_trap (invoke "load64" (i64.const 0xfff9)) "out of bounds memory access")
(assert_return (invoke "load8" (i64.const 0xffff)) (i32.const 8))
(assert_trap (invoke "load8" (i64.const 0x10000)) "out of bounds memory access")
(assert_return (invoke "load64_off8" (i64.const 0xfff0)) (i64.const 0x0807060504030201))
(assert_trap (invoke "load64_off8" (i64.const 0xfff1)) "out of bounds memory access")
(assert_trap (invoke "load64_off8" (i64.const -8)) "out of bounds memory access")
(assert_return (invoke "v128_load" (i64.const 0xfff0)) (i64.const 0x0807060504030201))
(assert_trap (invoke "v128_load" (i64.const 0xfff1)) "out of bounds memory access")
;; Addresses around the span and the reservation's end, past the memory.
(assert_trap (invoke "load8" (i64.const 0x3_ffff_ffff)) "out of bounds memory access")
(assert_trap (invoke "load8" (i64.const 0x4_0000_0000)) "out of bounds memory access")
(assert_trap (invoke "load8" (i64.const 0x4_0000_0001)) "out of bounds memory access")
(assert_trap (invoke "load8" (i64.const 0x4_ffff_ffff)) "out of bounds memory access")
(assert_trap (invoke "load8" (i64.const 0x5_0000_0000)) "out of bounds memory access")
(assert_trap (invoke "load8" (i64.const 0x8000_0000_0000_0000)) "out of bounds memory access")
(assert_trap (invoke "load8" (i64.const -1)) "out of bounds memory access")
;; A store that would cross the end writes nothing.
(assert_trap (invoke "store64" (i64.const 0xfffc) (i64.const -1)) "out of bounds memory access")
(assert_return (invoke "load64" (i64.const 0xfff8)) (i64.const 0x0807060504030201))
;; Large offsets: out of bounds whatever the address, never wrapped back
;; onto the memory's last bytes.
(assert_trap (invoke "load64_guard" (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "load64_guard" (i64.const 0x4_0000_0000)) "out of bounds memory access")
(assert_trap (invoke "load64_guard" (i64.const 0xffff_ffff_0000_fff8)) "out of bounds memory access")
(assert_trap (invoke "load64_guard1" (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "load64_guard1" (i64.const 0xffff_ffff_0000_fff7)) "out of bounds memory access")
(assert_trap (invoke "load64_span" (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "load64_span" (i64.const 0xffff_fffc_0000_fff8)) "out of bounds memory access")
(assert_trap (invoke "load64_reserve" (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "load64_reserve" (i64.const 0xffff_fffb_0001_0000)) "out of bounds memory access")
(assert_trap (invoke "load64_reserve1" (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "load64_reserve1" (i64.const 0xffff_fffb_0000_ffff)) "out of bounds memory access")
(assert_trap (invoke "load64_wrap" (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "load64_wrap" (i64.const 0x1_0000)) "out of bounds memory access")
(assert_trap (invoke "load8_max" (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "load8_max" (i64.const 0x1_0000)) "out of bounds memory access")
(assert_trap (invoke "load8_max" (i64.const -1)) "out of bounds memory access")
(assert_trap (invoke "store8_max" (i64.const 0x1_0000)) "out of bounds memory access")
(assert_return (invoke "load8" (i64.const 0xffff)) (i32.const 8))
;; Grown by a page, the new end is in bounds and the old ones still hold.
(assert_return (invoke "grow" (i64.const 1)) (i64.const 1))
(assert_return (invoke "load64" (i64.const 0xfff9)) (i64.const 0x0008070605040302))
(assert_return (invoke "load64" (i64.const 0x1_fff8)) (i64.const 0))
(assert_trap (invoke "load64" (i64.const 0x1_fff9)) "out of bounds memory access")
(assert_trap (invoke "load8_max" (i64.const 0x2_0000)) "out of bounds memory access")
(assert_trap (invoke "load8_max" (i64.const 0x1_ffff)) "out of bounds memory access")
(assert_return (invoke "grow" (i64.const 1)) (i64.const -1))
