;; Several memories (multi-memory), each exported: "a" is memory 0 (1
;; page), "b" memory 1 (2 pages, at most 3), with data of their own.
(module
  (memory (export "a") 1)
  (memory $b (export "b") 2 3)
  (data (i32.const 0) "\0a")
  (data (memory $b) (i32.const 0) "\0b")
  (func (export "store8") (param i32 i32) (i32.store8 $b (local.get 0) (local.get 1)))
  (func (export "size") (result i32) (memory.size $b))
  (func (export "grow") (param i32) (result i32) (memory.grow $b (local.get 0)))
)
