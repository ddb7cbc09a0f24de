(module (func (result f64) (f64.add (f64.const 0x1.fffffffffffffp+1023) (f64.const -nan:0x4)))
  (func (result f32) (f32.const 1e-45)) (func (result f32) (f32.const +inf)))
