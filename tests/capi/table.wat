;; Tables: a funcref table and an externref table from the host, and one
;; of the module's own, called through with call_indirect.
(module
  (type $i2i (func (param i32) (result i32)))
  (import "host" "ftab" (table $ft 2 10 funcref))
  (import "host" "etab" (table $et 1 externref))

  (table $own (export "own") 3 5 funcref)
  (elem (table $own) (i32.const 0) func $double $negate)

  (func $double (export "double") (type $i2i) (i32.mul (local.get 0) (i32.const 2)))
  (func $negate (export "negate") (type $i2i) (i32.sub (i32.const 0) (local.get 0)))

  (func (export "call_ft") (param $i i32) (param $x i32) (result i32)
    (call_indirect $ft (type $i2i) (local.get $x) (local.get $i)))
  (func (export "call_own") (param $i i32) (param $x i32) (result i32)
    (call_indirect $own (type $i2i) (local.get $x) (local.get $i)))
  (func (export "ft_size") (result i32) (table.size $ft))
  (func (export "et_size") (result i32) (table.size $et))
  (func (export "et_is_null") (param i32) (result i32) (ref.is_null (table.get $et (local.get 0))))
  (func (export "own_grow") (param i32) (result i32) (table.grow $own (ref.null func) (local.get 0)))
  (func (export "own_size") (result i32) (table.size $own))
)
