import WasmCore

/// A parsed `.wast` script: modules, actions and assertions in order.
public struct WastScript: Sendable {
    /// The script's commands, in order.
    public var commands: [WastCommand]

    /// A script of `commands`.
    public init(commands: [WastCommand]) { self.commands = commands }
}

/// One top-level command of a script.
public struct WastCommand: Sendable {
    /// 1-based line of the command's opening parenthesis.
    public var line: Int
    /// What the command does.
    public var kind: Kind

    /// A command at `line` of its script.
    public init(line: Int, kind: Kind) {
        self.line = line
        self.kind = kind
    }

    /// The script commands of the spec testsuite's .wast format.
    public enum Kind: Sendable {
        case module(name: String?, ModuleSource)
        /// `(module definition $name? ...)` (Wasm 3.0): compiled, not instantiated.
        case moduleDefinition(name: String?, ModuleSource)
        /// `(module instance $instance? $definition?)` (Wasm 3.0).
        case moduleInstance(instance: String?, definition: String?)
        case register(name: String, moduleName: String?)
        case action(WastAction)
        case assertReturn(WastAction, [WastExpected])
        case assertTrap(WastAction, String)
        /// `assert_trap` on a module: instantiation must trap.
        case assertModuleTrap(ModuleSource, String)
        case assertExhaustion(WastAction, String)
        case assertMalformed(ModuleSource, String)
        case assertInvalid(ModuleSource, String)
        case assertUnlinkable(ModuleSource, String)
        case assertUninstantiable(ModuleSource, String)
        case assertException(WastAction)
    }
}

/// Where a script module's bytes come from.
public enum ModuleSource: Sendable {
    /// A text module already encoded, or the bytes of `module binary`.
    case binary([UInt8])
    /// `module quote`: the text, to be encoded later with ``WAT/encode(_:features:)``.
    case quote(String)
    /// A text module whose encoding failed.
    case textError(WasmError)
}

/// What `invoke` and `get` commands do: call an export or read a global.
public enum WastAction: Sendable {
    case invoke(module: String?, name: String, args: [WastValue])
    case get(module: String?, name: String)
}

/// A concrete argument or result value; floats are kept as their exact bits.
public enum WastValue: Hashable, Sendable {
    case i32(UInt32), i64(UInt64), f32(UInt32), f64(UInt64)
    /// 16 bytes, little-endian.
    case v128([UInt8])
    case refNull(HeapType)
    case refExtern(UInt32)
    case refFunc(UInt32?)
    /// `(ref.host n)`: a host reference in the `any` hierarchy (extern ones are `refExtern`).
    case refHost(UInt32)
}

/// An expected result of `assert_return`.
public indirect enum WastExpected: Sendable {
    /// Exact match (bit-exact for floats).
    case value(WastValue)
    /// `nan:canonical` (true) or `nan:arithmetic` (false).
    case f32NaN(canonical: Bool)
    case f64NaN(canonical: Bool)
    /// Any non-null function reference.
    case refFunc
    /// A host reference with this payload, or any non-null one when nil.
    case refExtern(UInt32?)
    /// A null reference of this heap type, or of any when nil.
    case refNull(HeapType?)
    /// Any non-null reference of this abstract heap type (`(ref.struct)`, `(ref.i31)`, ...).
    case refAbstract(HeapType)
    /// A v128 compared lane by lane (`shape` is e.g. "f32x4").
    case v128Lanes(shape: String, [WastExpected])
    /// Any one of the alternatives.
    case either([WastExpected])
}
