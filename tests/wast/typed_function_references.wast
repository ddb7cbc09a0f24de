;; Typed function references (Wasm 3.0): what the spec suite leaves out.
;; call_ref across instances and to host functions, call_indirect to a
;; declared subtype (the runtime's slow path), recursion groups made
;; equivalent across modules, typed globals and tables at link time, tables
;; with initializers, br_on_null/br_on_non_null carrying several values,
;; and return_call_ref in constant stack space.

(module $lib
  (type $ii (func (param i32) (result i32)))
  (func $inc (export "inc") (type $ii) (i32.add (local.get 0) (i32.const 1)))
  (global (export "inc-ref") (ref $ii) (ref.func $inc))
  (global (export "mut-ref") (mut (ref null $ii)) (ref.null $ii))
  (table (export "tab") 2 (ref $ii) (ref.func $inc))
)
(register "lib" $lib)

(module
  (type $ii (func (param i32) (result i32)))
  (type $p (func (param i32)))
  (import "lib" "inc" (func $inc (type $ii)))
  (import "lib" "inc-ref" (global $g (ref $ii)))
  ;; An immutable global may be imported at a supertype.
  (import "lib" "inc-ref" (global $gf funcref))
  (import "lib" "mut-ref" (global $m (mut (ref null $ii))))
  (import "lib" "tab" (table $tab 2 (ref $ii)))
  (import "spectest" "print_i32" (func $print (type $p)))

  (func $twice (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  (elem declare func $twice $print)

  (func (export "via-global") (param i32) (result i32)
    (call_ref $ii (local.get 0) (global.get $g)))
  (func (export "via-table") (param i32) (result i32)
    (call_ref $ii (local.get 0) (table.get $tab (i32.const 1))))
  ;; The host function, through a reference.
  (func (export "print") (param i32)
    (call_ref $p (local.get 0) (ref.func $print)))
  ;; Writing the other instance's mutable global, then calling through it.
  (func (export "via-mut") (param i32) (result i32)
    (global.set $m (ref.func $twice))
    (call_ref $ii (local.get 0) (global.get $m)))
  (func (export "null-mut") (param i32) (result i32)
    (global.set $m (ref.null $ii))
    (call_ref $ii (local.get 0) (global.get $m)))
  ;; Table elements written here are called there and back.
  (func (export "set-and-call") (param i32) (result i32)
    (table.set $tab (i32.const 0) (ref.func $twice))
    (call_ref $ii (local.get 0) (table.get $tab (i32.const 0))))
)
(assert_return (invoke "via-global" (i32.const 41)) (i32.const 42))
(assert_return (invoke "via-table" (i32.const 1)) (i32.const 2))
(assert_return (invoke "print" (i32.const 7)))
(assert_return (invoke "via-mut" (i32.const 21)) (i32.const 42))
(assert_trap (invoke "null-mut" (i32.const 1)) "null function reference")
(assert_return (invoke "set-and-call" (i32.const 5)) (i32.const 10))

;; Link-time types: a mutable global must be of the same type, a function
;; of a subtype, a table of the same element type.
(assert_unlinkable
  (module (import "lib" "mut-ref" (global (mut funcref))))
  "incompatible import type")
(assert_unlinkable
  (module (type $l (func (param i64) (result i32))) (import "lib" "inc-ref" (global (ref $l))))
  "incompatible import type")
(assert_unlinkable
  (module (import "lib" "tab" (table 2 funcref)))
  "incompatible import type")
(assert_unlinkable
  (module (type $ii (func (param i32) (result i32))) (import "lib" "tab" (table 2 (ref null $ii))))
  "incompatible import type")

;; Declared subtypes: call_indirect and imports accept a function of a
;; subtype of the type they name, and refuse an unrelated one.
(module $sub
  (type $base (sub (func (result funcref))))
  (type $derived (sub final $base (func (result (ref func)))))
  (type $other (func (result funcref)))
  (func $d (export "d") (type $derived) (ref.func $d))
  (func $o (type $other) (ref.null func))
  (table 2 funcref)
  (elem (i32.const 0) func $d $o)
  (func (export "call") (param i32) (result i32)
    (ref.is_null (call_indirect (type $base) (local.get 0))))
)
(register "sub" $sub)
(assert_return (invoke "call" (i32.const 0)) (i32.const 0))
(assert_trap (invoke "call" (i32.const 1)) "indirect call type mismatch")
(module
  (type $base (sub (func (result funcref))))
  (import "sub" "d" (func (type $base))))
(assert_unlinkable
  (module (type $x (func (result funcref))) (import "sub" "d" (func (type $x))))
  "incompatible import type")

;; Recursion groups: equivalent when the same group, wherever it sits in
;; the module; a type in a different group (or at another place in the
;; group) is another type.
(module $rec
  (rec (type $f (func (param (ref null $g)))) (type $g (func (param (ref null $f)))))
  (func (export "f") (type $f))
)
(register "rec" $rec)
(module
  (type (func (param i64)))
  (rec (type $f2 (func (param (ref null $g2)))) (type $g2 (func (param (ref null $f2)))))
  (import "rec" "f" (func (type $f2)))
)
(assert_unlinkable
  (module
    (rec (type $g2 (func (param (ref null $f2)))) (type $f2 (func (param (ref null $g2)))))
    (import "rec" "f" (func (type $f2))))
  "incompatible import type")
(assert_unlinkable
  (module
    (rec (type $f2 (func (param (ref null $f2)))))
    (import "rec" "f" (func (type $f2))))
  "incompatible import type")

;; Tables with initializers, grown with a non-null value.
(module
  (type $ii (func (param i32) (result i32)))
  (func $neg (type $ii) (i32.sub (i32.const 0) (local.get 0)))
  (table $t 3 10 (ref $ii) (ref.func $neg))
  (func (export "call") (param i32 i32) (result i32)
    (call_ref $ii (local.get 1) (table.get $t (local.get 0))))
  (func (export "grow") (result i32) (table.grow $t (ref.func $neg) (i32.const 2)))
  (func (export "size") (result i32) (table.size $t))
)
(assert_return (invoke "call" (i32.const 2) (i32.const 5)) (i32.const -5))
(assert_return (invoke "grow") (i32.const 3))
(assert_return (invoke "call" (i32.const 4) (i32.const 6)) (i32.const -6))
(assert_return (invoke "size") (i32.const 5))
(assert_invalid
  (module (type $ii (func (param i32) (result i32))) (table 1 (ref $ii)))
  "type mismatch")

;; br_on_null and br_on_non_null with several values carried, in a loop.
(module
  (type $ii (func (param i32) (result i32)))
  (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
  (elem declare func $inc)
  ;; Sums n, counting down, taking the null branch on the last round.
  (func (export "loop") (param $n i32) (result i32 i64)
    (local $acc i64) (local $r (ref null $ii))
    (block $done (result i32 i64)
      (loop $l
        (local.set $r (if (result (ref null $ii)) (local.get $n)
                        (then (ref.func $inc)) (else (ref.null $ii))))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $n))))
        (local.get $n) (local.get $acc) (local.get $r)
        (br_on_null $done)
        (local.set $r)
        (drop) (drop)
        (local.set $n (call_ref $ii (i32.add (local.get $n) (i32.const -2)) (local.get $r)))
        (br $l))
      (unreachable))
  )
  (func (export "non-null") (param i32) (result i32 i32)
    (local $f (ref null $ii))
    (block $b (result i32 (ref $ii))
      (br_on_non_null $b (i32.const 7)
        (if (result (ref null $ii)) (local.get 0) (then (ref.func $inc)) (else (ref.null $ii))))
      (return (i32.const -1) (i32.const -1)))
    (local.set $f)
    (call_ref $ii (i32.const 100) (local.get $f)))
)
(assert_return (invoke "loop" (i32.const 4)) (i32.const 0) (i64.const 10))
(assert_return (invoke "non-null" (i32.const 1)) (i32.const 7) (i32.const 101))
(assert_return (invoke "non-null" (i32.const 0)) (i32.const -1) (i32.const -1))

