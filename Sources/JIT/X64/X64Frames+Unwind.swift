import Assembler
import WasmRuntime

/// What debuggers and unwinders are told about compiled x86-64 code (`CodeRegistration`).
extension X64Frames {
    /// A Wasm function's rules after its first instruction, `push r14`, which is all its
    /// body pushes (`frameBytes`). Not described: the one instruction after each `pop r14`
    /// (a return, or a tail call's jump), where the CFA is rsp + 8 again.
    static let functionUnwindChanges: [(offset: Int, rule: CallFrameInfo.Rule)] = {
        var a = X64Assembler()
        a.push(X64Regs.instance)
        return CallFrameInfo.x64Push(X64Regs.instance, depth: Int(frameBytes)).map { (a.offset, $0) }
    }()

    /// `code` as debuggers and unwinders see it: a symbol and frame rules per compiled
    /// function, and a symbol for the module's stubs.
    static func registration(for code: JITCode) -> CodeRegistration {
        let ranges = code.compiledRanges()
        var symbols: [DebugSymbolFile.Symbol] = []
        symbols.reserveCapacity(ranges.count + 1)
        for (index, range) in ranges {
            let name = Instance.functionName(code.module, UInt32(code.importCount + index))
            symbols.append(.init("wasm::", name: name, offset: range.lowerBound, size: range.count))
        }
        let stubs = code.buffer.codeSize - code.moduleStubsOffset
        if stubs > 0 { symbols.append(.init("wasm::", name: "<module stubs>", offset: code.moduleStubsOffset, size: stubs)) }
        let base = UInt(bitPattern: code.buffer.base)
        return CodeRegistration(machine: CallFrameInfo.x64ELFMachine, base: base, size: code.buffer.codeSize,
                                symbols: symbols) { format in
            var frames = CallFrameInfo.x64(format)
            let program = frames.program(functionUnwindChanges)
            frames.reserve(ranges: ranges.count, program: program)
            for (_, range) in ranges {
                frames.addRange(address: base + UInt(range.lowerBound), length: range.count, program: program)
            }
            return frames
        }
    }

    /// The entry trampoline at `base` (`size` bytes, rule changes `changes`) as debuggers
    /// and unwinders see it.
    static func trampolineRegistration(base: UnsafeRawPointer, size: Int,
                                       changes: [(offset: Int, rule: CallFrameInfo.Rule)]) -> CodeRegistration {
        let address = UInt(bitPattern: base)
        return CodeRegistration(machine: CallFrameInfo.x64ELFMachine, base: address, size: size,
                                symbols: [.init("wasm::", name: "<entry trampoline>", offset: 0, size: size)]) { format in
            var frames = CallFrameInfo.x64(format)
            frames.addRange(address: address, length: size, changes: changes)
            return frames
        }
    }
}
