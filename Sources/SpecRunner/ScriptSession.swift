import WAT
import WasmCore
import Tiers
import WasmRuntime

/// The state of one running script: the store, the registered and named instances,
/// and the current module that unnamed actions refer to.
struct ScriptSession {
    struct Outcome {
        /// (command, expected, actual) when the command failed.
        var failure: (String, String, String)?
        static let pass = Outcome(failure: nil)
        static func fail(_ command: String, expected: String, actual: String) -> Outcome {
            Outcome(failure: (command, expected, actual))
        }
    }

    let configuration: SpecRunner.Configuration
    let store: Store
    let linker: Linker
    var instances: [String: Instance] = [:]
    var definitions: [String: CompiledModule] = [:]
    var current: Instance?

    init(configuration: SpecRunner.Configuration) {
        self.configuration = configuration
        BuiltinTiers.register()
        var storeConfiguration = StoreConfiguration()
        storeConfiguration.tier = configuration.tier
        storeConfiguration.bounds = configuration.bounds
        storeConfiguration.allowUnsafeStrategies = configuration.allowUnsafeStrategies
        storeConfiguration.features = configuration.features
        store = Store(configuration: storeConfiguration)
        linker = Linker(store: store)
        linker.defineSpectest()
    }

    mutating func execute(_ kind: WastCommand.Kind) -> Outcome {
        switch kind {
        case .module(let name, let source):
            do {
                let instance = try linker.instantiate(try compile(source))
                current = instance
                if let name { instances[name] = instance }
                return .pass
            } catch {
                return .fail("module", expected: "instantiation", actual: "\(error)")
            }
        case .moduleDefinition(let name, let source):
            do {
                let module = try compile(source)
                if let name { definitions[name] = module }
                return .pass
            } catch {
                return .fail("module definition", expected: "a valid module", actual: "\(error)")
            }
        case .moduleInstance(let instanceName, let definitionName):
            guard let definitionName, let module = definitions[definitionName] else {
                return .fail("module instance", expected: "a defined module", actual: "unknown definition")
            }
            do {
                let instance = try linker.instantiate(module)
                current = instance
                if let instanceName { instances[instanceName] = instance }
                return .pass
            } catch {
                return .fail("module instance", expected: "instantiation", actual: "\(error)")
            }
        case .register(let name, let moduleName):
            guard let instance = moduleName.map({ instances[$0] }) ?? current else {
                return .fail("register", expected: "a module", actual: "no such module")
            }
            linker.register(instance, as: name)
            return .pass
        case .action(let action):
            switch perform(action) {
            case .success: return .pass
            case .failure(let error): return .fail("action", expected: "success", actual: error.text)
            }
        case .assertReturn(let action, let expected):
            switch perform(action) {
            case .success(let values):
                let ok = values.count == expected.count && zip(values, expected).allSatisfy { SpecValueMatcher.matches($0, $1) }
                if ok { return .pass }
                return .fail("assert_return", expected: expected.map(SpecValueMatcher.describe).joined(separator: ", "),
                             actual: values.map(SpecValueMatcher.describe).joined(separator: ", "))
            case .failure(let error):
                return .fail("assert_return", expected: expected.map(SpecValueMatcher.describe).joined(separator: ", "), actual: error.text)
            }
        case .assertTrap(let action, let message), .assertExhaustion(let action, let message):
            switch perform(action) {
            case .success(let values):
                return .fail("assert_trap", expected: "trap \"\(message)\"", actual: values.map(SpecValueMatcher.describe).joined(separator: ", "))
            case .failure(let error):
                if case .trap(let trap) = error, Self.trapMatches(trap.reason, message) { return .pass }
                return .fail("assert_trap", expected: "trap \"\(message)\"", actual: error.text)
            }
        case .assertModuleTrap(let source, let message), .assertUninstantiable(let source, let message):
            do {
                _ = try linker.instantiate(try compile(source))
                return .fail("assert_trap", expected: "trap \"\(message)\"", actual: "instantiated")
            } catch let trap as Trap {
                if Self.trapMatches(trap.reason, message) { return .pass }
                return .fail("assert_trap", expected: "trap \"\(message)\"", actual: "trap \"\(trap.reason.message)\"")
            } catch {
                return .fail("assert_trap", expected: "trap \"\(message)\"", actual: "\(error)")
            }
        case .assertMalformed(let source, let message):
            return expectModuleError(source, kind: .malformed, message: message, command: "assert_malformed")
        case .assertInvalid(let source, let message):
            return expectModuleError(source, kind: .invalid, message: message, command: "assert_invalid")
        case .assertUnlinkable(let source, let message):
            do {
                _ = try linker.instantiate(try compile(source))
                return .fail("assert_unlinkable", expected: "\"\(message)\"", actual: "instantiated")
            } catch let error as WasmError where error.kind == .unlinkable && error.message.hasPrefix(message) {
                return .pass
            } catch {
                return .fail("assert_unlinkable", expected: "\"\(message)\"", actual: "\(error)")
            }
        case .assertException(let action):
            switch perform(action) {
            case .failure(.trap(let trap)) where trap.reason == .uncaughtException: return .pass
            case .failure(let error): return .fail("assert_exception", expected: "an exception", actual: error.text)
            case .success(let values):
                return .fail("assert_exception", expected: "an exception", actual: values.map(SpecValueMatcher.describe).joined(separator: ", "))
            }
        }
    }

