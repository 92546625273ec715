;; Floating point: Mandelbrot escape counts over an n x n grid; returns the sum of iterations.
(module
  (func (export "main") (param $n i32) (result i32)
    (local $x i32) (local $y i32) (local $it i32) (local $sum i32)
    (local $cr f64) (local $ci f64) (local $zr f64) (local $zi f64) (local $t f64)
    (loop $rows
      (local.set $x (i32.const 0))
      (loop $cols
        (local.set $cr (f64.sub (f64.div (f64.mul (f64.convert_i32_s (local.get $x)) (f64.const 3)) (f64.convert_i32_s (local.get $n))) (f64.const 2)))
        (local.set $ci (f64.sub (f64.div (f64.mul (f64.convert_i32_s (local.get $y)) (f64.const 2)) (f64.convert_i32_s (local.get $n))) (f64.const 1)))
        (local.set $zr (f64.const 0))
        (local.set $zi (f64.const 0))
        (local.set $it (i32.const 0))
        (block $escape
          (loop $iter
            (br_if $escape (f64.gt (f64.add (f64.mul (local.get $zr) (local.get $zr)) (f64.mul (local.get $zi) (local.get $zi))) (f64.const 4)))
            (br_if $escape (i32.ge_u (local.get $it) (i32.const 200)))
            (local.set $t (f64.add (f64.sub (f64.mul (local.get $zr) (local.get $zr)) (f64.mul (local.get $zi) (local.get $zi))) (local.get $cr)))
            (local.set $zi (f64.add (f64.mul (f64.mul (f64.const 2) (local.get $zr)) (local.get $zi)) (local.get $ci)))
            (local.set $zr (local.get $t))
            (local.set $it (i32.add (local.get $it) (i32.const 1)))
            (br $iter)))
        (local.set $sum (i32.add (local.get $sum) (local.get $it)))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br_if $cols (i32.lt_u (local.get $x) (local.get $n))))
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $y) (local.get $n))))
    (local.get $sum)))
