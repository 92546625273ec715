import WasmCore
import Tiers
import WasmRuntime

/// Runs one module the same way under one tier x bounds strategy and describes what
/// happened as canonical text, so that runs under different configurations (or on another
/// engine, see `tools/fuzz-diff`) compare line by line: instantiation, every exported
/// function called in export order with fixed argument vectors (on the same instance, so
/// state carries over), then the exported globals, memories and tables.
///
/// Lines:
/// ```
/// instantiate ok | instantiate trap REASON | instantiate error TEXT
/// call NAME ARG... -> VALUE... | call NAME ARG... -> trap REASON
/// global NAME VALUE
/// memory NAME pages=N crc32=HEX
/// table NAME size=N
/// ```
/// Values are `i32:HEX` (8 digits), `i64:HEX` (16), `f32:HEX`, `f64:HEX` (raw bits),
/// `v128:HEX` (32 digits, high half first), `ref.null`, `ref.func:N` (the instance's
/// function index, `?` when it is not one of the instance's), `ref.extern:HEX`, `ref.exn`.
/// Names are printed as JSON strings.
public struct DifferentialRun {
    /// A tier and bounds strategy, written `TIER:BOUNDS` (e.g. `jit:guard`).
    public struct Configuration: Hashable, Sendable, CustomStringConvertible {
        /// The tier's name.
        public var tier: String
        /// The bounds strategy.
        public var bounds: BoundsStrategy

        /// A configuration of `tier` under `bounds`.
        public init(tier: String, bounds: BoundsStrategy) {
            self.tier = tier
            self.bounds = bounds
        }

        /// Parses `TIER:BOUNDS`; nil when malformed or the strategy is unknown.
        public init?(_ text: String) {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, let bounds = BoundsStrategy(rawValue: String(parts[1])) else {
                return nil
            }
            self.init(tier: String(parts[0]), bounds: bounds)
        }

        /// `TIER:BOUNDS`, as `--configs` takes it.
        public var description: String { "\(tier):\(bounds.rawValue)" }

        /// Every tier this build has and this host runs, under each safe strategy (software
        /// checks and guard pages).
        public static var allSafe: [Configuration] {
            BuiltinTiers.runnableNames.flatMap { tier in [BoundsStrategy.software, .guard].map { Configuration(tier: tier, bounds: $0) } }
        }
    }

    /// Argument vectors per exported function: the first is all zeros, the others mix
    /// boundary values and random bits (the same for every configuration and run).
    public var vectorsPerFunction: Int
    /// The proposals the modules may use.
    public var features: WasmFeatures
    /// Fuel per store, for modules that may not terminate. Tiers count fuel differently,
    /// so the first `interrupted` ends the comparison, like a stack exhaustion.
    public var fuel: UInt64?
    /// Per-memory cap (`StoreConfiguration.maxMemoryPages`): a generated module may grow
    /// memory64 without end. 1 GiB; an oracle must use the same (`tools/fuzz-diff` does).
    public var maxMemoryPages: UInt64 = 16384

    /// A run calling each export with `vectorsPerFunction` argument vectors, under `fuel` per call.
    public init(vectorsPerFunction: Int = 3, features: WasmFeatures = .wasm3, fuel: UInt64? = nil) {
        self.vectorsPerFunction = vectorsPerFunction
        self.features = features
        self.fuel = fuel
    }

    /// What a run did (`lines`), and the type of each export (`types`, e.g. `"f" : "func i32 f64 -> v128"`,
    /// `"g": "global i64"`) for a driver that replays the calls on another engine.
    public struct Outcome: Sendable {
        /// What the module did, one comparable line per event.
        public var lines: [String]
        /// Each export's type, for drivers that replay the calls elsewhere.
        public var types: [String: String] = [:]
    }

