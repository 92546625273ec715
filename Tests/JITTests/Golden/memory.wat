;; A load and a store: the bounds check differs per strategy.
(module (memory 1)
  (func $copy (export "copy") (param $from i32) (param $to i32)
    (i32.store offset=4 (local.get $to) (i32.load offset=8 (local.get $from)))))
