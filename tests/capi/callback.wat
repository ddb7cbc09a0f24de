;; Host functions called from wasm: no arguments, every number type, and
;; results of several values in both directions.
(module
  (import "host" "hello" (func $hello))
  (import "host" "mix" (func $mix (param i32 i64 f32 f64) (result f64)))
  (import "host" "swap" (func $swap (param i32 i64) (result i64 i32)))
  (import "host" "count" (func $count (result i32)))
  (import "host" "reenter" (func $reenter (param i32) (result i32)))
  (import "host" "bounce" (func $host_bounce (param i32) (result i32)))
  ;; many parameters and results: twelve in, the last ten of them back
  ;; in reverse order
  (import "host" "wide" (func $wide
    (param i32 i64 f32 f64 i32 i64 f32 f64 i32 i64 f32 f64)
    (result f64 f32 i64 i32 f64 f32 i64 i32 f64 f32)))

  ;; calls hello n times, then returns the count the host kept
  (func (export "greet") (param $n i32) (result i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (call $hello)
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (call $count))

  (func (export "call_mix") (param i32 i64 f32 f64) (result f64)
    (f64.mul
      (call $mix (local.get 0) (local.get 1) (local.get 2) (local.get 3))
      (f64.const 2)))

  ;; swap's two results, each changed so that their order shows
  (func (export "call_swap") (param i32 i64) (result i64 i32)
    (local $r i32)
    (call $swap (local.get 0) (local.get 1))
    (local.set $r)
    (i64.add (i64.const 1000))
    (i32.mul (local.get $r) (i32.const 3)))

  (func (export "spread") (param $x i32) (result i32 i64 f32 f64)
    (local.get $x)
    (i64.mul (i64.extend_i32_s (local.get $x)) (i64.const 10000000000))
    (f32.div (f32.convert_i32_s (local.get $x)) (f32.const 4))
    (f64.sub (f64.convert_i32_s (local.get $x)) (f64.const 0.125)))

  (func (export "square") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  ;; the host calls square from inside its function
  (func (export "call_reenter") (param i32) (result i32)
    (i32.add (call $reenter (local.get 0)) (i32.const 1000)))
  (func (export "call_wide")
    (param i32 i64 f32 f64 i32 i64 f32 f64 i32 i64 f32 f64)
    (result f64 f32 i64 i32 f64 f32 i64 i32 f64 f32)
    (call $wide (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5)
                (local.get 6) (local.get 7) (local.get 8) (local.get 9) (local.get 10) (local.get 11)))
  ;; bounce(n) = n for n >= 0, through n host calls, each calling bounce
  ;; again from the host
  (func (export "bounce") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (call $host_bounce (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))))
)
