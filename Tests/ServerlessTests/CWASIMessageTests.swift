@testable import Serverless
import Testing

/// CWASI's message as the host reads it (RFC 8259 JSON).
struct CWASIMessageTests {
    func message(_ text: String) -> CWASIMessage? { CWASIMessage(json: Array(text.utf8)) }

    @Test func theThreeStringsAreReadWithTheirEscapes() throws {
        let m = try #require(message(#"  {"source_channel" : "a.wasm", "target_channel":"/x/func_b.wasm","payload":"q\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"} "#))
        #expect(m.sourceChannel == "a.wasm")
        #expect(m.targetFunction == "func_b")
        #expect(m.payload == Array("q\"\\/\u{8}\u{c}\n\r\té😀".utf8))
        #expect(message(#"{"payload":"","target_channel":"b","source_channel":""}"#)?.payload == [])
        // A lone surrogate is not text: it reads as U+FFFD.
        #expect(message(#"{"source_channel":"","target_channel":"b","payload":"\ud800x"}"#)?.payload == Array("\u{FFFD}x".utf8))
    }

    @Test func longStringsStopAtEveryQuoteEscapeAndControlCharacter() {
        func wrapped(_ payload: String) -> String { #"{"source_channel":"a","target_channel":"b","payload":""# + payload + #""}"# }
        for position in 0 ..< 24 {
            let before = String(repeating: "é", count: position / 2) + String(repeating: "a", count: position % 2)
            let after = String(repeating: "z", count: 40)
            #expect(message(wrapped(before + #"\""# + after))?.payload == Array((before + "\"" + after).utf8))
            #expect(message(wrapped(before + #"\\"# + after))?.payload == Array((before + "\\" + after).utf8))
            #expect(message(wrapped(before + "\u{1F}" + after)) == nil)
            #expect(message(wrapped(before + "\"" + after)) == nil)  // a quote ends the string early
            #expect(message(wrapped(before + "\u{7F}" + after))?.payload == Array((before + "\u{7F}" + after).utf8))
        }
    }

    @Test func otherKeysOfAnyTypeAreSkipped() {
        let text = #"{"start": 1.5e-3, "n": [1, -2, {"k": [true, false, null]}, "s"], "source_channel":"a","target_channel":"b","payload":"p","z":{}}"#
        #expect(message(text)?.payload == Array("p".utf8))
    }

    @Test func whatIsNotSuchAnObjectIsRefused() {
        let bad = ["", "{}", "[]", "null", #"{"source_channel":"a","target_channel":"b"}"#,
                   #"{"source_channel":"a","target_channel":"b","payload":5}"#,
                   #"{"source_channel":"a","target_channel":"b","payload":"p"} x"#,
                   #"{"source_channel":"a","target_channel":"b","payload":"p",}"#,
                   #"{"source_channel":"a","target_channel":"b","payload":"p\q"}"#,
                   #"{"source_channel":"a","target_channel":"b","payload":"p\u12"}"#,
                   "{\"source_channel\":\"a\",\"target_channel\":\"b\",\"payload\":\"tab\tinside\"}",
                   #"{"source_channel":"a","target_channel":"b","payload":"unterminated}"#,
                   #"{"x": 01, "source_channel":"a","target_channel":"b","payload":"p"}"#,
                   #"{"x": 1., "source_channel":"a","target_channel":"b","payload":"p"}"#,
                   #"{"x": tru, "source_channel":"a","target_channel":"b","payload":"p"}"#,
                   #"{"x": "#, String(repeating: "[", count: 100_000)]
        for text in bad { #expect(message(text) == nil, "\(text.prefix(80))") }
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(message(#"{"x": \#(deep), "source_channel":"a","target_channel":"b","payload":"p"}"#) == nil)
        let allowed = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(message(#"{"x": \#(allowed), "source_channel":"a","target_channel":"b","payload":"p"}"#) != nil)
    }
}
