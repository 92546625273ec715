import WasmCore

/// Parses the "name" custom section. Names are debug information: a malformed section
/// is ignored (nil) rather than failing the module.
enum NameSectionParser {
    static func parse(bytes: [UInt8], range: Range<Int>) -> NameSection? {
        var reader = ByteReader(bytes, offset: range.lowerBound, limit: range.upperBound)
        var names = NameSection()
        do {
            while !reader.isAtEnd {
                let id = try reader.readByte()
                let size = Int(try reader.readU32())
                guard size <= reader.remaining else { return nil }
                let end = reader.offset + size
                var sub = ByteReader(bytes, offset: reader.offset, limit: end)
                switch id {
                case 0:
                    names.moduleName = try readName(&sub)
                case 1:
                    names.functionNames = try readNameMap(&sub)
                case 2:
                    let count = try sub.readU32()
                    for _ in 0..<count {
                        let function = try sub.readU32()
                        names.localNames[function] = try readNameMap(&sub)
                    }
                default:
                    break  // Other subsections (labels, types...) are not used.
                }
                guard id > 2 || sub.isAtEnd else { return nil }
                reader.offset = end
            }
        } catch {
            return nil
        }
        return names
    }

    private static func readName(_ reader: inout ByteReader) throws(WasmError) -> String {
        let length = Int(try reader.readU32())
        guard length <= reader.remaining else { throw .malformed("unexpected end") }
        guard let text = UTF8Validation.decode(try reader.readBytes(length)) else {
            throw .malformed("malformed UTF-8 encoding")
        }
        return text
    }

    private static func readNameMap(_ reader: inout ByteReader) throws(WasmError) -> [UInt32: String] {
        var map: [UInt32: String] = [:]
        let count = try reader.readU32()
        for _ in 0..<count {
            let index = try reader.readU32()
            map[index] = try readName(&reader)
        }
        return map
    }
}
