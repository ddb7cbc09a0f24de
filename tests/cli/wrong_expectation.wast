;; The expectation is wrong on purpose: wisp must count it as a failure.
(assert_invalid (module (func (result i32) (i32.const 1))) "type mismatch")
