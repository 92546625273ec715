import Emulation
import Platform

/// The host's own mappings as the emulator may map them (`/proc/self/maps`): emulated code
/// gets exactly the rights the host has on a page, so PROT_NONE guard pages and unmapped
/// addresses fault instead of being mapped.
///
/// One runner keeps one table, read again at the start of each run (the host may have
/// mapped, unmapped or reprotected memory since: regions mapped in an earlier run stay
/// only while the host still has them with those rights) and on a miss it cannot answer
/// (a memory grown during the run).
struct HostMappings {
    private struct Mapping {
        var start: UInt64
        var end: UInt64
        var permissions: ARM64Machine.Permissions
    }

    /// How much around a touched page is mapped at once, within its host mapping: fewer
    /// misses for code that walks through memory, and little to unmap (unicorn flushes its
    /// TLB page by page when it unmaps, so whole multi-gigabyte mappings cost seconds).
    static let window: UInt64 = 64 << 10

    private var mappings: [Mapping] = []
    private var fresh = false

    /// Forgets the table: the next miss reads the host's mappings again.
    mutating func invalidate() { fresh = false }

    /// The region to map for `address` (`window` around it in its host mapping), nil when
    /// the host cannot read it.
    mutating func region(containing address: UInt64) -> ARM64Machine.Region? {
        if !fresh { reload() }
        var found = lookup(address)
        if found == nil || !found!.permissions.contains(.read) {
            // The table may predate a change of this run (memory.grow): read it once more.
            reload()
            found = lookup(address)
        }
        guard let m = found, m.permissions.contains(.read) else { return nil }
        let page = address & ~UInt64(ARM64Machine.pageSize - 1)
        let low = max(m.start, page >= Self.window ? page - Self.window : 0)
        let high = min(m.end, page + Self.window)
        return ARM64Machine.Region(start: low, count: Int(high - low), permissions: m.permissions)
    }

    /// Whether the host (as of a fresh read) has `region` mapped with at least its rights
    /// throughout.
    mutating func covers(_ region: ARM64Machine.Region) -> Bool {
        if !fresh { reload() }
        var at = region.start
        let end = region.start + UInt64(region.count)
        while at < end {
            guard let m = lookup(at), m.permissions.isSuperset(of: region.permissions) else { return false }
            at = m.end
        }
        return true
    }

    private func lookup(_ address: UInt64) -> Mapping? {
        var lo = 0, hi = mappings.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if mappings[mid].end <= address { lo = mid + 1 } else { hi = mid }
        }
        return lo < mappings.count && mappings[lo].start <= address ? mappings[lo] : nil
    }

    /// Reads `/proc/self/maps`: lines "start-end perms offset dev inode path", sorted
    /// (libc's line reading and number parsing: a few calls per line, fast in any build).
    private mutating func reload() {
        mappings.removeAll(keepingCapacity: true)
        fresh = true
        guard let file = fopen("/proc/self/maps", "r") else { return }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let text = line {
            var rest: UnsafeMutablePointer<CChar>?
            let start = strtoull(text, &rest, 16)
            guard let dash = rest, dash.pointee == CChar(UInt8(ascii: "-")) else { continue }
            let end = strtoull(dash + 1, &rest, 16)
            guard let perms = rest, perms.pointee == CChar(UInt8(ascii: " ")) else { continue }
            var permissions: ARM64Machine.Permissions = []
            if perms[1] == CChar(UInt8(ascii: "r")) { permissions.insert(.read) }
            if perms[2] == CChar(UInt8(ascii: "w")) { permissions.insert(.write) }
            if perms[3] == CChar(UInt8(ascii: "x")) { permissions.insert(.execute) }
            if end > start { mappings.append(Mapping(start: UInt64(start), end: UInt64(end), permissions: permissions)) }
        }
    }
}
