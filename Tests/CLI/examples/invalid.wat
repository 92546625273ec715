(module
  (func $half (param i64) (result i32)
    (i32.div_u (local.get 0) (i32.const 2))))
