import ArgumentParser
import Disassembly
import JITTools

struct DisasmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disasm",
        abstract: "Compile a module with the JIT and disassemble its machine code.",
        discussion: """
            Prints each defined function's code as compiled under --bounds (guard and masked \
            drop the per-access checks), interleaved with the Wasm instructions that produced \
            it; prologue, epilogues and trap stubs are labelled. Offsets are relative to the \
            function's entry. Without --func, the module's shared stubs follow.
            """)

    @OptionGroup var listing: ListingOptions

    @Flag(help: "AT&T syntax (default: Intel).")
    var att = false

    func run() throws {
        try reportingErrors {
            let (module, code, functions) = try listing.compile()
            let printer = try JITListingPrinter(module: module, code: code,
                                                disassembler: try Disassembler(architecture: listing.architecture, attSyntax: att))
            print("bounds \(listing.bounds.rawValue), \(listing.architecture.rawValue)")
            for index in functions { print("\n" + printer.function(index)) }
            if listing.function == nil { print("\n" + printer.moduleStubs()) }
        }
    }
}
