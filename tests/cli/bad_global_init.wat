;; Invalid: a global's initializer reads a defined global, which is not in
;; scope in Wasm 2.0 (the global.get is at byte 0x12).
(module
  (global i32 (i32.const 0))
  (global i32 (global.get 0)))
