;; Exports for the `wisp run` checks in run.sh: arguments and results of
;; every type, a trap two calls below the export, and deep recursion.
(module
  (memory (export "mem") 1)
  (func (export "id32") (param i32) (result i32) (local.get 0))
  (func (export "add64") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func (export "mulf32") (param f32 f32) (result f32) (f32.mul (local.get 0) (local.get 1)))
  (func (export "divf64") (param f64 f64) (result f64) (f64.div (local.get 0) (local.get 1)))
  (func (export "pair") (result i32 i64) (i32.const -1) (i64.const 1))
  (func (export "splat") (param i32) (result v128) (i32x4.splat (local.get 0)))
  (func (export "null") (result funcref externref) (ref.null func) (ref.null extern))
  (func $div (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $middle (param i32) (result i32) (call $div (local.get 0) (i32.const 0)))
  (func (export "crash") (result i32) (call $middle (i32.const 7)))
  (func $forever (export "forever") (param i32) (result i32)
    (call $forever (i32.add (local.get 0) (i32.const 1))))
  ;; Recurses n levels deep and returns n.
  (func $depth (export "depth") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $depth (i32.sub (local.get $n) (i32.const 1))))))))
