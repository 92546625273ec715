/// Expected failures of a (tier, bounds) pair, one `SET/FILE.wast:LINE` per line in
/// `Spec/expectations/<tier>-<bounds>.txt` (`#` starts a comment). The list may only
/// shrink: an entry whose command now passes is reported so it gets removed.
public struct Expectations: Sendable {
    /// The expected failures, as `SET/FILE.wast:LINE`.
    public private(set) var entries: Set<String> = []

    /// No expected failures.
    public init() {}

    /// The entries of an expectations file (one per line, `#` comments).
    public init(text: String) {
        for raw in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let entry = line.trimmingCharacters(in: " \t\r")
            if !entry.isEmpty { entries.insert(entry) }
        }
    }

    /// The key of a command: the file's last two path components and its line.
    public static func key(file: String, line: Int) -> String {
        let parts = file.split(separator: "/")
        return parts.suffix(2).joined(separator: "/") + ":\(line)"
    }

    /// Whether the command at `line` of `file` is expected to fail.
    public func contains(file: String, line: Int) -> Bool {
        entries.contains(Self.key(file: file, line: line))
    }

    /// Entries that belong to `file`.
    public func entries(for file: String) -> [String] {
        let prefix = Self.key(file: file, line: 0).dropLast(2)
        return entries.filter { $0.hasPrefix(prefix + ":") }.sorted()
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s.removeFirst() }
        while let c = s.last, set.contains(c) { s.removeLast() }
        return String(s)
    }
}