;; return_call_ref in constant stack space: far past the call depth limit.
(module
  (type $t (func (param i64 i64) (result i64)))
  (elem declare func $even $odd)
  (func $even (type $t)
    (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))
      (else (return_call_ref $t (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (i64.const 1))
              (ref.func $odd)))))
  (func $odd (type $t)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.sub (i64.const 0) (local.get 1)))
      (else (return_call_ref $t (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (i64.const 1))
              (ref.func $even)))))
  (func (export "run") (param i64) (result i64) (call $even (local.get 0) (i64.const 0)))
)
(assert_return (invoke "run" (i64.const 1000000)) (i64.const 1000000))
(assert_return (invoke "run" (i64.const 1000001)) (i64.const -1000001))

;; ref.as_non_null and locals without a default.
(module
  (type $v (func))
  (func $nop (type $v))
  (elem declare func $nop)
  (func (export "as") (param i32) (result i32)
    (local $r (ref $v))
    (local.set $r (ref.as_non_null
      (if (result (ref null $v)) (local.get 0) (then (ref.func $nop)) (else (ref.null $v)))))
    (call_ref $v (local.get $r))
    (i32.const 1))
)
(assert_return (invoke "as" (i32.const 1)) (i32.const 1))
(assert_trap (invoke "as" (i32.const 0)) "null reference")
(assert_invalid
  (module (type $v (func))
    (func (param (ref $v)) (local $r (ref $v))
      (block (local.set $r (local.get 0)))
      (drop (local.get $r))))
  "uninitialized local")
