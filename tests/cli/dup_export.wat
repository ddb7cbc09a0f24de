;; Invalid: two exports share the name "run" (the second is at byte 0x1b).
(module
  (func $f)
  (export "run" (func $f))
  (export "run" (func $f)))
