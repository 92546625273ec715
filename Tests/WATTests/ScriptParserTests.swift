import Testing
import WasmCore
import WAT

@Suite struct ScriptParserTests {
    @Test func commandsAndValues() throws {
        let script = try WAT.parseScript("""
            (module $M (func (export "f") (param i32) (result i32) local.get 0))
            (register "m" $M)
            (assert_return (invoke $M "f" (i32.const -1)) (i32.const 0xffffffff))
            (assert_return (invoke "g" (f32.const 1.5) (f64.const -0x1p-2)) (f32.const nan:canonical) (f64.const nan:arithmetic))
            (assert_return (get "glob") (ref.null extern))
            (assert_return (invoke "r" (ref.extern 7) (ref.null func)) (ref.extern) (ref.func) (ref.null))
            (assert_trap (invoke "t") "unreachable")
            (assert_exhaustion (invoke "deep") "call stack exhausted")
            (invoke "side-effect")
            """)
        #expect(script.commands.count == 9)
        guard case .module(let name, .binary(let bytes)) = script.commands[0].kind else { Issue.record("module"); return }
        #expect(name == "M")
        #expect(bytes.starts(with: [0x00, 0x61, 0x73, 0x6D]))
        guard case .register("m", "M") = script.commands[1].kind else { Issue.record("register"); return }
        guard case .assertReturn(.invoke("M", "f", let args), let results) = script.commands[2].kind else {
            Issue.record("assert_return"); return
        }
        #expect(args == [.i32(0xFFFF_FFFF)])
        guard case .value(.i32(0xFFFF_FFFF)) = results.first else { Issue.record("result"); return }
        guard case .assertReturn(.invoke(nil, "g", let args2), let r2) = script.commands[3].kind else { Issue.record("g"); return }
        #expect(args2 == [.f32(0x3FC0_0000), .f64(0xBFD0_0000_0000_0000)])
        guard case .f32NaN(canonical: true) = r2[0], case .f64NaN(canonical: false) = r2[1] else { Issue.record("nan"); return }
        guard case .assertReturn(.get(nil, "glob"), let r3) = script.commands[4].kind,
            case .value(.refNull(.extern)) = r3.first
        else { Issue.record("get"); return }
        guard case .assertReturn(_, let r4) = script.commands[5].kind,
            case .refExtern(nil) = r4[0], case .refFunc = r4[1], case .refNull(nil) = r4[2]
        else { Issue.record("refs"); return }
        guard case .assertTrap(_, "unreachable") = script.commands[6].kind else { Issue.record("trap"); return }
        guard case .assertExhaustion(_, "call stack exhausted") = script.commands[7].kind else { Issue.record("exh"); return }
        guard case .action(.invoke(nil, "side-effect", [])) = script.commands[8].kind else { Issue.record("action"); return }
        #expect(script.commands.map(\.line) == [1, 2, 3, 4, 5, 6, 7, 8, 9])
    }

    @Test func moduleForms() throws {
        let script = try WAT.parseScript("""
            (module binary "\\00asm" "\\01\\00\\00\\00")
            (assert_malformed (module quote "(func (i32.const0))") "unknown operator")
            (assert_malformed (module (func (i32.const 99999999999))) "constant out of range")
            (assert_invalid (module (func (result i32))) "type mismatch")
            (assert_unlinkable (module (import "x" "y" (func))) "unknown import")
            (assert_trap (module (func $s unreachable) (start $s)) "unreachable")
            (module definition $D (func))
            (module instance $I $D)
            """)
        guard case .module(nil, .binary(let bytes)) = script.commands[0].kind else { Issue.record("binary"); return }
        #expect(bytes == [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00])
        guard case .assertMalformed(.quote(let text), "unknown operator") = script.commands[1].kind else {
            Issue.record("quote"); return
        }
        // The error inside a quoted module surfaces only when it is encoded.
        #expect(throws: WasmError.self) { try WAT.encode(text) }
        guard case .assertMalformed(.textError(let error), _) = script.commands[2].kind else { Issue.record("textError"); return }
        #expect(error.message == "constant out of range")
        guard case .assertInvalid(.binary, "type mismatch") = script.commands[3].kind,
            case .assertUnlinkable(.binary, "unknown import") = script.commands[4].kind,
            case .assertModuleTrap(.binary, "unreachable") = script.commands[5].kind,
            case .moduleDefinition("D", .binary) = script.commands[6].kind,
            case .moduleInstance("I", "D") = script.commands[7].kind
        else { Issue.record("assertions"); return }
    }

    @Test func vectorAndEither() throws {
        let script = try WAT.parseScript("""
            (assert_return (invoke "v" (v128.const i32x4 1 2 3 -1))
              (v128.const f32x4 nan:canonical 1 2 3)
              (either (i32.const 1) (i32.const 2)))
            """)
        guard case .assertReturn(.invoke(_, _, let args), let results) = script.commands[0].kind else { Issue.record(); return }
        #expect(args == [.v128([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF])])
        guard case .v128Lanes("f32x4", let lanes) = results[0], lanes.count == 4, case .f32NaN(true) = lanes[0],
            case .value(.f32(0x3F80_0000)) = lanes[1]
        else { Issue.record("lanes"); return }
        guard case .either(let alternatives) = results[1], alternatives.count == 2 else { Issue.record("either"); return }
    }

    @Test func gcResultPatternsAndHostReferences() throws {
        let script = try WAT.parseScript("""
            (assert_return (invoke "f" (ref.host 1) (ref.null none))
              (ref.struct) (ref.array) (ref.i31) (ref.eq) (ref.any) (ref.host 2) (ref.null struct))
            """, features: .wasm3.union(.gc))
        guard case .assertReturn(.invoke(_, _, let args), let results) = script.commands[0].kind else { Issue.record(); return }
        #expect(args == [.refHost(1), .refNull(.none)])
        guard results.count == 7, case .refAbstract(.struct) = results[0], case .refAbstract(.array) = results[1],
            case .refAbstract(.i31) = results[2], case .refAbstract(.eq) = results[3], case .refAbstract(.any) = results[4],
            case .value(.refHost(2)) = results[5], case .value(.refNull(.struct)) = results[6]
        else { Issue.record("patterns: \(results)"); return }
        // Patterns are not argument values.
        #expect(throws: WasmError.self) { try WAT.parseScript("(invoke \"f\" (ref.struct))") }
    }

    @Test func inlineModuleScript() throws {
        let script = try WAT.parseScript("(func) (memory 0) (func (export \"f\"))")
        guard script.commands.count == 1, case .module(nil, .binary(let bytes)) = script.commands[0].kind else {
            Issue.record("inline module"); return
        }
        #expect(bytes.count > 8)
        let rec = try WAT.parseScript("(rec (type (struct)))")
        guard rec.commands.count == 1, case .module(nil, .binary) = rec.commands[0].kind else { Issue.record("rec module"); return }
    }

    @Test func scriptLevelErrorsThrow() {
        #expect(throws: WasmError.self) { try WAT.parseScript("(assert_return (invoke \"f\" (i32.const 1))") }
        #expect(throws: WasmError.self) { try WAT.parseScript("(bogus)") }
    }
}
