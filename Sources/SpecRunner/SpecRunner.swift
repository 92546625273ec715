import WAT
import WasmCore
import WasmRuntime

/// Runs .wast scripts against one (tier, bounds strategy, feature set). Every top-level
/// command — module, register, action, assertion — counts as one passed or failed check.
public final class SpecRunner {
    /// What the scripts run on.
    public struct Configuration: Sendable {
        /// The tier's name.
        public var tier: String
        /// The bounds strategy.
        public var bounds: BoundsStrategy
        /// The proposals modules may use.
        public var features: WasmFeatures
        /// Permits `BoundsStrategy.isUnsafe` strategies (see `StoreConfiguration`).
        public var allowUnsafeStrategies: Bool

        /// A configuration (default: the interpreter, software checks, Wasm 3.0).
        public init(tier: String = "interp", bounds: BoundsStrategy = .software, features: WasmFeatures = .wasm3,
                    allowUnsafeStrategies: Bool = false) {
            self.tier = tier
            self.bounds = bounds
            self.features = features
            self.allowUnsafeStrategies = allowUnsafeStrategies
        }
    }

    /// A command that did not do what the script expects.
    public struct Failure: Sendable, CustomStringConvertible {
        /// The script.
        public var file: String
        /// The command's line.
        public var line: Int
        /// The command's kind (`assert_return`, ...).
        public var command: String
        /// What the script expects.
        public var expected: String
        /// What happened.
        public var actual: String
        /// `FILE:LINE: COMMAND: expected ..., got ...`.
        public var description: String { "\(file):\(line): \(command): expected \(expected), got \(actual)" }
    }

    /// The outcome of one script.
    public struct FileResult: Sendable {
        /// The script.
        public var file: String
        /// Commands that did what the script expects.
        public var passed = 0
        /// Commands that did not.
        public var failed = 0
        /// The failing commands.
        public var failures: [Failure] = []
    }

    /// What the scripts run on.
    public let configuration: Configuration

    /// A runner for `configuration`.
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
