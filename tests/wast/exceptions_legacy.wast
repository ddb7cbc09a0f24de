;; The legacy exception instructions (try, catch, catch_all, delegate,
;; rethrow), as deployed toolchains still emit them: what the spec suite's
;; legacy scripts do not cover, in the plain and the folded syntax.

(module
  (tag $a (param i32))
  (tag $b (param i32))
  (tag $c)

  (func $throw-a (param i32) (throw $a (local.get 0)))

  ;; Plain syntax: try ... catch ... catch_all ... end.
  (func (export "plain") (param i32) (result i32)
    try (result i32)
      local.get 0
      i32.eqz
      if
        i32.const 5
        throw $a
      end
      local.get 0
      i32.const 1
      i32.eq
      if
        throw $c
      end
      i32.const 100
    catch $a
      i32.const 1000
      i32.add
    catch_all
      i32.const 2000
    end)

  ;; rethrow 1 inside a nested catch rethrows the outer catch's exception,
  ;; not the inner one's.
  (func (export "rethrow-depth") (result i32)
    (try (result i32)
      (do
        (try (result i32)
          (do (throw $a (i32.const 1)))
          (catch $a
            (drop)
            (try (result i32)
              (do (throw $b (i32.const 2)))
              (catch $b (drop) (rethrow 1))))))
      (catch $a)
      (catch $b (i32.const 1000) (i32.add))))

  ;; rethrow from inside a try_table within the catch: the handler of the
  ;; try_table sees it.
  (func (export "rethrow-into-try-table") (result i32)
    (try (result i32)
      (do (throw $a (i32.const 8)))
      (catch $a
        (drop)
        (block $h (result i32)
          (try_table (catch $a $h) (rethrow 2))
          (unreachable))
        (i32.const 10)
        (i32.mul))))

  ;; delegate to the caller: the function's own handlers around the try
  ;; are skipped, the caller's catch sees it.
  (func $delegates
    (try
      (do
        (try (do (call $throw-a (i32.const 3))) (delegate 1)))
      (catch_all (unreachable))))
  (func (export "delegate-caller") (result i32)
    (try (result i32)
      (do (call $delegates) (i32.const 0))
      (catch $a)))

  ;; A try without catch is a block; exceptions go through it.
  (func (export "no-catch") (result i32)
    (try (result i32)
      (do (try (do (throw $a (i32.const 4)))) (i32.const 0))
      (catch $a)))

  ;; A catch body that throws is not covered by its own try.
  (func (export "throw-in-catch") (result i32)
    (try (result i32)
      (do
        (try (result i32)
          (do (throw $c))
          (catch $c (throw $b (i32.const 6)))
          (catch $b (drop) (i32.const -1))))
      (catch $b)))

  ;; Legacy try and catch inside a loop.
  (func (export "loop") (param i32) (result i32)
    (local $n i32)
    (loop $l
      (try
        (do (throw $a (local.get 0)))
        (catch $a (local.get $n) (i32.add) (local.set $n)))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get $n))
)

(assert_return (invoke "plain" (i32.const 0)) (i32.const 1005))
(assert_return (invoke "plain" (i32.const 1)) (i32.const 2000))
(assert_return (invoke "plain" (i32.const 2)) (i32.const 100))
(assert_return (invoke "rethrow-depth") (i32.const 1))
(assert_return (invoke "rethrow-into-try-table") (i32.const 80))
(assert_return (invoke "delegate-caller") (i32.const 3))
(assert_return (invoke "no-catch") (i32.const 4))
(assert_return (invoke "throw-in-catch") (i32.const 6))
(assert_return (invoke "loop" (i32.const 100)) (i32.const 5050))

(assert_invalid (module (func (try (do) (catch_all (rethrow 1))))) "invalid rethrow label")
(assert_invalid (module (tag) (func (try (do) (delegate 1)))) "unknown label")
(assert_malformed (module quote "(module (func (try (do) (catch_all) (catch_all))))") "unexpected token")
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
  "\0a\05\01\03\00\19\0b") "END opcode expected")
