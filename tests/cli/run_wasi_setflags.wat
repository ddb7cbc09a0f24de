;; Sets append and nonblock on fd 1 (wisp's own stdout) and exits with the
;; errno: wisp must put the host's flags back when it is done.
(module
  (import "wasi_snapshot_preview1" "fd_fdstat_set_flags" (func $set (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $exit (call $set (i32.const 1) (i32.const 5)))))
