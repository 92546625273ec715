// swift-tools-version: 6.2
import PackageDescription

// Swift 6 language mode everywhere, warnings are errors.
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]
// The interpreter's hot loop works on raw pointers whose exclusivity it manages itself.
let hot: [SwiftSetting] = strict + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
// Threaded dispatch for the interpreter's switch loop: LLVM does not tail-duplicate a block
// with more than 16 predecessors and 16 successors, so the jump-table dispatch stayed one
// shared indirect jump that every handler jumped back to. With the limit lifted each handler
// ends in its own copy of the dispatch (Docs/Interpreter.md, "Threaded dispatch").
// -fno-math-errno for the C shims Swift's float functions inline (`squareRoot()` is
// `__builtin_sqrt`): Wasm has no errno, and the libm call kept for it on the negative path
// would be a call site in the hot loop.
let dispatch: [SwiftSetting] = hot + [.unsafeFlags(["-Xllvm", "-tail-dup-pred-size=4096",
                                                    "-Xllvm", "-tail-dup-succ-size=4096",
                                                    "-Xcc", "-fno-math-errno"])]

// FuzzTargets declares libFuzzer's driver entry with @_extern(c).
let fuzz: [SwiftSetting] = strict + [.enableExperimentalFeature("Extern")]

let package = Package(
    name: "WasmLab",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "wasmlab", targets: ["WasmLabCLI"]),
        // Embedding: the engine with every tier registered, the text format and WASI.
        .library(name: "WasmLab", targets: ["WasmLab"]),
        .library(name: "WasmRuntime", targets: ["WasmRuntime"]),
        .library(name: "WasmTiers", targets: ["Tiers"]),
        .library(name: "WAT", targets: ["WAT"]),
        .library(name: "WASI", targets: ["WASI"]),
        .library(name: "Assembler", targets: ["Assembler"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .target(name: "Assembler", dependencies: ["Platform"], swiftSettings: strict),
        // The host's C library under one import name.
        .target(name: "Platform", swiftSettings: strict + [.enableExperimentalFeature("Extern")]),
        .target(name: "WasmCore", exclude: ["Instructions.def"], swiftSettings: strict),
        .target(name: "WasmDecoder", dependencies: ["WasmCore"], swiftSettings: strict),
        .target(name: "WasmValidator", dependencies: ["WasmDecoder"], swiftSettings: strict),
        .target(name: "WAT", dependencies: ["WasmDecoder"], swiftSettings: strict),
        .target(name: "WasmRuntime", dependencies: ["Platform", "WasmValidator", "Assembler",
                                                   .product(name: "Atomics", package: "swift-atomics")],
                swiftSettings: hot + [.enableExperimentalFeature("SymbolLinkageMarkers")],
                // GDB's JIT interface looks for a variable of this C name (DebuggerRegistration).
                linkerSettings: [.unsafeFlags(["-Xlinker", "--defsym=__jit_debug_descriptor=$s11WasmRuntime18jitDebugDescriptors6UInt32V_ADS2utvp"])]),
        .target(name: "Interpreter", dependencies: ["WasmRuntime"], exclude: ["Instructions.iops"], swiftSettings: dispatch),
        .target(name: "JIT", dependencies: ["Platform", "WasmRuntime", "Interpreter", "Assembler", "Emulation"], swiftSettings: hot),
        // Debian: libcapstone-dev (tools/test installs it when missing). Headers only at build
        // time (no pkgConfig: it would add -lcapstone); Disassembly dlopens the library.
        .systemLibrary(name: "CCapstone", providers: [.apt(["libcapstone-dev"])]),
        .target(name: "Disassembly", dependencies: ["CCapstone", "Platform"], swiftSettings: strict),
        // Debian: libunicorn-dev (tools/setup installs it), headers only as for capstone:
        // Emulation dlopens the library and runs AArch64 code on this host.
        .systemLibrary(name: "CUnicorn", providers: [.apt(["libunicorn-dev"])]),
        .target(name: "Emulation", dependencies: ["CUnicorn", "Platform"], swiftSettings: strict),
        // Debian: libhiredis-dev (tools/setup installs it): the global state tier's Redis client.
        .systemLibrary(name: "CHiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CLibunwind", providers: [.apt(["libunwind-dev"])]),
        // Research tooling over the JIT: interleaved Wasm/machine-code listings.
        .target(name: "JITTools", dependencies: ["JIT", "Disassembly", "WasmDecoder", "WasmRuntime"], swiftSettings: strict),
        .target(name: "WASI", dependencies: ["Platform", "WasmRuntime"], swiftSettings: strict),
        // Fibers on worker threads under a preemptive scheduler; no Wasm knowledge. The
        // exclusivity hand-over on a switch declares two runtime entry points with @_extern(c).
        .target(name: "GreenThreads",
                dependencies: ["Platform", "Assembler",
                               .product(name: "Atomics", package: "swift-atomics"),
                               .product(name: "DequeModule", package: "swift-collections"),
                               .product(name: "HeapModule", package: "swift-collections")],
                swiftSettings: strict + [.enableExperimentalFeature("Extern")]),
        // The serverless layer: sandboxes on green threads (Sandbox/), `wasmlab serve`'s
        // HTTP front (HTTP/, Routes/, Admission/, Metrics/). memfd_create via @_extern(c).
        .target(name: "Serverless",
                dependencies: ["Platform", "WasmRuntime", "WASI", "WAT", "GreenThreads", "CHiredis",
                               .product(name: "Atomics", package: "swift-atomics"),
                               .product(name: "HeapModule", package: "swift-collections"),
                               .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "NIOPosix", package: "swift-nio"),
                               .product(name: "NIOHTTP1", package: "swift-nio"),
                               .product(name: "Logging", package: "swift-log"),
                               .product(name: "CoreMetrics", package: "swift-metrics"),
                               .product(name: "Prometheus", package: "swift-prometheus")],
                swiftSettings: strict + [.enableExperimentalFeature("Extern")]),
        // The tiers this build has, registered by name (the runtime cannot import them).
        .target(name: "Tiers", dependencies: ["WasmRuntime", "Interpreter", "JIT"], swiftSettings: strict),
        // The embedding API in one import.
        .target(name: "WasmLab", dependencies: ["WasmCore", "WasmDecoder", "WasmRuntime", "Tiers", "WAT", "WASI"],
                swiftSettings: strict),
        // What tests share: the testsuite locator and the tier x strategy matrix.
        .target(name: "TestSupport", dependencies: ["Platform", "WasmRuntime", "Tiers"], swiftSettings: strict),
        .target(name: "SpecRunner", dependencies: ["WAT", "WasmRuntime", "Interpreter", "JIT", "Tiers"], swiftSettings: strict),
        // Coverage-guided fuzz targets (tools/fuzz builds them with -sanitize=fuzzer).
        .target(name: "FuzzTargets", dependencies: ["Platform", "SpecRunner", "WAT", "WasmDecoder", "WasmValidator"], swiftSettings: fuzz),
        // Writes the source commit into wasmlab (`wasmlab --version`).
        .plugin(name: "BuildInfo", capability: .buildTool()),
        .executableTarget(name: "fuzz-decode", dependencies: ["FuzzTargets"], swiftSettings: strict),
        .executableTarget(name: "fuzz-wat", dependencies: ["FuzzTargets"], swiftSettings: strict),
        .executableTarget(name: "fuzz-jit", dependencies: ["FuzzTargets"], swiftSettings: strict),
        .executableTarget(
            name: "WasmLabCLI",
            dependencies: ["Platform", 
                "SpecRunner", "Tiers", "WAT", "WasmRuntime", "Interpreter", "WASI", "JIT", "Disassembly", "JITTools",
                "GreenThreads", "Serverless",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: strict,
            // Start-up: no dynamic loading and relocation of the Swift runtime libraries (release
            // only: test bundles that link this target use the shared runtime with Foundation).
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-l_FoundationCollections", "-l_FoundationCShims"],
                                         .when(platforms: [.linux], configuration: .release))],
            plugins: ["BuildInfo"]),
        .testTarget(name: "JITTests", dependencies: ["JIT", "JITTools", "WAT", "WasmRuntime", "Interpreter", "Disassembly", "TestSupport",
                                                   "CLibunwind", "Emulation"],
                    exclude: ["Golden"], swiftSettings: strict),
        .testTarget(name: "GreenThreadsTests", dependencies: ["GreenThreads", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "ServerlessTests", dependencies: ["Serverless", "GreenThreads", "WAT", "Tiers", "WasmRuntime", "TestSupport",
                                                           .product(name: "Logging", package: "swift-log"),
                                                           .product(name: "NIOCore", package: "swift-nio"),
                                                           .product(name: "NIOPosix", package: "swift-nio"),
                                                           .product(name: "NIOHTTP1", package: "swift-nio")],
                    swiftSettings: strict),
        .testTarget(name: "AssemblerTests", dependencies: ["Assembler"], swiftSettings: strict),
        .testTarget(name: "EmulationTests", dependencies: ["Emulation"], swiftSettings: strict),
        .testTarget(name: "WasmCoreTests", dependencies: ["WasmCore"], swiftSettings: strict),
        .testTarget(name: "WasmDecoderTests", dependencies: ["WasmDecoder", "WasmValidator", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "WATTests", dependencies: ["WAT", "WasmDecoder", "WasmValidator", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "WasmRuntimeTests", dependencies: ["WasmRuntime", "Interpreter", "JIT", "WAT", "Assembler", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "DisassemblyTests", dependencies: ["Disassembly", "WasmRuntime"], swiftSettings: strict),
        .testTarget(name: "WASITests", dependencies: ["WASI", "WasmRuntime", "Interpreter", "WAT"], swiftSettings: strict),
        .testTarget(name: "SpecRunnerTests", dependencies: ["SpecRunner", "WAT", "FuzzTargets"], swiftSettings: strict),
    ]
)
