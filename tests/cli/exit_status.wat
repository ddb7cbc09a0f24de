;; Calls proc_exit with its argument: `wisp run exit_status.wat --invoke exit N`.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "exit") (param i32) (call $exit (local.get 0))))
