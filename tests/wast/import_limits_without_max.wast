;; A memory or table declared without a maximum must not satisfy an import
;; that declares one, even the largest possible maximum.
(module $m (memory (export "mem") 1) (table (export "tab") 1 funcref))
(register "m" $m)
(assert_unlinkable (module (import "m" "mem" (memory 1 65536))) "incompatible import type")
(assert_unlinkable (module (import "m" "tab" (table 1 4294967295 funcref))) "incompatible import type")
(module (import "m" "mem" (memory 1)) (import "m" "tab" (table 1 funcref)))
