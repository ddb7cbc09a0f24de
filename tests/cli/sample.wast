;; Exercises each kind of front-end command with a known outcome.
(module $m (func (export "f") (result i32) (i32.const 7)))
(assert_invalid (module (func (result i32) (i64.const 1))) "type mismatch")
(assert_malformed (module binary "\00asm" "\02\00\00\00") "unknown binary version")
(assert_malformed (module quote "(func (i32.const))") "unexpected token")
(assert_return (invoke "f") (i32.const 7))
