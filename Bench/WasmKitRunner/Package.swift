// swift-tools-version: 6.0
import PackageDescription

// A peer runtime for the benchmark harness: runs one WASI command module with WasmKit.
// Kept out of the WasmLab package so WasmLab never depends on WasmKit; tools/bench builds
// it in release mode only when asked (`--with-wasmkit`).
let package = Package(
    name: "WasmKitRunner",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(url: "https://github.com/swiftwasm/WasmKit.git", exact: "0.4.2"),
    ],
    targets: [
        .executableTarget(
            name: "WasmKitRunner",
            dependencies: [
                .product(name: "WasmKit", package: "WasmKit"),
                .product(name: "WasmKitWASI", package: "WasmKit"),
            ]
        ),
    ]
)
