;; A WASI program that writes "Hello, World\n" (13 bytes) in two iovecs
;; described at 0x1000, then exits with status 3 through proc_exit.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0x1000) "\00\02\00\00\07\00\00\00\07\02\00\00\06\00\00\00")
  (data (i32.const 0x200) "Hello, World\n")
  (func (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 0x1000) (i32.const 2) (i32.const 0x2000)))
    (call $exit (i32.const 3))))
