import Assembler

#if arch(x86_64)
extension PreemptionSignal {
    /// The code the handler is installed as: it passes `state` to `handler` as a fourth
    /// argument (`X64Assembler.signalThunk`).
    static func signalThunk(state: UnsafeMutableRawPointer, handler: UInt) -> [UInt8]? {
        var a = X64Assembler()
        a.signalThunk(state: state, handler: handler)
        a.finish()
        return a.bytes
    }
}
#endif
