import Platform
import WasmCore
import WasmRuntime

/// One message on a named channel: its bytes in pages of their own, outside every
/// memory, so that a receiver can have them moved into its memory instead of copied
/// (`receive_mapped`), as a sender can move them out of its own (`send_buffer`).
final class ChannelBuffer: @unchecked Sendable {
    /// The message's length in bytes.
    let count: Int
    /// Its pages (nil when empty), `count` rounded up to the system page; bytes past
    /// `count` are zero.
    private let pages: MovedPages?

    /// A message of the `count` bytes at `bytes` (copied once); nil when the system
    /// refuses the pages.
    init?(copying bytes: UnsafeRawPointer, count: Int) {
        self.count = count
        guard count > 0 else {
            pages = nil
            return
        }
        guard let pages = MovedPages(zeroed: count), let base = pages.base else { return nil }
        base.copyMemory(from: bytes, byteCount: count)
        self.pages = pages
    }

    /// A message of the first `count` bytes of the pages at `offset` of `memory`, moved
    /// out of it (zero pages take their place); the bytes past `count` on its last page
    /// are cleared first, so that nothing else of the sender goes along.
    init(moving count: Int, at offset: Int, of memory: LinearMemory) throws(WasmError) {
        self.count = count
        guard count > 0 else {
            pages = nil
            return
        }
        let length = MovedPages.roundedToPage(count)
        (memory.base + offset + count).initializeMemory(as: UInt8.self, repeating: 0, count: length - count)
        pages = try memory.movePagesOut(at: offset, length: length)
    }

    /// Copies the message to `destination` (room for `count` bytes); false when its pages
    /// were moved away already.
    func copy(to destination: UnsafeMutableRawPointer) -> Bool {
        guard count > 0 else { return true }
        guard let base = pages?.base else { return false }
        destination.copyMemory(from: base, byteCount: count)
        return true
    }

    /// Moves the message's pages into `memory` (grown for them); their offset, nil when
    /// the memory cannot grow that far or they were moved away already.
    func move(into memory: LinearMemory) throws(WasmError) -> Int? {
        guard let pages else { return nil }
        return try memory.growMovingIn(pages)
    }
}
