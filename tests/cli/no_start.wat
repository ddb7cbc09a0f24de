;; No _start: a start function and _initialize that write to stdout.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "start\ninitialize\n")
  (func $say (param $p i32) (param $n i32)
    (i32.store (i32.const 0) (local.get $p))
    (i32.store (i32.const 4) (local.get $n))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func $start (call $say (i32.const 100) (i32.const 6)))
  (start $start)
  (func (export "_initialize") (call $say (i32.const 106) (i32.const 11))))
