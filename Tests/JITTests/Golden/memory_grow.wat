;; memory.grow runs in the generic helper; the memory base is reloaded after it.
(module (memory 1 4)
  (func $grow (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
