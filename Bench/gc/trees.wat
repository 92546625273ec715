;; Binary trees (the classic allocation benchmark): a long-lived tree of the full depth,
;; then, for each depth from 4 up in steps of 2, many short-lived trees built and walked.
;; Returns the total node count checked.
(module
  (type $tree (struct (field $left (ref null $tree)) (field $right (ref null $tree))))

  (func $make (param $depth i32) (result (ref $tree))
    (if (result (ref $tree)) (i32.eqz (local.get $depth))
      (then (struct.new $tree (ref.null $tree) (ref.null $tree)))
      (else (struct.new $tree
        (call $make (i32.sub (local.get $depth) (i32.const 1)))
        (call $make (i32.sub (local.get $depth) (i32.const 1)))))))

  (func $check (param $t (ref $tree)) (result i32)
    (local $left (ref null $tree))
    (local.set $left (struct.get $tree $left (local.get $t)))
    (if (result i32) (ref.is_null (local.get $left))
      (then (i32.const 1))
      (else (i32.add (i32.const 1)
        (i32.add (call $check (ref.as_non_null (local.get $left)))
                 (call $check (ref.as_non_null (struct.get $tree $right (local.get $t)))))))))

  (func (export "run") (param $max i32) (result i32)
    (local $long (ref null $tree)) (local $depth i32) (local $i i32) (local $total i32)
    (local.set $long (call $make (local.get $max)))
    (local.set $depth (i32.const 4))
    (block $done
      (loop $depths
        (br_if $done (i32.gt_s (local.get $depth) (local.get $max)))
        ;; 2^(max - depth + 4) trees of this depth
        (local.set $i (i32.shl (i32.const 1) (i32.add (i32.sub (local.get $max) (local.get $depth)) (i32.const 4))))
        (loop $trees
          (local.set $total (i32.add (local.get $total) (call $check (call $make (local.get $depth)))))
          (local.tee $i (i32.sub (local.get $i) (i32.const 1)))
          (br_if $trees))
        (local.set $depth (i32.add (local.get $depth) (i32.const 2)))
        (br $depths)))
    (i32.add (local.get $total) (call $check (ref.as_non_null (local.get $long)))))
)
