;; One command the runner cannot read or does not know fails, with its name,
;; line and column and why; the commands after it still run.
;; expect: 9 passed, 8 failed, 0 skipped
;; expect-fail: script_recovery.wast:17: FAIL assert_frobnicate at 17:1: unknown command
;; expect-fail: script_recovery.wast:19: FAIL assert_return at 19:1: cannot read it: 19:45: unexpected token extra
;; expect-fail: script_recovery.wast:21: FAIL assert_return at 21:3: cannot read it: 22:29: constant out of range
;; expect-fail: script_recovery.wast:24: FAIL assert_return at 24:1: cannot read it: 24:44: illegal character
;; expect-fail: script_recovery.wast:26: FAIL command at 26:1: cannot read it: 26:1: a command must start with "("
;; expect-fail: script_recovery.wast:27: FAIL command at 27:1: cannot read it: 27:1: a command must start with "("
;; expect-fail: script_recovery.wast:29: FAIL input at 29:1: meta command not supported
;; expect-fail: script_recovery.wast:31: FAIL assert_return at 31:1: cannot read it: 31:42: unknown operator
(module
  (func (export "one") (result i32) (i32.const 1))
  (func (export "id") (param i32) (result i32) (local.get 0)))
(assert_return (invoke "one") (i32.const 1))

(assert_frobnicate (invoke "one") (i32.const 1) "text with a ) in it" (nested (deeper)))
(assert_return (invoke "one") (i32.const 1))
(assert_return (invoke "one") (i32.const 1) extra)
(assert_return (invoke "id" (i32.const 2)) (i32.const 2))
  (assert_return
    (invoke "id" (i32.const 0x1_0000_0000)) (i32.const 0))
(assert_return (invoke "id" (i32.const 3)) (i32.const 3))
(assert_return (invoke "id" (i32.const 4)) é (i32.const 4))
(assert_return (invoke "id" (i32.const 5)) (i32.const 5))
atom-at-top-level
)
(assert_return (invoke "id" (i32.const 6)) (i32.const 6))
(input "other.wast")
(assert_return (invoke "id" (i32.const 7)) (i32.const 7))
(assert_return (invoke "one") (i32.const 1,2))
(; a block comment ( with a stray parenthesis ;) (assert_return (invoke "one") (i32.const 1))
