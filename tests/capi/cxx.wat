;; For the C++ program: a host function, called twice.
(module
  (import "host" "add" (func $add (param i32 i32) (result i32)))
  (func (export "add_twice") (param i32 i32 i32) (result i32)
    (call $add (call $add (local.get 0) (local.get 1)) (local.get 2)))
  (global (export "pi") f64 (f64.const 3.25))
)
