/// A position in the code, bound once; uses before binding are patched when the code is finished.
public struct Label: Hashable, Sendable {
    /// The label's number in its assembler.
    public let id: Int32
}
