import WasmCore

extension Linker {
    /// Defines the `spectest` module the official testsuite imports from: `print*`
    /// functions (which print nothing), `global_i32` = 666, `global_i64` = 666,
    /// `global_f32` = 666.6, `global_f64` = 666.6, `table` (10..20 funcref), `table64`
    /// (the same with i64 indices) and `memory` (1..2 pages).
    public func defineSpectest() {
        let prints: [(String, [ValueType])] = [
            ("print", []), ("print_i32", [.i32]), ("print_i64", [.i64]), ("print_f32", [.f32]),
            ("print_f64", [.f64]), ("print_i32_f32", [.i32, .f32]), ("print_f64_f64", [.f64, .f64]),
        ]
        for (name, params) in prints {
            define(module: "spectest", name: name,
                   .function(Function(type: FunctionType(parameters: params), name: "spectest.\(name)") { _ in [] }))
        }
        let globals: [(String, ValueType, Value)] = [
            ("global_i32", .i32, .i32(666)), ("global_i64", .i64, .i64(666)),
            ("global_f32", .f32, .float(666.6)), ("global_f64", .f64, .double(666.6)),
        ]
        for (name, type, value) in globals {
            if let g = try? Global(type: GlobalType(type), value: value) { define(module: "spectest", name: name, .global(g)) }
        }
        if let table = try? Table(type: TableType(.funcRef, Limits(min: 10, max: 20))) {
            define(module: "spectest", name: "table", .table(table))
        }
        if let table = try? Table(type: TableType(.funcRef, Limits(min: 10, max: 20, is64: true))) {
            define(module: "spectest", name: "table64", .table(table))
        }
        if let memory = try? Memory(type: MemoryType(Limits(min: 1, max: 2)), strategy: store.configuration.bounds,
                                    allowUnsafe: store.configuration.allowUnsafeStrategies) {
            define(module: "spectest", name: "memory", .memory(memory))
        }
    }
}
