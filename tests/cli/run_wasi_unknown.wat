;; Imports a function preview1 does not have: a link error naming it.
(module
  (import "wasi_snapshot_preview1" "no_such_call" (func $f (param i32)))
  (func (export "_start") (call $f (i32.const 3))))
