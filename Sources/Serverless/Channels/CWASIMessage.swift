#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// CWASI's message from a caller: a JSON object with the strings `source_channel` (the
/// caller), `target_channel` (the callee, as its module's file name: `func_b.wasm`) and
/// `payload`. Other keys are ignored (later CWASI versions add `start`).
struct CWASIMessage: Decodable, Equatable {
    var sourceChannel: String
    var targetChannel: String
    var payload: String

    private enum CodingKeys: String, CodingKey {
        case sourceChannel = "source_channel", targetChannel = "target_channel", payload
    }

    /// The message encoded in `bytes`; nil when they are not such an object.
    init?(json bytes: [UInt8]) {
        guard let message = try? JSONDecoder().decode(Self.self, from: Data(bytes)) else { return nil }
        self = message
    }

    /// The function `target_channel` names: the file name without a leading path and
    /// without `.wasm` (`func_b.wasm` and `/func_b.wasm` name the route `/func_b`).
    var targetFunction: String {
        var name = Substring(targetChannel)
        if let slash = name.lastIndex(of: "/") { name = name[name.index(after: slash)...] }
        if name.hasSuffix(".wasm") { name = name.dropLast(5) }
        return String(name)
    }
}
