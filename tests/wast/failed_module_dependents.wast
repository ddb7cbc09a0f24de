;; A module that fails to load or to instantiate fails, and so does every
;; command that needs it, each saying which module and why; none is
;; skipped, and modules defined before it keep working.
;; expect: 3 passed, 9 failed, 0 skipped
;; expect-fail: failed_module_dependents.wast:15: FAIL module $unlinked: instantiation failed: link error: unknown import: "spectest" "nothing"
;; expect-fail: failed_module_dependents.wast:16: FAIL assert_return invoke "one": module at line 15 did not instantiate: link error: unknown import
;; expect-fail: failed_module_dependents.wast:17: FAIL action invoke $unlinked "one": module at line 15 did not instantiate: link error
;; expect-fail: failed_module_dependents.wast:18: FAIL register "u" $unlinked: module at line 15 did not instantiate: link error
;; expect-fail: failed_module_dependents.wast:21: FAIL module $invalid: module rejected: invalid: type mismatch
;; expect-fail: failed_module_dependents.wast:22: FAIL assert_trap invoke "f": module at line 21 did not load: invalid: type mismatch
;; expect-fail: failed_module_dependents.wast:23: FAIL module: module rejected: malformed: unknown operator i32.nonsense (at 23:16)
;; expect-fail: failed_module_dependents.wast:24: FAIL assert_return invoke "g": module at line 23 did not load: malformed: unknown operator i32.nonsense (at 23:16)
;; expect-fail: failed_module_dependents.wast:25: FAIL assert_return invoke $nowhere "one": unknown module instance
(module $good (func (export "one") (result i32) (i32.const 1)))
(module $unlinked (import "spectest" "nothing" (func)) (func (export "one") (result i32) (i32.const 1)))
(assert_return (invoke "one") (i32.const 1))
(invoke $unlinked "one")
(register "u" $unlinked)
(assert_return (invoke $good "one") (i32.const 1))
(register "good" $good)
(module $invalid (func (export "f") (result i32) (i64.const 0)))
(assert_trap (invoke "f") "unreachable")
(module (func (i32.nonsense)))
(assert_return (invoke "g"))
(assert_return (invoke $nowhere "one") (i32.const 1))