    /// Wordings the testsuite sets use for the same error (Wasm 3.0 renamed some).
    static let messageAliases: [String: String] = ["immutable global": "global is immutable"]

    /// A module error matches when its message starts with the expected text, or when both
    /// have the same head before the details after a colon, which each engine words its own
    /// way ("type mismatch: expected i32, found i64" for "type mismatch: instruction requires
    /// [i32] but stack has [i64]").
    static func messageMatches(_ actual: String, _ expected: String) -> Bool {
        if actual.hasPrefix(expected) || expected.hasPrefix(actual + ":") { return true }
        if let colon = actual.firstIndex(of: ":"), expected.hasPrefix(actual[...colon]) { return true }
        if let alias = messageAliases[expected] { return actual.hasPrefix(alias) }
        return false
    }

    /// A trap matches when its message is the expected text or a prefix of it (the reference
    /// interpreter sometimes appends details, e.g. "uninitialized element 2").
    static func trapMatches(_ reason: TrapReason, _ expected: String) -> Bool {
        expected == reason.message || expected.hasPrefix(reason.message + " ")
    }

    func compile(_ source: ModuleSource) throws -> CompiledModule {
        switch source {
        case .binary(let bytes):
            return try CompiledModule(bytes: bytes, store: store)
        case .quote(let text):
            return try CompiledModule(bytes: try WAT.encode(text, features: configuration.features), store: store)
        case .textError(let error):
            throw error
        }
    }

    /// Decoding (malformed) or validation (invalid) must fail with the expected message.
    /// Text modules only need to be rejected as malformed: the wording of text errors is
    /// the parser's own.
    func expectModuleError(_ source: ModuleSource, kind: WasmError.Kind, message: String, command: String) -> Outcome {
        let isText: Bool
        switch source {
        case .quote, .textError: isText = true
        case .binary: isText = false
        }
        do {
            _ = try compile(source)
            return .fail(command, expected: "\"\(message)\"", actual: "a valid module")
        } catch let error as WasmError {
            if isText && kind == .malformed && error.kind == .malformed { return .pass }
            if error.kind == kind && Self.messageMatches(error.message, message) { return .pass }
            return .fail(command, expected: "\"\(message)\"", actual: "\(error)")
        } catch {
            return .fail(command, expected: "\"\(message)\"", actual: "\(error)")
        }
    }

    enum ActionError: Error {
        case trap(Trap)
        case other(String)
        var text: String {
            switch self {
            // A host error is the runner's own doing (e.g. a call with the wrong number of
            // arguments): its detail says what happened.
            case .trap(let t) where t.reason == .hostError && t.detail != nil: "error: \(t.detail ?? "")"
            case .trap(let t): "trap \"\(t.reason.message)\""
            case .other(let s): s
            }
        }
    }

    func perform(_ action: WastAction) -> Result<[Value], ActionError> {
        switch action {
        case .invoke(let module, let name, let args):
            guard let instance = module.map({ instances[$0] }) ?? current else { return .failure(.other("no such module")) }
            guard case .function(let function) = instance.export(name) else { return .failure(.other("no function export \"\(name)\"")) }
            do {
                return .success(try function.invoke(args.map(SpecValueMatcher.runtimeValue)))
            } catch {
                return .failure(.trap(error))
            }
        case .get(let module, let name):
            guard let instance = module.map({ instances[$0] }) ?? current else { return .failure(.other("no such module")) }
            guard case .global(let global) = instance.export(name) else { return .failure(.other("no global export \"\(name)\"")) }
            return .success([global.value])
        }
    }
}
