// swift-tools-version: 6.2
import Foundation
import PackageDescription

// Embedding WasmLab from another package, as a user would: a path dependency on the
// repository (its folder name is the package identity, whatever the checkout is called).
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

let package = Package(
    name: "Embedding",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: repository.path)],
    targets: [
        // The README's example.
        .executableTarget(name: "Basic", dependencies: [.product(name: "WasmLab", package: repository.lastPathComponent)]),
        // The rest of the embedding API, each step checked.
        .executableTarget(name: "Tour", dependencies: [.product(name: "WasmLab", package: repository.lastPathComponent)]),
    ]
)
