import ArgumentParser
import WasmCore
import WasmRuntime

extension BoundsStrategy: @retroactive ExpressibleByArgument {}

/// The feature set named on the command line.
enum FeatureSetOption: String, ExpressibleByArgument, CaseIterable {
    case wasm2 = "wasm-2.0"
    case wasm3 = "wasm-3.0"

    var features: WasmFeatures { self == .wasm2 ? .wasm2 : .wasm3 }
}

/// Options shared by every command that executes Wasm.
struct EngineOptions: ParsableArguments {
    @Option(help: "Execution tier (\(Tiers.names.joined(separator: ", "))).")
    var tier: String = "interp"

    @Option(help: "Memory bounds strategy (\(BoundsStrategy.allCases.map(\.rawValue).joined(separator: ", "))).")
    var bounds: BoundsStrategy = .software

    func validate() throws {
        guard Tiers.names.contains(tier) else {
            throw ValidationError("unknown tier '\(tier)'; available: \(Tiers.names.joined(separator: ", "))")
        }
    }
}

/// Tiers this build can run.
enum Tiers {
    static let names = ["interp"]
}
