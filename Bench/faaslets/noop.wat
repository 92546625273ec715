;; The callee of tools/bench-faaslets' chained-call round trips: no work at all.
(module (memory (export "memory") 1) (func (export "_start")))
