;; (module definition) compiles and validates a module without
;; instantiating it; (module instance $inst? $def?) instantiates one, each
;; instance with its own state. Definitions and instances have separate
;; names; a plain (module $m) is both.
;; expect: 34 passed, 7 failed, 0 skipped
;; expect-fail: module_definitions.wast:67: FAIL action invoke $I4 "inc": no such export
;; expect-fail: module_definitions.wast:72: FAIL module definition $bad: module rejected: invalid: type mismatch
;; expect-fail: module_definitions.wast:73: FAIL module instance $B $bad: module at line 72 did not load: invalid: type mismatch
;; expect-fail: module_definitions.wast:74: FAIL assert_return invoke $B "x": module at line 72 did not load: invalid: type mismatch
;; expect-fail: module_definitions.wast:75: FAIL module instance $Z $nowhere: unknown module definition
;; expect-fail: module_definitions.wast:77: FAIL module instance $U $unlinked: instantiation failed: link error: unknown import: "nowhere" "f"
;; expect-fail: module_definitions.wast:78: FAIL assert_return invoke $U "f": module instance at line 77 did not instantiate: link error: unknown import: "nowhere" "f"
(module definition $D
  (global $g (export "g") (mut i32) (i32.const 0))
  (func (export "inc") (result i32)
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (global.get $g)))
(module instance $I1 $D)
(module instance $I2 $D)
(assert_return (invoke $I1 "inc") (i32.const 1))
(assert_return (invoke $I1 "inc") (i32.const 2))
(assert_return (invoke $I2 "inc") (i32.const 1))
(assert_return (get $I1 "g") (i32.const 2))

;; Instances register under their names.
(register "I2" $I2)
(module (import "I2" "g" (global $g (mut i32))) (func (export "read") (result i32) (global.get $g)))
(assert_return (invoke "read") (i32.const 1))

;; No names: the latest definition, and the new instance is the latest. A
;; definition leaves the latest instance as it was.
(module definition (func (export "forty-two") (result i32) (i32.const 42)))
(assert_return (invoke "read") (i32.const 1))
(module instance)
(assert_return (invoke "forty-two") (i32.const 42))

;; A definition does not run its start function; each instance does.
(module $counter
  (global $n (export "n") (mut i32) (i32.const 0))
  (func (export "bump") (global.set $n (i32.add (global.get $n) (i32.const 1)))))
(register "counter" $counter)
(module definition $S (import "counter" "bump" (func $bump)) (start $bump))
(assert_return (get $counter "n") (i32.const 0))
(module instance $S1 $S)
(assert_return (get $counter "n") (i32.const 1))
(module instance $S2 $S)
(assert_return (get $counter "n") (i32.const 2))

;; A plain module is a definition too: a new instance starts afresh.
(module $P
  (global (export "k") (mut i32) (i32.const 5))
  (func (export "set") (param i32) (global.set 0 (local.get 0))))
(invoke $P "set" (i32.const 9))
(module instance $P2 $P)
(assert_return (get $P2 "k") (i32.const 5))
(assert_return (get $P "k") (i32.const 9))

;; Binary definitions, and quoted names: $"D" is $D.
(module definition $bin binary "\00asm" "\01\00\00\00")
(module instance $"bin instance" $"bin")
(module instance $"I3" $"D")
(assert_return (invoke $I3 "inc") (i32.const 1))
(assert_return (get $"I1" "g") (i32.const 2))
;; Without a definition name: the latest definition, $bin, which has no
;; exports.
(module instance $I4)
(invoke $I4 "inc")

;; A definition that does not validate fails, and so does every instance
;; of it and every command using those; one that does not link fails only
;; where it is instantiated.
(module definition $bad (func (export "x") (result i32) (i64.const 0)))
(module instance $B $bad)
(assert_return (invoke $B "x") (i32.const 0))
(module instance $Z $nowhere)
(module definition $unlinked (import "nowhere" "f" (func)) (func (export "f")))
(module instance $U $unlinked)
(assert_return (invoke $U "f"))