    /// The outcome of running `bytes` under `configuration`.
    public func outcome(of bytes: [UInt8], under configuration: Configuration) -> Outcome {
        BuiltinTiers.register()
        var storeConfiguration = StoreConfiguration()
        storeConfiguration.tier = configuration.tier
        storeConfiguration.bounds = configuration.bounds
        storeConfiguration.features = features
        storeConfiguration.fuel = fuel
        storeConfiguration.maxMemoryPages = maxMemoryPages
        let linker = Linker(store: Store(configuration: storeConfiguration))
        let instance: Instance
        do {
            instance = try linker.instantiate(CompiledModule(bytes: bytes, store: linker.store))
        } catch let trap as Trap {
            return Outcome(lines: ["instantiate trap \(trap.reason.message)"])
        } catch {
            return Outcome(lines: ["instantiate error \(error)"])
        }
        var outcome = Outcome(lines: ["instantiate ok"])
        for (name, external) in instance.exports {
            switch external {
            case .function(let f):
                outcome.types[name] = (["func"] + f.type.parameters.map(\.description) + ["->"]
                                       + f.type.results.map(\.description)).joined(separator: " ")
            case .global(let g): outcome.types[name] = "global " + g.type.valueType.description
            default: break
            }
        }
        for (position, (name, external)) in instance.exports.enumerated() {
            guard case .function(let function) = external else { continue }
            for vector in 0..<vectorsPerFunction {
                let arguments = Self.arguments(for: function.type.parameters, export: position, vector: vector)
                var line = "call \(Self.quoted(name))"
                for a in arguments { line += " " + Self.format(a, in: instance) }
                line += " ->"
                do {
                    for r in try function.invoke(arguments) { line += " " + Self.format(r, in: instance) }
                } catch {
                    line += " trap \(error.reason.message)"
                }
                outcome.lines.append(line)
            }
        }
        for (name, external) in instance.exports {
            switch external {
            case .global(let g): outcome.lines.append("global \(Self.quoted(name)) \(Self.format(g.value, in: instance))")
            case .memory(let m):
                let crc = m.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer($0)) }
                outcome.lines.append("memory \(Self.quoted(name)) pages=\(m.pageCount) crc32=\(Self.hex(UInt64(crc), digits: 8))")
            case .table(let t): outcome.lines.append("table \(Self.quoted(name)) size=\(t.size)")
            default: break
            }
        }
        return outcome
    }

    /// The index of the first line where two outcomes differ, nil when they agree. Once
    /// either side exhausts the call stack (or its fuel), the rest is not compared: where
    /// the stack ends legitimately differs between tiers (and engines), and so does any
    /// state a deep recursion left behind.
    public static func firstDifference(_ a: [String], _ b: [String]) -> Int? {
        for i in 0..<min(a.count, b.count) {
            if endsComparison(a[i]) || endsComparison(b[i]) { return nil }
            if a[i] != b[i] { return i }
        }
        return a.count == b.count ? nil : min(a.count, b.count)
    }

    static func endsComparison(_ line: String) -> Bool {
        line.hasSuffix("trap " + TrapReason.callStackExhausted.message) || line.hasSuffix("trap " + TrapReason.interrupted.message)
    }

    // MARK: arguments

    /// Deterministic arguments: vector 0 is all zeros (null references); later vectors
    /// draw boundary values or random bits from a generator seeded by export and vector.
    static func arguments(for types: [ValueType], export: Int, vector: Int) -> [Value] {
        var rng = SplitMix64(seed: UInt64(export) &* 0x9E37_79B9 &+ UInt64(vector))
        return types.map { type in
            guard vector > 0 else { return Value.defaultValue(for: type) }
            let bits: UInt64
            switch rng.next() % 4 {
            case 0: bits = [0, 1, UInt64.max, 0x8000_0000, 0x7FFF_FFFF, 0x8000_0000_0000_0000][Int(rng.next() % 6)]
            case 1: bits = rng.next() % 64
            default: bits = rng.next()
            }
            // Float arguments are never NaN: an engine driven from another language (the
            // wasmtime oracle) may quiet a signalling NaN on the way in.
            switch type {
            case .i32: return .i32(UInt32(truncatingIfNeeded: bits))
            case .i64: return .i64(bits)
            case .f32:
                let f = UInt32(truncatingIfNeeded: bits)
                return .f32(Float(bitPattern: f).isNaN ? f & ~0x0080_0000 : f)
            case .f64: return .f64(Double(bitPattern: bits).isNaN ? bits & ~(UInt64(1) << 52) : bits)
            case .v128: return .v128(V128(low: bits, high: rng.next()))
            default: return Value.defaultValue(for: type)
            }
        }
    }

    /// Steele, Lea and Flood's SplitMix64: small, fast and the same on every platform.
    struct SplitMix64 {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    // MARK: formatting

    static func format(_ value: Value, in instance: Instance) -> String {
        switch value {
        case .i32(let v): "i32:" + hex(UInt64(v), digits: 8)
        case .i64(let v): "i64:" + hex(v, digits: 16)
        case .f32(let v): "f32:" + hex(UInt64(v), digits: 8)
        case .f64(let v): "f64:" + hex(v, digits: 16)
        case .v128(let v): "v128:" + hex(v.high, digits: 16) + hex(v.low, digits: 16)
        case .ref(.null): "ref.null"
        case .ref(.function(let handle)):
            "ref.func:" + (instance.functions.firstIndex { $0 === handle.function }.map(String.init) ?? "?")
        case .ref(.extern(let v)): "ref.extern:" + hex(v, digits: 1)
        case .ref(.exception): "ref.exn"
        case .ref(.i31(let v)): "ref.i31:" + hex(UInt64(v), digits: 1)
        case .ref(.object(let o)): o.isArray ? "ref.array" : "ref.struct"
        }
    }

    static func hex(_ v: UInt64, digits: Int) -> String {
        let text = String(v, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// `name` as a JSON string (what Python's `json.dumps(name, ensure_ascii=False)` writes).
    static func quoted(_ name: String) -> String {
        var text = "\""
        for scalar in name.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{08}": text += "\\b"
            case "\u{0C}": text += "\\f"
            case _ where scalar.value < 0x20: text += "\\u" + hex(UInt64(scalar.value), digits: 4)
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }
}
