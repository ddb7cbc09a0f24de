;; Implementation limits of the decoder (src/binary/limits.h): a module past
;; one is refused before anything is sized from its counts. The spec suite has
;; no command for an implementation limit; assert_malformed here only checks
;; that decoding fails with the message given. tests/unit/test_limits.c checks
;; every limit, its error kind (limit) and offset.

;; Issue 9's findings: one function declaring 0xffffffff locals passed
;; validation and overflowed the heap in the compiler; 100,000,000 locals took
;; 490 MB before trapping.
(assert_malformed
  (module binary
    "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00"               ;; type section: () -> ()
    "\03\02\01\00"                     ;; function section
    "\07\08\01\04main\00\00"           ;; export "main"
    "\0a\0a\01\08\01\ff\ff\ff\ff\0f\7f\0b" ;; 0xffffffff i32 locals
  )
  "too many locals: 4294967295 declared, the limit is 50000"
)
(assert_malformed
  (module binary
    "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00"
    "\03\02\01\00"
    "\07\09\01\05start\00\00"
    "\0a\09\01\07\01\80\c2\d7\2f\7f\0b" ;; 100,000,000 i32 locals
  )
  "too many locals: 100000000 declared, the limit is 50000"
)

;; Parameters count as locals: 49,999 declared and 2 parameters is 50,001.
(assert_malformed
  (module binary
    "\00asm" "\01\00\00\00"
    "\01\06\01\60\02\7f\7f\00"         ;; (param i32 i32)
    "\03\02\01\00"
    "\0a\08\01\06\01\cf\86\03\7f\0b"   ;; 49,999 i32 locals
  )
  "too many locals: 49999 declared and 2 parameters, the limit is 50000"
)
(module binary
  "\00asm" "\01\00\00\00"
  "\01\06\01\60\02\7f\7f\00"
  "\03\02\01\00"
  "\0a\08\01\06\01\ce\86\03\7f\0b"     ;; 49,998 i32 locals: exactly the limit
)

;; Table minimums are limited when a table is made, maximums are not; a
;; module may declare a larger table (3.0's table.wast defines one of
;; 2^32-1 elements) and only its instantiation fails.
(assert_unlinkable
  (module binary
    "\00asm" "\01\00\00\00"
    "\04\07\01\70\00\81\ad\e2\04"      ;; (table 10000001 funcref)
  )
  "table too large: its minimum of 10000001 elements is past the limit of 10000000"
)
(module definition (table 0xffff_ffff funcref))
(module (table 0 0xffff_ffff funcref))
(module (table 10000000 funcref))
(assert_invalid
  (module (table 0xffff_ffff 0 funcref))
  "size minimum must not be greater than maximum"
)

;; More than 2^32-1 locals in all is malformed, as the spec suite says.
(assert_malformed
  (module binary
    "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00"
    "\03\02\01\00"
    "\0a\0c\01\0a\02\ff\ff\ff\ff\0f\7f\02\7e\0b"
  )
  "too many locals"
)
