;; A Faasm function in the text format (no C toolchain needed): answers "hello " followed
;; by its input. Upload it with the invoke API (README, "Serving functions"):
;;   curl -X PUT --data-binary @Examples/functions/greet.wat http://127.0.0.1:8080/f/examples/greet
(module
  (import "env" "__faasm_read_input" (func $read_input (param i32 i32) (result i32)))
  (import "env" "__faasm_write_output" (func $write_output (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 1018) "hello ")
  ;; The input goes right after "hello " (at 1024), up to 60,000 bytes.
  (func (export "_start") (local $length i32)
    (local.set $length (call $read_input (i32.const 1024) (i32.const 60000)))
    (call $write_output (i32.const 1018) (i32.add (local.get $length) (i32.const 6)))))
