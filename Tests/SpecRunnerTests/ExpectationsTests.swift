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

@Suite struct ScriptFailureTests {
    @Test func aCallWithTheWrongArgumentsSaysSo() {
        let result = SpecRunner(configuration: .init()).run(source: """
            (module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
            (assert_return (invoke "add" (i32.const 1)) (i32.const 1))
            """, file: "args.wast")
        #expect(result.failed == 1)
        #expect(result.failures.first?.actual == "error: argument count mismatch: expected 2, got 1")
    }
}
