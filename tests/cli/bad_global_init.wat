;; Invalid: a global's initializer reads a global defined after it, which
;; is not in scope (only earlier ones are; the global.get is at byte 0xd).
(module
  (global i32 (global.get 1))
  (global i32 (i32.const 0)))
