import ArgumentParser
import WasmCore
import SpecRunner
import Tiers
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
    @Option(name: .customLong("tier"), help: """
        Execution tier (\(BuiltinTiers.names.joined(separator: ", "))); default: \(EngineOptions.fastestTier), \
        the fastest this build has.
        """)
    var tierOption: String?

    @Option(name: .customLong("bounds"), help: """
        Memory bounds strategy (\(BoundsStrategy.allCases.map(\.rawValue).joined(separator: ", "))); \
        default: guard for the JIT tiers (jit, jit-arm64), software for the interpreter.
        """)
    var boundsOption: BoundsStrategy?

    @Flag(help: "Permit bounds strategies that give no isolation (unchecked); for measurements on trusted code.")
    var allowUnsafe = false

    /// The JIT where this host has one, else the interpreter.
    static var fastestTier: String { BuiltinTiers.names.contains("jit") ? "jit" : "interp" }

    /// The tier in effect.
    var tier: String { tierOption ?? Self.fastestTier }

    /// The strategy in effect for `tier`.
    var bounds: BoundsStrategy { Self.bounds(boundsOption, tier: tier) }

    /// The JITs' default is guard pages (no checks in the code); the interpreter's is
    /// explicit checks, its fastest safe strategy here.
    static func bounds(_ chosen: BoundsStrategy?, tier: String) -> BoundsStrategy {
        chosen ?? (tier.hasPrefix("jit") ? .guard : .software)
    }

    func validate() throws {
        if bounds.isUnsafe && !allowUnsafe {
            throw ValidationError("--bounds \(bounds.rawValue) gives no isolation; add --allow-unsafe to use it anyway")
        }
        guard BuiltinTiers.names.contains(tier) else {
            throw ValidationError("unknown tier '\(tier)'; available: \(BuiltinTiers.names.joined(separator: ", "))")
        }
    }
}
