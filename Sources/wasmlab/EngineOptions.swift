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

    @Option(help: "Memory bounds strategy (\(BoundsStrategy.allCases.map(\.rawValue).joined(separator: ", "))).")
    var bounds: BoundsStrategy = .software

    func validate() throws {
        guard BuiltinTiers.names.contains(tier) else {
            throw ValidationError("unknown tier '\(tier)'; available: \(BuiltinTiers.names.joined(separator: ", "))")
        }
    }
}

