import WasmRuntime

/// The instruction sets the JIT compiles for: the one place that maps each to its
/// `JITBackend` (the switches below are over concrete backends, so every path through
/// the compiler is specialised for one).
public enum JITISA: String, Sendable {
    case x64 = "x86-64"
    case arm64 = "arm64"

    func registration(for code: JITCode) -> CodeRegistration? {
        switch self {
        case .x64: X64Backend.registration(for: code)
        case .arm64: ARM64Backend.registration(for: code)
        }
    }

    func trampoline() -> (code: [UInt8], changes: [(offset: Int, rule: CallFrameInfo.Rule)]) {
        switch self {
        case .x64: X64Backend.trampoline()
        case .arm64: ARM64Backend.trampoline()
        }
    }

    func trampolineRegistration(base: UnsafeRawPointer, size: Int,
                                changes: [(offset: Int, rule: CallFrameInfo.Rule)]) -> CodeRegistration? {
        switch self {
        case .x64: X64Backend.trampolineRegistration(base: base, size: size, changes: changes)
        case .arm64: ARM64Backend.trampolineRegistration(base: base, size: size, changes: changes)
        }
    }

    func walk(pc: UInt, sp: UInt, entrySP: UInt) -> (frames: [(pc: UInt, count: Int)], omitted: Int) {
        switch self {
        case .x64: X64Backend.walk(pc: pc, sp: sp, entrySP: entrySP)
        case .arm64: ARM64Backend.walk(pc: pc, sp: sp, entrySP: entrySP)
        }
    }
}
