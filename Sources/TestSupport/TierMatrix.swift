import Tiers
import WasmRuntime

/// The one list of what execution tests run on: every tier this build has, under every
/// safe bounds strategy (unchecked gives no isolation and is measured, not tested this way).
public enum TierMatrix {
    /// The tiers, registered, that can run here.
    public static var tiers: [String] { BuiltinTiers.runnableNames }

    /// The strategies that isolate (spec-conforming or not).
    public static let safeStrategies: [BoundsStrategy] = BoundsStrategy.allCases.filter { !$0.isUnsafe }

    /// The spec-conforming safe strategies (masked wraps addresses by design).
    public static let conformingStrategies: [BoundsStrategy] = [.software, .guard]

    /// Every tier x conforming strategy, as engine configurations.
    public static var configurations: [EngineConfiguration] {
        tiers.flatMap { tier in conformingStrategies.map { EngineConfiguration(tier: tier, bounds: $0) } }
    }
}
