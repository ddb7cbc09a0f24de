;; A memory the host creates, imported and exported again.
(module
  (import "host" "mem" (memory $m 1 3))
  (export "mem" (memory $m))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "size") (result i32) (memory.size))
)
