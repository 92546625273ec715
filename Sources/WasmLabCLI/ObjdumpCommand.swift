import ArgumentParser
import WasmCore
import WasmDecoder

struct ObjdumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "objdump", abstract: "Print a module's sections, imports, exports and function sizes.")

    @Option(help: "Feature set (wasm-2.0 or wasm-3.0).")
    var features: FeatureSetOption = .wasm3

    @Argument(help: "The module file (.wasm or .wat).")
    var file: String

    func run() throws {
        try reportingErrors {
            let module = try decodeModule(try ModuleFile.read(file, features: features.features), features: features.features)
            print(ModuleSummary(module).text)
        }
    }
}

/// A human-readable listing of a decoded module.
struct ModuleSummary {
    let module: Module
    init(_ module: Module) { self.module = module }

    var text: String {
        var lines: [String] = []
        let importedFunctions = module.importedFunctionTypes.count
        lines.append("types: \(module.types.count)")
        for (i, t) in module.types.enumerated() { lines.append("  type[\(i)] \(t)") }
        lines.append("imports: \(module.imports.count)")
        for imp in module.imports { lines.append("  \(imp.module).\(imp.name): \(describe(imp.descriptor))") }
        lines.append("functions: \(module.functions.count) defined, \(importedFunctions) imported")
        for (i, body) in module.codes.enumerated() {
            let index = UInt32(importedFunctions + i)
            let name = module.names?.functionNames[index].map { " <\($0)>" } ?? ""
            let typeIndex = i < module.functions.count ? Int(module.functions[i]) : -1
            let type = typeIndex >= 0 && typeIndex < module.types.count ? "\(module.types[typeIndex])" : "?"
            lines.append("  func[\(index)]\(name) \(type) size=\(body.code.count) locals=\(body.localCounts.reduce(0) { $0 + Int($1) })")
        }
        lines.append("tables: \(module.tables.count)")
        for t in module.tables { lines.append("  \(t.type)") }
        lines.append("memories: \(module.memories.count)")
        for m in module.memories { lines.append("  \(m)") }
        lines.append("globals: \(module.globals.count)")
        for g in module.globals { lines.append("  \(g.type)") }
        lines.append("exports: \(module.exports.count)")
        for e in module.exports { lines.append("  \"\(e.name)\" \(e.kind)[\(e.index)]") }
        if let start = module.start { lines.append("start: func[\(start)]") }
        lines.append("elements: \(module.elements.count)")
        lines.append("data: \(module.data.count) segments, \(module.data.reduce(0) { $0 + $1.range.count }) bytes")
        for c in module.customSections { lines.append("custom \"\(c.name)\": \(c.range.count) bytes") }
        return lines.joined(separator: "\n")
    }

    private func describe(_ d: Import.Descriptor) -> String {
        switch d {
        case .function(let t): "func type[\(t)]"
        case .table(let t): "table \(t)"
        case .memory(let m): "memory \(m)"
        case .global(let g): "global \(g)"
        case .tag(let t): "tag type[\(t.typeIndex)]"
        }
    }
}
