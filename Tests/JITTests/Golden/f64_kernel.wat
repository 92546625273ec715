;; An f64 dot product over memory: SSE arithmetic, float registers across the loop body.
(module (memory 1)
  (func $dot (export "dot") (param $a i32) (param $b i32) (param $n i32) (result f64) (local $s f64)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (f64.add (local.get $s)
          (f64.mul (f64.load (local.get $a)) (f64.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (local.set $b (i32.add (local.get $b) (i32.const 8)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $s)))
