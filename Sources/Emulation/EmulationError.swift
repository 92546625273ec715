/// Why the emulator cannot run something (no library, a mapping it refuses, an engine error).
public struct EmulationError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public let description: String
    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}
