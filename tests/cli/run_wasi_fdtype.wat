;; Exits with the preview1 filetype of fd 3 (or 100 + errno when
;; fd_fdstat_get fails): 6 for the stream socket --tcplisten hands in, 3 for
;; a --dir.
(module
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $stat (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (local $e i32)
    (local.set $e (call $stat (i32.const 3) (i32.const 0x100)))
    (if (local.get $e) (then (call $exit (i32.add (i32.const 100) (local.get $e)))))
    (call $exit (i32.load8_u (i32.const 0x100)))))
