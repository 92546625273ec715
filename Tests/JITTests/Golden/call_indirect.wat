;; call_indirect: the helper resolves and checks the callee, then a native or slow call.
(module
  (type $unary (func (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $inc)
  (func $inc (type $unary) (i32.add (local.get 0) (i32.const 1)))
  (func $apply (export "apply") (param i32 i32) (result i32)
    (call_indirect (type $unary) (local.get 1) (local.get 0))))
