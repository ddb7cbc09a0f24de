;; For the vector test: exports of every kind, and a trap two frames deep.
(module
  (import "env" "seed" (global i32))
  (func $outer (export "boom") (call $inner))
  (func $inner unreachable)
  (global (export "g") i32 (i32.const 1))
  (memory (export "m") 1)
  (table (export "t") 1 funcref)
)
