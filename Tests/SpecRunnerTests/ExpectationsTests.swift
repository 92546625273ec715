import Testing
@testable import SpecRunner

@Suite struct ExpectationsTests {
    @Test func parsesEntriesAndComments() {
        let list = Expectations(text: """
            # header
            wasm-2.0/f32.wast:12   # rounding
            wasm-2.0/i32.wast:7

            """)
        #expect(list.entries == ["wasm-2.0/f32.wast:12", "wasm-2.0/i32.wast:7"])
        #expect(list.contains(file: "/x/y/wasm-2.0/f32.wast", line: 12))
        #expect(!list.contains(file: "/x/y/wasm-2.0/f32.wast", line: 13))
        #expect(list.entries(for: "../wasm-2.0/i32.wast") == ["wasm-2.0/i32.wast:7"])
        #expect(list.entries(for: "../wasm-2.0/i32x.wast").isEmpty)
    }

    @Test func nanClasses() {
        #expect(SpecValueMatcher.isNaN32(0x7FC0_0000, canonical: true))
        #expect(SpecValueMatcher.isNaN32(0xFFC0_0000, canonical: true))
        #expect(!SpecValueMatcher.isNaN32(0x7FC0_0001, canonical: true))
        #expect(SpecValueMatcher.isNaN32(0x7FC0_0001, canonical: false))
        #expect(!SpecValueMatcher.isNaN32(0x7F80_0001, canonical: false))  // signalling
        #expect(SpecValueMatcher.isNaN64(0xFFF8_0000_0000_0000, canonical: true))
        #expect(!SpecValueMatcher.isNaN64(0x7FF0_0000_0000_0001, canonical: false))
    }
}
