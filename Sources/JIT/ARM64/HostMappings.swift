import Emulation
import Platform

/// The host's own mappings as the emulator may map them (`/proc/self/maps`): emulated code
/// gets exactly the rights the host has on a page, so PROT_NONE guard pages and unmapped
/// addresses fault instead of being mapped.
enum HostMappings {
    /// How much around a touched page is mapped at once (within its host mapping): fewer
    /// misses for code that walks through memory.
    static let window: UInt64 = 1 << 20

    /// The region to map for `address`, nil when the host cannot read it.
    static func region(containing address: UInt64) -> ARM64Machine.Region? {
        guard let (start, end, permissions) = mapping(containing: address), permissions.contains(.read) else { return nil }
        let page = UInt64(ARM64Machine.pageSize)
        let at = address & ~(page - 1)
        let low = max(start, at >= window ? at - window : 0)
        let high = min(end, at + window)
        return ARM64Machine.Region(start: low, count: Int(high - low), permissions: permissions)
    }

    /// The host mapping that contains `address`: its bounds and rights.
    static func mapping(containing address: UInt64) -> (UInt64, UInt64, ARM64Machine.Permissions)? {
        let fd = open("/proc/self/maps", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var text: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            text += chunk[0 ..< n]
        }
        // Lines: "start-end perms offset dev inode path", addresses in hex, sorted.
        var i = 0
        while i < text.count {
            var start: UInt64 = 0, end: UInt64 = 0
            while i < text.count, let d = hexDigit(text[i]) { start = start << 4 | d; i += 1 }
            i += 1  // '-'
            while i < text.count, let d = hexDigit(text[i]) { end = end << 4 | d; i += 1 }
            i += 1  // ' '
            var permissions: ARM64Machine.Permissions = []
            if i + 2 < text.count {
                if text[i] == UInt8(ascii: "r") { permissions.insert(.read) }
                if text[i + 1] == UInt8(ascii: "w") { permissions.insert(.write) }
                if text[i + 2] == UInt8(ascii: "x") { permissions.insert(.execute) }
            }
            if start <= address && address < end { return (start, end, permissions) }
            if start > address { return nil }
            while i < text.count && text[i] != UInt8(ascii: "\n") { i += 1 }
            i += 1
        }
        return nil
    }

    private static func hexDigit(_ c: UInt8) -> UInt64? {
        switch c {
        case UInt8(ascii: "0") ... UInt8(ascii: "9"): UInt64(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a") ... UInt8(ascii: "f"): UInt64(c - UInt8(ascii: "a") + 10)
        default: nil
        }
    }
}
