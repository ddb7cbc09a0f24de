;; A command module: `wisp run` calls _start when there is no --invoke.
(module
  (global $g (mut i32) (i32.const 0))
  (func (export "_start") (global.set $g (i32.const 1))))
