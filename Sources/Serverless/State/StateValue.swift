import Synchronization

/// One named value of Faasm's state on this node (the local replica): its bytes, sized by
/// the first call that names it with a length, and the list of appended elements.
/// Thread-safe: sandboxes on every worker share it.
final class StateValue: Sendable {
    private struct Contents {
        var bytes: [UInt8]
        var appended: [[UInt8]] = []
        var dirty = false
    }

    private let contents: Mutex<Contents>

    init(size: Int) { contents = Mutex(Contents(bytes: [UInt8](repeating: 0, count: size))) }

    var size: Int { contents.withLock { $0.bytes.count } }

    /// Bytes `offset ..< offset + count` (the caller checked the range).
    func read(_ offset: Int, _ count: Int) -> [UInt8] { contents.withLock { Array($0.bytes[offset ..< offset + count]) } }

    /// Writes `bytes` at `offset` (the caller checked the range) and marks the value dirty.
    func write(_ bytes: [UInt8], at offset: Int) {
        contents.withLock { c in
            c.bytes.replaceSubrange(offset ..< offset + bytes.count, with: bytes)
            c.dirty = true
        }
    }

    func markDirty() { contents.withLock { $0.dirty = true } }

    func append(_ element: [UInt8]) { contents.withLock { $0.appended.append(element) } }

    /// The first `count` appended elements (fewer when there are fewer).
    func appended(_ count: Int) -> [[UInt8]] { contents.withLock { Array($0.appended.prefix(max(count, 0))) } }

    func clearAppended() { contents.withLock { $0.appended.removeAll() } }
}
