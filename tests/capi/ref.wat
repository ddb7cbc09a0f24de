;; References: externrefs through parameters, results, a table, globals
;; and a host function; funcrefs through the same.
(module
  (type $r_i32 (func (result i32)))
  (import "host" "eglobal" (global $eg (mut externref)))
  (import "host" "echo" (func $echo (param externref) (result externref)))
  (import "host" "make" (func $make (result externref)))
  (import "host" "call_it" (func $call_it (param funcref) (result i32)))

  (table $t (export "table") 4 externref)
  (table $ft (export "ftable") 2 funcref)
  (global $g (export "global") (mut externref) (ref.null extern))
  (global $fg (export "fglobal") (mut funcref) (ref.null func))

  (func (export "identity") (param externref) (result externref) (local.get 0))
  (func (export "is_null") (param externref) (result i32) (ref.is_null (local.get 0)))
  (func (export "store") (param i32 externref) (table.set $t (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result externref) (table.get $t (local.get 0)))
  (func (export "set_global") (param externref) (global.set $g (local.get 0)))
  (func (export "get_global") (result externref) (global.get $g))
  (func (export "set_eglobal") (param externref) (global.set $eg (local.get 0)))
  (func (export "get_eglobal") (result externref) (global.get $eg))
  (func (export "through_host") (param externref) (result externref) (call $echo (local.get 0)))

  (func $f42 (export "f42") (result i32) (i32.const 42))
  (func (export "func_identity") (param funcref) (result funcref) (local.get 0))
  (func (export "f42_ref") (result funcref) (ref.func $f42))
  (func (export "set_ft") (param i32 funcref) (table.set $ft (local.get 0) (local.get 1)))
  (func (export "call_ft") (param i32) (result i32) (call_indirect $ft (type $r_i32) (local.get 0)))
  (func (export "set_fglobal") (param funcref) (global.set $fg (local.get 0)))
  (func (export "call_fglobal") (result i32)
    (table.set $ft (i32.const 0) (global.get $fg))
    (call_indirect $ft (type $r_i32) (i32.const 0)))
  ;; a foreign object the host makes inside its function
  (func (export "made") (result externref) (call $make))
  ;; a funcref handed to the host, which calls it
  (func (export "f42_via_host") (result i32) (call $call_it (ref.func $f42)))
)
