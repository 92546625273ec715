/// One region of generated code made known to debuggers (`DebuggerRegistration`) and to
/// an unwinder in the process (`UnwinderRegistration`), from one description: its symbols
/// and its call-frame rules, which each gets in its own form.
public final class CodeRegistration: @unchecked Sendable {
    private let debugger: DebuggerRegistration.Entry
    private let unwinder: UnwinderRegistration.Entry?

    /// Registers the `size` bytes of code at `base` of ELF machine `machine`, with
    /// `symbols` and the rules `frames` makes in the form asked for; the unwinder covers
    /// the first `unwound` bytes (all of them by default).
    public init(machine: UInt16, base: UInt, size: Int, unwound: Int? = nil, symbols: [DebugSymbolFile.Symbol],
                frames: (CallFrameInfo.Format) -> CallFrameInfo) {
        debugger = DebuggerRegistration.add(DebugSymbolFile.make(machine: machine, textAddress: base, textSize: size,
                                                                 symbols: symbols, debugFrame: frames(.debugFrame).bytes))
        unwinder = UnwinderRegistration.add(start: base, end: base + UInt(unwound ?? size)) { frames(.ehFrame) }
    }

    /// Takes the code off both lists (before it goes).
    public func remove() {
        DebuggerRegistration.remove(debugger)
        if let unwinder { UnwinderRegistration.remove(unwinder) }
    }
}
