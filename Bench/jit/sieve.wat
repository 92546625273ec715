;; Memory- and branch-heavy: sieve of Eratosthenes over n bytes, repeated; returns the prime count.
(module
  (memory 16)
  (func (export "main") (param $reps i32) (result i32)
    (local $n i32) (local $i i32) (local $j i32) (local $count i32)
    (local.set $n (i32.const 1000000))
    (loop $rep
      (memory.fill (i32.const 0) (i32.const 1) (local.get $n))
      (local.set $count (i32.const 0))
      (local.set $i (i32.const 2))
      (loop $outer
        (if (i32.load8_u (local.get $i))
          (then
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            (local.set $j (i32.mul (local.get $i) (local.get $i)))
            (block $done
              (loop $inner
                (br_if $done (i32.ge_u (local.get $j) (local.get $n)))
                (i32.store8 (local.get $j) (i32.const 0))
                (local.set $j (i32.add (local.get $j) (local.get $i)))
                (br $inner)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $outer (i32.lt_u (local.get $i) (local.get $n))))
      (local.set $reps (i32.sub (local.get $reps) (i32.const 1)))
      (br_if $rep (local.get $reps)))
    (local.get $count)))
