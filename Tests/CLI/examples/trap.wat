(module
  (func $divide (export "divide") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func $average (export "average") (param i32 i32) (result i32)
    (call $divide (i32.add (local.get 0) (local.get 1)) (i32.const 2)))
  (func $ratio (export "ratio") (param i32 i32) (result i32)
    (call $divide (local.get 0) (local.get 1))))
