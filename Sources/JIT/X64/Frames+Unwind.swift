import Assembler
import WasmRuntime

/// What debuggers are told about compiled x86-64 code (`DebuggerRegistration`).
extension X64Frames {
    /// A Wasm function's rules after its first instruction, `push r14`, which is all its
    /// body pushes (`frameBytes`). Not described: the one instruction after each `pop r14`
    /// (a return, or a tail call's jump), where the CFA is rsp + 8 again.
    static let functionUnwindChanges: [(offset: Int, rule: CallFrameInfo.Rule)] = {
        var a = X64Assembler()
        a.push(X64Regs.instance)
        return CallFrameInfo.x64Push(X64Regs.instance, depth: Int(frameBytes)).map { (a.offset, $0) }
    }()

    /// The rules of `code`'s compiled functions, in code order.
    static func callFrames(for code: JITCode, format: CallFrameInfo.Format) -> CallFrameInfo {
        let base = UInt(bitPattern: code.buffer.base)
        var frames = CallFrameInfo.x64(format)
        let program = frames.program(functionUnwindChanges)
        let ranges = code.compiledRanges()
        frames.reserve(ranges: ranges.count, program: program)
        for (_, range) in ranges {
            frames.addRange(address: base + UInt(range.lowerBound), length: range.count, program: program)
        }
        return frames
    }

    /// The symbol file of `code`: a symbol and frame rules per compiled function, and a
    /// symbol for the module's stubs.
    static func debugSymbolFile(for code: JITCode) -> [UInt8] {
        let ranges = code.compiledRanges()
        var symbols: [DebugSymbolFile.Symbol] = []
        symbols.reserveCapacity(ranges.count + 1)
        for (index, range) in ranges {
            let name = Instance.functionName(code.module, UInt32(code.importCount + index))
            symbols.append(.init("wasm::", name: name, offset: range.lowerBound, size: range.count))
        }
        let stubs = code.buffer.codeSize - code.moduleStubsOffset
        if stubs > 0 { symbols.append(.init("wasm::", name: "<module stubs>", offset: code.moduleStubsOffset, size: stubs)) }
        return DebugSymbolFile.make(machine: CallFrameInfo.x64ELFMachine, textAddress: UInt(bitPattern: code.buffer.base),
                                    textSize: code.buffer.codeSize, symbols: symbols,
                                    debugFrame: callFrames(for: code, format: .debugFrame).bytes)
    }

    /// The rules of the entry trampoline at `base` (`size` bytes, rule changes `changes`).
    static func trampolineFrames(base: UnsafeRawPointer, size: Int, changes: [(offset: Int, rule: CallFrameInfo.Rule)],
                                 format: CallFrameInfo.Format) -> CallFrameInfo {
        var frames = CallFrameInfo.x64(format)
        frames.addRange(address: UInt(bitPattern: base), length: size, changes: changes)
        return frames
    }

    /// The symbol file of the entry trampoline at `base` (`size` bytes, rule changes `changes`).
    static func trampolineSymbolFile(base: UnsafeRawPointer, size: Int, changes: [(offset: Int, rule: CallFrameInfo.Rule)]) -> [UInt8] {
        DebugSymbolFile.make(machine: CallFrameInfo.x64ELFMachine, textAddress: UInt(bitPattern: base), textSize: size,
                             symbols: [.init("wasm::", name: "<entry trampoline>", offset: 0, size: size)],
                             debugFrame: trampolineFrames(base: base, size: size, changes: changes, format: .debugFrame).bytes)
    }
}
