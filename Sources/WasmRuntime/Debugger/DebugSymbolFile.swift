import WasmCore

/// A symbol file for one module's compiled code, as debuggers read it through the JIT
/// interface (`DebuggerRegistration`): an in-memory ELF64 relocatable object whose
/// `.text` is a placeholder (no bytes) at the code's address, with a symbol per function
/// and the code's call-frame information (`.debug_frame`), so that a debugger names
/// Wasm functions in backtraces and unwinds through their frames.
public struct DebugSymbolFile {
    /// A function: its name, offset from the start of the code and size.
    public struct Symbol: Sendable {
        let prefix: StaticString
        let name: String
        let offset: Int
        let size: Int

        /// The symbol `prefix` and `name` for the `size` bytes at `offset` from the start
        /// of the code.
        public init(_ prefix: StaticString = "", name: String, offset: Int, size: Int) {
            self.prefix = prefix
            self.name = name
            self.offset = offset
            self.size = size
        }
    }

    /// The ELF image.
    public static func make(machine: UInt16, textAddress: UInt, textSize: Int, symbols: [Symbol], debugFrame: [UInt8]) -> [UInt8] {
        // Section names.
        var shstrtab: [UInt8] = [0]
        func sectionName(_ name: String) -> UInt32 {
            defer { shstrtab += Array(name.utf8) + [0] }
            return UInt32(shstrtab.count)
        }
        let names = (text: sectionName(".text"), frame: sectionName(".debug_frame"), symtab: sectionName(".symtab"),
                     strtab: sectionName(".strtab"), shstrtab: sectionName(".shstrtab"))
        // Symbols: the null one, then each function (global, in .text, section 1).
        var strtab: [UInt8] = [0]
        var symtab = [UInt8](repeating: 0, count: 24)
        symtab.reserveCapacity(24 * (symbols.count + 1))
        strtab.reserveCapacity(symbols.count * 16)
        for symbol in symbols {
            symtab.appendLittleEndian(UInt32(strtab.count))
            symbol.prefix.withUTF8Buffer { strtab.append(contentsOf: $0) }
            strtab.append(contentsOf: symbol.name.utf8)
            strtab.append(0)
            symtab.append(0x12)                 // STB_GLOBAL, STT_FUNC
            symtab.append(0)                    // default visibility
            symtab.appendLittleEndian(UInt16(1))
            symtab.appendLittleEndian(UInt64(symbol.offset))
            symtab.appendLittleEndian(UInt64(symbol.size))
        }
        // Layout: header, then each section's bytes (8-aligned), then the section headers.
        var image = [UInt8](repeating: 0, count: 64)
        image.reserveCapacity(64 + debugFrame.count + symtab.count + strtab.count + shstrtab.count + 4 * 8 + 6 * 64)
        func place(_ bytes: [UInt8]) -> UInt64 {
            while image.count % 8 != 0 { image.append(0) }
            defer { image.append(contentsOf: bytes) }
            return UInt64(image.count)
        }
        let frameAt = place(debugFrame), symtabAt = place(symtab), strtabAt = place(strtab), shstrtabAt = place(shstrtab)
        while image.count % 8 != 0 { image.append(0) }
        let headersAt = UInt64(image.count)
        func header(name: UInt32, type: UInt32, flags: UInt64 = 0, address: UInt64 = 0, offset: UInt64 = 0, size: UInt64 = 0,
                    link: UInt32 = 0, info: UInt32 = 0, align: UInt64 = 1, entrySize: UInt64 = 0) {
            image.appendLittleEndian(name)
            image.appendLittleEndian(type)
            image.appendLittleEndian(flags)
            image.appendLittleEndian(address)
            image.appendLittleEndian(offset)
            image.appendLittleEndian(size)
            image.appendLittleEndian(link)
            image.appendLittleEndian(info)
            image.appendLittleEndian(align)
            image.appendLittleEndian(entrySize)
        }
        header(name: 0, type: 0, align: 0)
        // SHT_NOBITS, SHF_ALLOC | SHF_EXECINSTR: where the code is, not the code.
        header(name: names.text, type: 8, flags: 0x6, address: UInt64(textAddress), size: UInt64(textSize), align: 16)
        header(name: names.frame, type: 1, offset: frameAt, size: UInt64(debugFrame.count), align: 8)
        header(name: names.symtab, type: 2, offset: symtabAt, size: UInt64(symtab.count), link: 4, info: 1, align: 8,
               entrySize: 24)
        header(name: names.strtab, type: 3, offset: strtabAt, size: UInt64(strtab.count))
        header(name: names.shstrtab, type: 3, offset: shstrtabAt, size: UInt64(shstrtab.count))
        // The ELF header: ELFCLASS64, little-endian, version 1.
        var elf: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 8)
        elf.appendLittleEndian(UInt16(1))       // ET_REL
        elf.appendLittleEndian(machine)
        elf.appendLittleEndian(UInt32(1))
        elf.appendLittleEndian(UInt64(0))       // no entry
        elf.appendLittleEndian(UInt64(0))       // no program headers
        elf.appendLittleEndian(headersAt)
        elf.appendLittleEndian(UInt32(0))       // flags
        elf.appendLittleEndian(UInt16(64))      // header size
        elf.appendLittleEndian(UInt16(0))       // program header size and count
        elf.appendLittleEndian(UInt16(0))
        elf.appendLittleEndian(UInt16(64))      // section header size
        elf.appendLittleEndian(UInt16(6))       // sections
        elf.appendLittleEndian(UInt16(5))       // .shstrtab's index
        image.withUnsafeMutableBytes { $0.copyBytes(from: elf) }
        return image
    }
}
