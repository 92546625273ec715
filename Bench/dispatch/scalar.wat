;; Scalar dispatch-loop kernels: calls (fib), integer loops and memory traffic.
;; Used to check that interpreter changes leave the scalar hot loop as fast as it was.
(module
  (memory 1)
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  ;; n iterations of an LCG mixed into a 4 KiB table.
  (func (export "loop") (param $n i32) (result i32)
    (local $i i32) (local $x i32) (local $a i32)
    (local.set $x (i32.const 12345))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 12345)))
        (local.set $a (i32.and (i32.shr_u (local.get $x) (i32.const 8)) (i32.const 4092)))
        (i32.store (local.get $a) (i32.xor (i32.load (local.get $a)) (local.get $x)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.load (i32.const 0))))
