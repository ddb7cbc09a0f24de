;; The 3.0 script's values and result patterns: (either ...), ref.null of
;; every heap type and with none, (ref.func), (ref.extern), and the
;; patterns of reference kinds wisp has no values of yet, which no result
;; matches; and assert_exception, which no wisp action can pass yet.
;; expect: 17 passed, 16 failed, 0 skipped
;; expect-fail: result_patterns.wast:55: FAIL assert_return invoke "i32": expected (either(i32:0x00000001 (1) | i32:0x00000002 (2))), got (i32:0x00000003 (3))
;; expect-fail: result_patterns.wast:56: FAIL assert_return invoke "two": expected (either(i32:0x00000001 (1)), either(i64:0x0000000000000001 (1) | i64:0x0000000000000003 (3))), got (i32:0x00000001 (1), i64:0x0000000
;; expect-fail: result_patterns.wast:57: FAIL assert_return invoke "func": expected (ref.null extern), got (ref.null func)
;; expect-fail: result_patterns.wast:58: FAIL assert_return invoke "func": expected (ref.null any), got (ref.null func)
;; expect-fail: result_patterns.wast:59: FAIL assert_return invoke "func": expected (ref.null), got (ref.func func[0])
;; expect-fail: result_patterns.wast:60: FAIL assert_return invoke "func": expected (ref.func (any)), got (ref.null func)
;; expect-fail: result_patterns.wast:61: FAIL assert_return invoke "extern": expected (ref.extern 8), got (ref.extern 7)
;; expect-fail: result_patterns.wast:62: FAIL assert_return invoke "extern": expected (ref.struct (any)), got (ref.extern 7)
;; expect-fail: result_patterns.wast:63: FAIL assert_return invoke "extern": expected (ref.host 7), got (ref.extern 7)
;; expect-fail: result_patterns.wast:64: FAIL assert_return invoke "extern": expected (ref.null exn), got (ref.null extern)
;; expect-fail: result_patterns.wast:66: FAIL assert_return invoke "extern": argument 0 (ref.null func) does not match the parameter type externref
;; expect-fail: result_patterns.wast:67: FAIL action invoke "extern": argument 0 (ref.host 1) does not match the parameter type externref
;; expect-fail: result_patterns.wast:68: FAIL invoke at 68:1: cannot read it: 68:19: ref.struct is a result pattern, not an argument
;; expect-fail: result_patterns.wast:69: FAIL assert_return at 69:1: cannot read it: 69:54: either inside either
;; expect-fail: result_patterns.wast:71: FAIL assert_exception invoke "i32": expected an uncaught exception, got (i32:0x00000001 (1))
;; expect-fail: result_patterns.wast:72: FAIL assert_exception invoke "trap": expected an uncaught exception: trap: unreachable
(module
  (table $t 2 funcref)
  (func $f)
  (elem (table $t) (i32.const 0) func $f)
  (func (export "i32") (param i32) (result i32) (local.get 0))
  (func (export "two") (result i32 i64) (i32.const 1) (i64.const 2))
  (func (export "f32") (param f32) (result f32) (local.get 0))
  (func (export "v128") (param v128) (result v128) (local.get 0))
  (func (export "func") (param i32) (result funcref) (table.get $t (local.get 0)))
  (func (export "extern") (param externref) (result externref) (local.get 0))
  (func (export "trap") (unreachable)))

(assert_return (invoke "i32" (i32.const 2)) (either (i32.const 1) (i32.const 2)))
(assert_return (invoke "i32" (i32.const 2)) (either (i32.const 2)))
(assert_return (invoke "two") (either (i32.const 0) (i32.const 1)) (either (i64.const 2) (i64.const 3)))
(assert_return (invoke "f32" (f32.const nan)) (either (f32.const 0) (f32.const nan:canonical)))
(assert_return (invoke "v128" (v128.const i32x4 1 2 3 4))
  (either (v128.const i64x2 0 0) (v128.const i32x4 1 2 3 4)))
(assert_return (invoke "v128" (v128.const f32x4 1 2 3 nan))
  (either (v128.const f32x4 1 2 3 4) (v128.const f32x4 1 2 3 nan:arithmetic)))

(assert_return (invoke "func" (i32.const 1)) (ref.null func))
(assert_return (invoke "func" (i32.const 1)) (ref.null nofunc))
(assert_return (invoke "func" (i32.const 1)) (ref.null))
(assert_return (invoke "func" (i32.const 0)) (ref.func))
(assert_return (invoke "func" (i32.const 0)) (either (ref.null func) (ref.func)))
(assert_return (invoke "extern" (ref.null extern)) (ref.null extern))
(assert_return (invoke "extern" (ref.null noextern)) (ref.null noextern))
(assert_return (invoke "extern" (ref.null noextern)) (ref.null))
(assert_return (invoke "extern" (ref.extern 7)) (ref.extern 7))
(assert_return (invoke "extern" (ref.extern 7)) (ref.extern))

;; Results that do not match.
(assert_return (invoke "i32" (i32.const 3)) (either (i32.const 1) (i32.const 2)))
(assert_return (invoke "two") (either (i32.const 1)) (either (i64.const 1) (i64.const 3)))
(assert_return (invoke "func" (i32.const 1)) (ref.null extern))
(assert_return (invoke "func" (i32.const 1)) (ref.null any))
(assert_return (invoke "func" (i32.const 0)) (ref.null))
(assert_return (invoke "func" (i32.const 1)) (ref.func))
(assert_return (invoke "extern" (ref.extern 7)) (ref.extern 8))
(assert_return (invoke "extern" (ref.extern 7)) (ref.struct))
(assert_return (invoke "extern" (ref.extern 7)) (ref.host 7))
(assert_return (invoke "extern" (ref.null extern)) (ref.null exn))
;; Arguments of the wrong type, and patterns where a value must be.
(assert_return (invoke "extern" (ref.null func)) (ref.null extern))
(invoke "extern" (ref.host 1))
(invoke "extern" (ref.struct))
(assert_return (invoke "i32" (i32.const 1)) (either (either (i32.const 1))))
;; wisp has no exceptions yet: an action that returns or traps fails.
(assert_exception (invoke "i32" (i32.const 1)))
(assert_exception (invoke "trap"))
