import WasmCore
import WasmDecoder
import WasmValidator

/// Precompiled modules: a module's code written to bytes once (`wasmlab compile`) and
/// loaded by later processes without compiling.
///
/// ```
///  magic "\0wlcwasm"          8 bytes
///  format version              u32
///  producer                    string (e.g. "wasmlab 0.1.0 (commit …)"): must match the loader's
///  isa, code ABI, tier         strings
///  bounds                      string   \
///  features                    u32       } the engine configuration the code is for
///  counts fuel                 u8       /
///  module                      blob (the Wasm binary)
///  code                        blob (the tier's serialisation)
///  crc32 of all of the above   u32
/// ```
/// Every mismatch is refused with a `WasmError` that names both sides.
extension Engine {
    /// The first eight bytes of every precompiled module ("\0wlcwasm").
    public static let precompiledMagic: [UInt8] = [0x00, 0x77, 0x6C, 0x63, 0x77, 0x61, 0x73, 0x6D]
    static let precompiledFormat: UInt32 = 1

    /// Whether `bytes` start like a precompiled module.
    public static func isPrecompiled(_ bytes: [UInt8]) -> Bool { bytes.starts(with: precompiledMagic) }

    /// Compiles `bytes` and returns the precompiled module; `producer` names the build
    /// (loading requires the same).
    public func precompile(_ bytes: [UInt8], producer: String) throws(WasmError) -> [UInt8] {
        let tier = try precompilingTier()
        let compiled = try compile(bytes)
        var w = ArchiveWriter()
        for b in Self.precompiledMagic { w.u8(b) }
        w.u32(Self.precompiledFormat)
        w.string(producer)
        w.string(tier.isa)
        w.string(tier.codeABI)
        w.string(configuration.tier)
        w.string(configuration.bounds.rawValue)
        w.u32(configuration.features.rawValue)
        w.bool(configuration.countsFuel)
        w.blob(bytes)
        w.blob(try tier.serialize(compiled.code))
        var out = w.bytes
        let crc = CRC32.checksum(out)
        withUnsafeBytes(of: crc.littleEndian) { out.append(contentsOf: $0) }
        return out
    }

    /// The configuration a precompiled module was made for (to build the engine that loads it).
    public static func precompiledConfiguration(_ bytes: [UInt8]) throws(WasmError) -> EngineConfiguration {
        var r = try header(bytes)
        _ = try r.string()  // producer
        _ = try r.string()  // isa
        _ = try r.string()  // code ABI
        let tier = try r.string()
        let boundsName = try r.string()
        guard let bounds = BoundsStrategy(rawValue: boundsName) else {
            throw WasmError(.malformed, "precompiled module names an unknown bounds strategy '\(boundsName)'")
        }
        let features = WasmFeatures(rawValue: try r.u32())
        return EngineConfiguration(tier: tier, bounds: bounds, allowUnsafeStrategies: bounds.isUnsafe,
                                   features: features, countsFuel: try r.bool())
    }

    /// Loads a module written by `precompile` with the same `producer`, for this engine's
    /// configuration. The code is not recompiled: the bytes are trusted as native code.
    public func load(precompiled bytes: [UInt8], producer: String) throws(WasmError) -> CompiledModule {
        var r = try Self.header(bytes)
        let madeBy = try r.string(), isa = try r.string(), abi = try r.string()
        let tierName = try r.string(), bounds = try r.string()
        let features = WasmFeatures(rawValue: try r.u32())
        let countsFuel = try r.bool()
        guard madeBy == producer else {
            throw WasmError(.uninstantiable, "precompiled by \(madeBy); this is \(producer): compile it again")
        }
        func mismatch(_ what: String, _ file: String, _ engine: String) -> WasmError {
            WasmError(.uninstantiable, "precompiled for \(what) \(file); this engine uses \(engine)")
        }
        guard tierName == configuration.tier else { throw mismatch("tier", tierName, configuration.tier) }
        let tier = try precompilingTier()
        guard isa == tier.isa else { throw WasmError(.uninstantiable, "precompiled for \(isa); this host runs \(tier.isa)") }
        guard abi == tier.codeABI else {
            throw WasmError(.uninstantiable, "precompiled against another runtime layout: compile it again")
        }
        guard bounds == configuration.bounds.rawValue else {
            throw mismatch("bounds", bounds, configuration.bounds.rawValue)
        }
        guard features == configuration.features else { throw mismatch("features", "\(features.rawValue)", "\(configuration.features.rawValue)") }
        guard countsFuel == configuration.countsFuel else {
            throw mismatch("fuel counting", countsFuel ? "on" : "off", configuration.countsFuel ? "on" : "off")
        }
        let wasm = try r.blob()
        let payload = try r.blob()
        guard r.isAtEnd else { throw WasmError(.malformed, "precompiled module has trailing bytes") }
        let module = try decodeModule(wasm, features: configuration.features)
        let validator = try ModuleValidator(module: module, features: configuration.features)
        let code: any CompiledCode
        do {
            code = try tier.deserialize(payload, module: module, validator: validator, configuration: configuration)
        } catch let error as WasmError {
            throw error
        } catch {
            throw WasmError(.malformed, "precompiled module: \(error)")
        }
        return CompiledModule(module: module, code: code, tierID: tierID, configuration: configuration)
    }

    private func precompilingTier() throws(WasmError) -> any PrecompilingTier {
        guard let tier = tier as? any PrecompilingTier else {
            throw WasmError(.uninstantiable, "the \(configuration.tier) tier cannot precompile modules")
        }
        return tier
    }

    /// A reader past the magic and format, after checking them and the checksum (the
    /// last four bytes, not read again).
    private static func header(_ bytes: [UInt8]) throws(WasmError) -> ArchiveReader {
        guard isPrecompiled(bytes) else { throw WasmError(.malformed, "not a precompiled module (magic missing)") }
        guard bytes.count >= precompiledMagic.count + 8 else { throw ArchiveReader.truncated() }
        // The checksum is over everything before it: read in place, no copy of the code.
        let bodySize = bytes.count - 4
        var tail = ArchiveReader(bytes, offset: bodySize)
        let checksum = bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[..<bodySize])) }
        guard try tail.u32() == checksum else {
            throw WasmError(.malformed, "precompiled module is damaged (checksum mismatch)")
        }
        var r = ArchiveReader(bytes, offset: precompiledMagic.count, end: bodySize)
        let format = try r.u32()
        guard format == precompiledFormat else {
            throw WasmError(.uninstantiable, "precompiled module format \(format); this build reads format \(precompiledFormat)")
        }
        return r
    }
}
