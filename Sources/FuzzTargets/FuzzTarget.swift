import Platform
import SpecRunner
import WAT
import WasmCore
import WasmDecoder
import WasmValidator

/// The coverage-guided fuzz targets (Docs/Fuzzing.md). Each takes one input and returns
/// normally whatever it is; a finding is a crash: a trap of the host, a sanitizer report,
/// or `fatalError` where two tiers disagree.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// Raw bytes through the decoder and validator, under both feature sets.
    case decode
    /// Text through the WAT module and .wast script parsers; a module that encodes is
    /// decoded and validated too.
    case wat
    /// A valid module (the corpus is smith's) instantiated and run on the interpreter and
    /// the JIT, under software bounds and guard pages: outcomes must agree.
    case jit

    /// Runs the target on one input; a host crash is the finding.
    public func run(_ bytes: [UInt8]) {
        switch self {
        case .decode:
            for features in [WasmFeatures.wasm2, .wasm3] {
                guard let module = try? decodeModule(bytes, features: features) else { continue }
                _ = try? validateModule(module, features: features)
            }
        case .wat:
            let text = String(decoding: bytes, as: UTF8.self)
            _ = try? WAT.parseScript(text)
            if let binary = try? WAT.encode(text), let module = try? decodeModule(binary, features: .wasm3) {
                _ = try? validateModule(module, features: .wasm3)
            }
        case .jit:
            guard let module = try? decodeModule(bytes, features: .wasm3), (try? validateModule(module, features: .wasm3)) != nil,
                  Self.isSmall(module) else { return }
            let runner = DifferentialRun(vectorsPerFunction: 2, fuel: 200_000)
            let configurations = DifferentialRun.Configuration.allSafe
            let reference = runner.outcome(of: bytes, under: configurations[0]).lines
            for c in configurations.dropFirst() {
                let other = runner.outcome(of: bytes, under: c).lines
                if let line = DifferentialRun.firstDifference(reference, other) {
                    let a = line < reference.count ? reference[line] : "(nothing)"
                    let b = line < other.count ? other[line] : "(nothing)"
                    fatalError("tiers disagree at line \(line + 1): \(configurations[0]): \(a) | \(c): \(b)")
                }
            }
        }
    }

    /// Whether running `module` stays cheap: a mutated module may ask for gigabytes, which
    /// is a valid request but no use to a fuzzer that runs thousands of inputs a second.
    static func isSmall(_ module: Module) -> Bool {
        module.imports.isEmpty && module.memories.allSatisfy { $0.limits.min <= 16 }
            && module.tables.allSatisfy { $0.type.limits.min <= 10_000 }
    }

    /// Replays inputs (files, or folders of files) through the target: how regression
    /// inputs run without the fuzzer, and how a crash the fuzzer saved is reproduced.
    public func replay(_ paths: [String]) -> Never {
        var count = 0
        for path in paths {
            for file in Self.files(at: path) {
                guard let bytes = Self.read(file) else {
                    print("cannot read \(file)")
                    exit(1)
                }
                run(bytes)
                count += 1
            }
        }
        print("\(rawValue): \(count) inputs ran")
        exit(0)
    }

    static func files(at path: String) -> [String] {
        guard let dir = opendir(path) else { return [path] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if !name.hasPrefix(".") { names.append(path + "/" + name) }
        }
        return names.sorted()
    }

    static func read(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        return bytes
    }
}
