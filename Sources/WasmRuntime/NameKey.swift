/// A Wasm name (UTF-8 bytes) as a dictionary key. Names match byte for byte, unlike
/// Swift's `String` equality; hashing the bytes as one block is several times faster
/// than `[UInt8]`'s hashing, which feeds the hasher one byte at a time.
struct NameKey: Hashable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }
    init(_ name: String) { bytes = Array(name.utf8) }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
