import WasmCore
import WasmDecoder
import WasmValidator

/// Helpers that assemble small binary modules for the tests.
enum TestBinaries {
    static let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]

    static func uleb(_ value: UInt64) -> [UInt8] {
        var v = value, out: [UInt8] = []
        repeat {
            var b = UInt8(v & 0x7F)
            v >>= 7
            if v != 0 { b |= 0x80 }
            out.append(b)
        } while v != 0
        return out
    }

    static func section(_ id: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [id] + uleb(UInt64(payload.count)) + payload
    }

    static func vector(_ items: [[UInt8]]) -> [UInt8] {
        uleb(UInt64(items.count)) + items.flatMap { $0 }
    }

    static func name(_ s: String) -> [UInt8] { uleb(UInt64(s.utf8.count)) + Array(s.utf8) }

    static func module(_ sections: [UInt8]...) -> [UInt8] { header + sections.flatMap { $0 } }

    /// A module with one type `(params) -> (results)`, one function of that type with the
    /// given locals and code (the final `end` is appended), optionally a memory.
    static func function(
        params: [UInt8] = [], results: [UInt8] = [], locals: [(UInt32, UInt8)] = [],
        code: [UInt8], memory: Bool = false, extra: [[UInt8]] = []
    ) -> [UInt8] {
        let type = section(1, vector([[0x60] + vector(params.map { [$0] }) + vector(results.map { [$0] })]))
        let function = section(3, vector([[0x00]]))
        let mem = memory ? section(5, vector([[0x00, 0x01]])) : []
        let localBytes = vector(locals.map { uleb(UInt64($0.0)) + [$0.1] })
        let body = localBytes + code + [0x0B]
        let codeSection = section(10, vector([uleb(UInt64(body.count)) + body]))
        return header + type + function + mem + extra.flatMap { $0 } + codeSection
    }

    /// Decodes and validates, returning the error message or nil.
    static func check(_ bytes: [UInt8], features: WasmFeatures = .wasm3) -> String? {
        do {
            let module = try decodeModule(bytes, features: features)
            try validateModule(module, features: features)
            return nil
        } catch {
            return error.message
        }
    }

    static func decodeError(_ bytes: [UInt8], features: WasmFeatures = .wasm3) -> WasmError? {
        do {
            _ = try decodeModule(bytes, features: features)
            return nil
        } catch {
            return error
        }
    }
}
