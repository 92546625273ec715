import ArgumentParser
import SpecRunner
import WasmCore
import WasmRuntime

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Instantiate a module and run its start function, `_start`, or an export.")

    @OptionGroup var engine: EngineOptions

    @Option(help: "Feature set (wasm-2.0 or wasm-3.0).")
    var features: FeatureSetOption = .wasm3

    @Option(help: "Export to invoke; arguments follow the file, typed by the export's signature.")
    var invoke: String?

    @Argument(help: "The module file (.wasm or .wat).")
    var file: String

    @Argument(parsing: .captureForPassthrough, help: "Arguments for --invoke.")
    var arguments: [String] = []

    func run() throws {
        try reportingErrors {
            BuiltinTiers.register()
            var configuration = StoreConfiguration()
            configuration.tier = engine.tier
            configuration.bounds = engine.bounds
            configuration.allowUnsafeStrategies = engine.allowUnsafe
            configuration.features = features.features
            let store = Store(configuration: configuration)
            let module = try CompiledModule(bytes: try ModuleFile.read(file, features: features.features), store: store)
            let linker = Linker(store: store)
            linker.defineSpectest()
            let instance = try linker.instantiate(module)
            // `run FILE --invoke NAME ARGS...`: options after FILE arrive among the passthrough arguments.
            var invoke = self.invoke
            var arguments = self.arguments
            if invoke == nil, arguments.first == "--invoke" {
                guard arguments.count >= 2 else { throw CLIError("--invoke needs an export name") }
                invoke = arguments[1]
                arguments.removeFirst(2)
            }
            let name: String
            if let invoke {
                name = invoke
            } else if instance.export("_start") != nil {
                name = "_start"
            } else {
                guard arguments.isEmpty else { throw CLIError("arguments given but no --invoke export named") }
                return  // the start function already ran during instantiation
            }
            guard case .function(let function) = instance.export(name) else {
                throw CLIError("no exported function '\(name)'")
            }
            let params = function.type.parameters
            guard params.count == arguments.count else {
                throw CLIError("'\(name)' takes \(params.count) argument(s), \(arguments.count) given")
            }
            let values = try zip(params, arguments).map { try ValueParser.parse($1, as: $0) }
            do {
                let results = try function.invoke(values)
                for value in results { print(ValueParser.format(value)) }
            } catch {
                throw CLIError("trap: \(error)")
            }
        }
    }
}

/// Parses command-line arguments as Wasm values and prints results.
enum ValueParser {
    static func parse(_ text: String, as type: ValueType) throws -> Value {
        switch type {
        case .i32:
            if let v = Int32(text) { return .i32(UInt32(bitPattern: v)) }
            if let v = UInt32(text) { return .i32(v) }
        case .i64:
            if let v = Int64(text) { return .i64(UInt64(bitPattern: v)) }
            if let v = UInt64(text) { return .i64(v) }
        case .f32:
            if let v = Float(text) { return .f32(v.bitPattern) }
        case .f64:
            if let v = Double(text) { return .f64(v.bitPattern) }
        default:
            throw CLIError("cannot pass a \(type) argument from the command line")
        }
        throw CLIError("'\(text)' is not a valid \(type)")
    }

    static func format(_ value: Value) -> String {
        switch value {
        case .i32(let v): "\(Int32(bitPattern: v)):i32"
        case .i64(let v): "\(Int64(bitPattern: v)):i64"
        case .f32(let v): "\(Float(bitPattern: v)):f32"
        case .f64(let v): "\(Double(bitPattern: v)):f64"
        case .v128(let v): v.bytes.map { String($0, radix: 16) }.joined(separator: " ") + ":v128"
        case .ref(let r): "\(r)"
        }
    }
}
