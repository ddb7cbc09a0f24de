;; Globals: four imported from the host (const and var, of each number
;; type), three defined here and exported, one imported and re-exported.
(module
  (global $ci32 (import "host" "const_i32") i32)
  (global $vi64 (import "host" "var_i64") (mut i64))
  (global $cf32 (import "host" "const_f32") f32)
  (global $vf64 (import "host" "var_f64") (mut f64))

  (global $eci32 (export "exp_const_i32") i32 (i32.const 42))
  (global $evi32 (export "exp_var_i32") (mut i32) (i32.const 7))
  (global $evf32 (export "exp_var_f32") (mut f32) (f32.const 1.25))
  (export "reexp_var_i64" (global $vi64))

  (func (export "get_const_i32") (result i32) (global.get $ci32))
  (func (export "get_var_i64") (result i64) (global.get $vi64))
  (func (export "set_var_i64") (param i64) (global.set $vi64 (local.get 0)))
  (func (export "get_const_f32") (result f32) (global.get $cf32))
  (func (export "get_var_f64") (result f64) (global.get $vf64))
  (func (export "set_var_f64") (param f64) (global.set $vf64 (local.get 0)))
  (func (export "get_exp_const_i32") (result i32) (global.get $eci32))
  (func (export "get_exp_var_i32") (result i32) (global.get $evi32))
  (func (export "set_exp_var_i32") (param i32) (global.set $evi32 (local.get 0)))
  (func (export "get_exp_var_f32") (result f32) (global.get $evf32))
)
