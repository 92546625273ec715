;; tools/bench-instantiate: a module with a memory, a data segment, a table and a global
;; (what instantiation has to set up); `sum` reads the data.
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "hello, wasm! 0123456789abcdefghijklmnopqrstuvwxyz")
  (global $g (mut i32) (i32.const 7))
  (table 2 funcref)
  (elem (i32.const 0) $sq $sq)
  (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func (export "sum") (param $n i32) (result i32) (local $s i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $s (i32.add (local.get $s) (i32.load8_u offset=16 (local.get $n))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))
    (i32.add (local.get $s) (global.get $g))))
