import ArgumentParser
import WasmCore
import SpecRunner
import WasmRuntime

extension BoundsStrategy: ExpressibleByArgument {}

/// The feature set named on the command line.
enum FeatureSetOption: String, ExpressibleByArgument, CaseIterable {
    case wasm2 = "wasm-2.0"
    case wasm3 = "wasm-3.0"

    var features: WasmFeatures { self == .wasm2 ? .wasm2 : .wasm3 }
}

/// Options shared by every command that executes Wasm.
struct EngineOptions: ParsableArguments {
    @Option(help: "Execution tier (\(BuiltinTiers.names.joined(separator: ", "))).")
    var tier: String = "interp"

    @Option(name: .customLong("bounds"), help: """
        Memory bounds strategy (\(BoundsStrategy.allCases.map(\.rawValue).joined(separator: ", "))); \
        default: guard for the jit tier, software for the others.
        """)
    var boundsOption: BoundsStrategy?

    /// The strategy in effect: the JIT's default is guard pages (no checks in the code);
    /// the interpreter's is explicit checks, its fastest safe strategy here.
    var bounds: BoundsStrategy { boundsOption ?? (tier == "jit" ? .guard : .software) }

    @Flag(help: "Permit bounds strategies that give no isolation (unchecked); for measurements on trusted code.")
    var allowUnsafe = false

    func validate() throws {
        if bounds.isUnsafe && !allowUnsafe {
            throw ValidationError("--bounds \(bounds.rawValue) gives no isolation; add --allow-unsafe to use it anyway")
        }
        guard BuiltinTiers.names.contains(tier) else {
            throw ValidationError("unknown tier '\(tier)'; available: \(BuiltinTiers.names.joined(separator: ", "))")
        }
    }
}

