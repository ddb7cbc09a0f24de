;; Invalid: the memory's minimum exceeds its maximum (its limits are at byte 0xb).
(module (memory 2 1))
