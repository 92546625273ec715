import WAT
import WasmCore
import WasmRuntime

/// Runs .wast scripts against one (tier, bounds strategy, feature set). Every top-level
/// command — module, register, action, assertion — counts as one passed or failed check.
public final class SpecRunner {
    public struct Configuration: Sendable {
        public var tier: String
        public var bounds: BoundsStrategy
        public var features: WasmFeatures
        /// Permits `BoundsStrategy.isUnsafe` strategies (see `StoreConfiguration`).
        public var allowUnsafeStrategies: Bool

        public init(tier: String = "interp", bounds: BoundsStrategy = .software, features: WasmFeatures = .wasm3,
                    allowUnsafeStrategies: Bool = false) {
            self.tier = tier
            self.bounds = bounds
            self.features = features
            self.allowUnsafeStrategies = allowUnsafeStrategies
        }
    }

    public struct Failure: Sendable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var command: String
        public var expected: String
        public var actual: String
        public var description: String { "\(file):\(line): \(command): expected \(expected), got \(actual)" }
    }

    public struct FileResult: Sendable {
        public var file: String
        public var passed = 0
        public var failed = 0
        public var failures: [Failure] = []
    }

    public let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Parses and runs one script. A script that cannot be parsed counts as one failure.
    public func run(source: String, file: String) -> FileResult {
        var result = FileResult(file: file)
        let script: WastScript
        do {
            script = try WAT.parseScript(source, features: configuration.features)
        } catch {
            result.failed = 1
            result.failures.append(Failure(file: file, line: error.offset ?? 0, command: "parse", expected: "a script", actual: error.description))
            return result
        }
        var session = ScriptSession(configuration: configuration)
        for command in script.commands {
            let outcome = session.execute(command.kind)
            if let (name, expected, actual) = outcome.failure {
                result.failed += 1
                result.failures.append(Failure(file: file, line: command.line, command: name, expected: expected, actual: actual))
            } else {
                result.passed += 1
            }
        }
        return result
    }
}
