import WasmLab

let engine = try Engine(EngineConfiguration(tier: "jit", bounds: .guard))
let module = try engine.compile(wat: """
    (module (import "env" "log" (func $log (param i32)))
      (func (export "add") (param i32 i32) (result i32)
        (call $log (local.get 0)) (i32.add (local.get 0) (local.get 1))))
    """)
let linker = Linker(store: Store(engine: engine))
linker.define(module: "env", name: "log", .function(.host(FunctionType(parameters: [.i32])) { call in
    print("log:", call.i32(0))
}))
let instance = try linker.instantiate(module)
print("add:", try instance.function("add")!.invoke([.i32(2), .i32(3)]))
