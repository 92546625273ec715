;; A counting loop closed by br_if.
(module (func $sum (export "sum") (param $n i32) (result i32) (local $acc i32)
  (loop $again
    (local.set $acc (i32.add (local.get $acc) (local.get $n)))
    (local.set $n (i32.sub (local.get $n) (i32.const 1)))
    (br_if $again (i32.gt_s (local.get $n) (i32.const 0))))
  (local.get $acc)))
