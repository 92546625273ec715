import WasmCore

extension Linker {
    /// Defines the `spectest` module the official testsuite imports from: `print*`
    /// functions, `global_i32` = 666, `global_i64` = 666, `global_f32` = 666.6,
    /// `global_f64` = 666.6, `table` (10..20 funcref), `table64` (the same with i64
    /// indices) and `memory` (1..2 pages). The `print*` functions hand `print` one line per
    /// argument as the reference interpreter writes it (`42 : i32`); without it they print
    /// nothing (the spec runner's case).
    public func defineSpectest(print: ((String) -> Void)? = nil) {
        let prints: [(String, [ValueType])] = [
            ("print", []), ("print_i32", [.i32]), ("print_i64", [.i64]), ("print_f32", [.f32]),
            ("print_f64", [.f64]), ("print_i32_f32", [.i32, .f32]), ("print_f64_f64", [.f64, .f64]),
        ]
        for (name, params) in prints {
            define(module: "spectest", name: name,
                   .function(Function(type: FunctionType(parameters: params), name: "spectest.\(name)") { arguments in
                       if let print { for value in arguments { print(Self.spectestLine(value)) } }
                       return []
                   }))
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

    /// A value as the reference interpreter's `spectest.print*` writes it.
    static func spectestLine(_ value: Value) -> String {
        switch value {
        case .i32(let v): "\(Int32(bitPattern: v)) : i32"
        case .i64(let v): "\(Int64(bitPattern: v)) : i64"
        case .f32(let v): "\(Float(bitPattern: v)) : f32"
        case .f64(let v): "\(Double(bitPattern: v)) : f64"
        default: "\(value) : ref"
        }
    }
}
