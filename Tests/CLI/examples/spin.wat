(module
  (func $spin (export "spin") (loop $forever (br $forever))))
