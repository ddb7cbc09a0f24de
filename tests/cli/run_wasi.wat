;; Imports a WASI function, which `wisp run` does not provide yet: a link error.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (func (export "_start") (call $exit (i32.const 3))))
