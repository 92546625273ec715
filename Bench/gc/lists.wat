;; Linked lists: rounds of building a list of `length` nodes (all live until the round
;; ends), summing it, and dropping it. Returns the sum over all rounds (mod 2^32).
(module
  (type $node (struct (field $value i32) (field $next (ref null $node))))

  (func (export "run") (param $rounds i32) (param $length i32) (result i32)
    (local $list (ref null $node)) (local $i i32) (local $sum i32)
    (loop $round
      (local.set $list (ref.null $node))
      (local.set $i (local.get $length))
      (loop $build
        (local.set $list (struct.new $node (local.get $i) (local.get $list)))
        (local.tee $i (i32.sub (local.get $i) (i32.const 1)))
        (br_if $build))
      (block $walked
        (loop $walk
          (br_if $walked (ref.is_null (local.get $list)))
          (local.set $sum (i32.add (local.get $sum) (struct.get $node $value (local.get $list))))
          (local.set $list (struct.get $node $next (local.get $list)))
          (br $walk)))
      (local.tee $rounds (i32.sub (local.get $rounds) (i32.const 1)))
      (br_if $round))
    (local.get $sum))
)
