;; A direct call: arguments in the caller's homes, fp moved over them.
(module
  (func $square (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func $twice (export "twice") (param i32) (result i32)
    (i32.add (call $square (local.get 0)) (i32.const 1))))
