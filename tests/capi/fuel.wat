;; Fuel: a loop that ends and one that does not.
(module
  (func (export "sum") (param $n i32) (result i32)
    (local $s i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (i32.add (local.get $s) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $s))
  (func (export "forever")
    (loop $again (br $again)))
)
