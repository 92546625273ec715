import ArgumentParser
import Disassembly
import JITTools
import WasmRuntime

struct ExploreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Write the JIT's code for a module as a self-contained HTML page.",
        discussion: """
            The page shows every defined function (or --func) as compiled under --bounds: each \
            Wasm instruction with the machine code it became, and the instructions that keep \
            memory accesses in bounds highlighted (software: compare and branch; masked: the \
            32-bit address cut; guard and masked: accesses that fault in the guard region), \
            with counts per function. It needs no network and runs no scripts.
            e.g.  wasmlab explore add.wat --bounds software -o add.html
            """)

    @OptionGroup var listing: ListingOptions

    @Option(name: .shortAndLong, help: "Output file ('-' for standard output, the default).")
    var output: String?

    func run() throws {
        try reportingErrors {
            let (module, code, functions) = try listing.compile()
            let printer = try JITListingPrinter(module: module, code: code,
                                                disassembler: try Disassembler(architecture: listing.architecture, attSyntax: false))
            let page = JITListingPage(
                title: "\(listing.file): machine code",
                subtitle: "wasmlab \(VersionText.release), JIT for \(DisassemblyArchitecture.host.rawValue), "
                    + "bounds strategy \(listing.bounds.rawValue), \(functions.count) function\(functions.count == 1 ? "" : "s")",
                functions: functions.map {
                    JITListingPage.Function(index: $0, name: Instance.functionName(module, UInt32($0)),
                                            rows: printer.rows(ofFunction: $0))
                })
            try OutputFile.write(Array(page.html.utf8), to: output)
        }
    }
}
