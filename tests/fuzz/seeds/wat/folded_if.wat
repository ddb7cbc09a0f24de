(module (func (param i32) (result i32 i32)
  (if (result i32 i32) (local.get 0)
    (then (i32.const 1) (i32.const 2))
    (else (i32.const 0x_1) (i32.const -0x7fff_ffff)))))
