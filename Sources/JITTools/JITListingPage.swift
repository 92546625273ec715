import JIT

/// A compiled module's listing as one self-contained HTML page (`wasmlab explore`): per
/// function, each Wasm instruction with the machine code it became, and the instructions
/// that keep memory accesses in bounds highlighted by kind, with counts. No scripts, no
/// external styles, fonts or images: the page works offline and from a file.
public struct JITListingPage {
    /// One function of the page.
    public struct Function {
        /// Its index in the function index space.
        public var index: Int
        /// Its name (name section, export, or `func[N]`).
        public var name: String
        /// Its listing (`JITListingPrinter.rows(ofFunction:)`).
        public var rows: [JITListingPrinter.Row]

        /// A function's listing for the page.
        public init(index: Int, name: String, rows: [JITListingPrinter.Row]) {
            self.index = index
            self.name = name
            self.rows = rows
        }
    }

    /// The page title (e.g. the file name).
    public var title: String
    /// One line under the title: strategy, architecture, what was compiled.
    public var subtitle: String
    /// The functions shown, in order.
    public var functions: [Function]

    /// A page of `functions`.
    public init(title: String, subtitle: String, functions: [Function]) {
        self.title = title
        self.subtitle = subtitle
        self.functions = functions
    }

    static let kinds: [JITListing.IsolationSite.Kind] = [.boundsCheck, .addressMask, .guardedAccess]

    /// The whole page: HTML with its style inline.
    public var html: String {
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(Self.escape(title))</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <h1>\(Self.escape(title))</h1>
            <p class="subtitle">\(Self.escape(subtitle))</p>
            <p class="legend">Highlighted: \
            <span class="iso-bounds-check">bounds check</span> (compare and branch to a trap), \
            <span class="iso-address-mask">address mask</span> (the address cut to 32 bits), \
            <span class="iso-guarded-access">guarded access</span> (faults in the guard region when out of bounds). \
            Point at a Wasm instruction to see its machine code.</p>

            """
        out += "<nav><h2>Functions</h2><ul>\n"
        for function in functions {
            out += "<li><a href=\"#f\(function.index)\">\(function.index) \(Self.escape(function.name))</a></li>\n"
        }
        out += "</ul></nav>\n"
        for function in functions { out += section(function) }
        out += "</body>\n</html>\n"
        return out
    }

    func section(_ function: Function) -> String {
        var machineCount = 0
        var counts: [JITListing.IsolationSite.Kind: Int] = [:]
        for case .machine(_, _, let kind) in function.rows {
            machineCount += 1
            if let kind { counts[kind, default: 0] += 1 }
        }
        var out = "<section id=\"f\(function.index)\">\n"
        for case .header(let text) in function.rows { out += "<h2>\(Self.escape(text))</h2>\n" }
        let summary = Self.kinds.compactMap { kind in counts[kind].map { "\($0) \(kind.rawValue)" } }
        out += "<p class=\"counts\">\(machineCount) machine instructions"
        out += summary.isEmpty ? ", none of them for memory isolation" : "; memory isolation: " + summary.joined(separator: ", ")
        out += "</p>\n<table>\n<thead><tr><th>Wasm</th><th>offset</th><th>machine code</th></tr></thead>\n"
        var open = false
        func startGroup(_ cls: String) {
            if open { out += "</tbody>\n" }
            out += "<tbody class=\"\(cls)\">\n"
            open = true
        }
        for row in function.rows {
            switch row {
            case .header:
                continue
            case .wasm(let text, let depth):
                startGroup("op")
                out += "<tr><td class=\"wasm\" style=\"padding-left:\(0.5 + Double(depth) * 1.5)em\">"
                out += "\(Self.escape(text))</td><td></td><td></td></tr>\n"
            case .section(let title):
                startGroup("stub")
                out += "<tr><td class=\"section\">\(Self.escape(title))</td><td></td><td></td></tr>\n"
            case .machine(let offset, let text, let kind):
                if !open { startGroup("op") }
                let cls = kind.map { " class=\"iso-\(String($0.rawValue.map { $0 == " " ? "-" : $0 }))\"" } ?? ""
                let tip = kind.map { " title=\"\($0.rawValue)\"" } ?? ""
                out += "<tr\(cls)\(tip)><td></td><td class=\"offset\">\(Self.hex4(offset))</td>"
                out += "<td class=\"asm\">\(Self.escape(text))</td></tr>\n"
            }
        }
        if open { out += "</tbody>\n" }
        out += "</table>\n</section>\n"
        return out
    }

    static let style = """
        body{font-family:system-ui,sans-serif;margin:1.5em;color:#1b1b1b;background:#fff}\
        h1{font-size:1.4em;margin-bottom:0}.subtitle{color:#555;margin-top:.3em}\
        h2{font-size:1.05em;font-family:ui-monospace,monospace;margin:1.6em 0 .3em}\
        nav ul{columns:3;list-style:none;padding-left:0;font-family:ui-monospace,monospace;font-size:.9em}\
        table{border-collapse:collapse;font-family:ui-monospace,monospace;font-size:.85em;min-width:40em}\
        th{text-align:left;border-bottom:1px solid #999;padding:.2em .5em}\
        td{padding:.05em .5em;white-space:pre;vertical-align:top}\
        td.wasm{color:#0b4f8a;font-weight:600}td.section{color:#666;font-style:italic}\
        td.offset{color:#888}tbody.op:hover{background:#f1f5fb}\
        tbody{border-top:1px solid #eee}.counts{color:#444;margin:.2em 0 .5em}\
        .iso-bounds-check{background:#ffd6d6}.iso-address-mask{background:#fff0b3}\
        .iso-guarded-access{background:#d3f2d3}\
        .legend span{padding:0 .3em;border-radius:3px}
        """

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    static func hex4(_ value: Int) -> String { JITListingPrinter.hex4(value) }
}
