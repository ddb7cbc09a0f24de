;; A form never closed is the one thing that ends a script early: the
;; commands before it run, and it counts as one failure that says where.
;; expect: 2 passed, 1 failed, 0 skipped
;; expect-fail: script_unclosed_form.wast:7: FAIL assert_return at 7:1: the script cannot be read past here: 7:1: unexpected end: this "(" is never closed
(module (func (export "f") (result i32) (i32.const 1)))
(assert_return (invoke "f") (i32.const 1))
(assert_return (invoke "f") (i32.const 1)
(assert_return (invoke "f") (i32.const 1))
