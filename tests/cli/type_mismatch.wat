(module
  (func $bad (result i32)
    f32.const 1.5))
