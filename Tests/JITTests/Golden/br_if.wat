;; Compare and branch are fused: the comparison sets the flags the branch uses.
(module (func $pick (export "pick") (param i32) (result i32)
  (block (br_if 0 (i32.lt_s (local.get 0) (i32.const 10))) (return (i32.const 1)))
  (i32.const 2)))
