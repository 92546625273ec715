import Testing
import JIT
import WAT
import WasmCore
import WasmDecoder
import WasmRuntime
import WasmValidator

/// Innermost loops that give pinned registers to their own locals
/// (SinglePassCompiler+LoopPins). Each function runs a loop over `$a0...$a5`, which take the
/// registers function-wide, then a loop over `$b0...$b2` that swaps some of them in, and
/// leaves that loop one way: falling through, `br_if`, `br_table`, `br` with a value,
/// `return`, a branch to the function's label, after calls, by a throw caught outside, and
/// through a landing pad inside whose label is outside. The result mixes every local, so a
/// local left stale on either side of a swap changes it. Compared with the interpreter.
@Suite(.enabled(if: JITTier.isSupported)) struct LoopPinTests {
    static func function(_ name: String, exit: String, around: (String, String) = ("", ""),
                         type t: String = "i32") -> String {
        // Float locals use the f64 forms, with sums where i32 mixes bits or multiplies two
        // locals, so that values stay finite (NaN bits may differ between tiers).
        let mul = "\(t).mul", add = "\(t).add", sub = "\(t).sub"
        let mix = t == "i32" ? "i32.xor" : "f64.sub", mulv = t == "i32" ? "i32.mul" : "f64.add"
        let c = { (v: Int) in "(\(t).const \(v))" }
        return """
          (func (export "\(name)") (param $n i32) (result \(t))
            (local $a0 \(t)) (local $a1 \(t)) (local $a2 \(t)) (local $a3 \(t)) (local $a4 \(t)) (local $a5 \(t))
            (local $a6 \(t)) (local $b0 \(t)) (local $b1 \(t)) (local $b2 \(t)) (local $i i32) (local $r \(t))
            (local.set $a0 \(c(3)))
            (loop $x
              (local.set $a0 (\(add) (local.get $a0) (\(mul) (local.get $a1) \(c(3)))))
              (local.set $a1 (\(mix) (local.get $a1) (\(add) (local.get $a2) (local.get $a0))))
              (local.set $a2 (\(add) (local.get $a2) (\(sub) (local.get $a3) (local.get $a1))))
              (local.set $a3 (\(sub) (local.get $a3) (\(add) (local.get $a4) (local.get $a2))))
              (local.set $a4 (\(mix) (local.get $a4) (\(mulv) (local.get $a5) (local.get $a3))))
              (local.set $a5 (\(add) (local.get $a5) (\(add) (local.get $a6) (local.get $a4))))
              (local.set $a6 (\(add) (local.get $a6) (\(add) (local.get $a1) (local.get $a5))))
              (local.set $a0 (\(add) (local.get $a0) (\(add) (local.get $a6) (local.get $a5))))
              (local.set $a1 (\(add) (local.get $a1) (\(add) (local.get $a2) (local.get $a6))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $x (i32.lt_u (local.get $i) (i32.const 10))))
            (local.set $i (i32.const 0))
            \(around.0)
            (local.set $r (block $out (result \(t))
              (loop $y
                (local.set $b0 (\(add) (local.get $b0) (\(add) (local.get $b2) \(c(1)))))
                (local.set $b1 (\(mix) (local.get $b1) (\(mul) (local.get $b0) \(c(7)))))
                (local.set $b2 (\(add) (local.get $b2) (\(add) (local.get $b1) (local.get $b0))))
                \(exit)
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $y (i32.lt_u (local.get $i) (local.get $n))))
              \(c(-1))))
            \(around.1)
            (\(add) (local.get $r)
              (\(add) (\(mul) (local.get $a0) \(c(3))) (\(add) (\(mul) (local.get $a1) \(c(5)))
              (\(add) (\(mul) (local.get $a2) \(c(7))) (\(add) (\(mul) (local.get $a3) \(c(11)))
              (\(add) (\(mul) (local.get $a4) \(c(13))) (\(add) (\(mul) (local.get $a5) \(c(17)))
              (\(add) (\(mul) (local.get $a6) \(c(31))) (\(add) (\(mul) (local.get $b0) \(c(19)))
              (\(add) (\(mul) (local.get $b1) \(c(23))) (\(mul) (local.get $b2) \(c(29))))))))))))))
        """
    }

    /// The ways out of the second loop, by export name, for i32 and f64 locals.
    static func exits(_ t: String) -> [(String, String, (String, String))] {
        let one = "(\(t).const 1)"
        return [
            ("falls_through", "", ("", "")),
            ("br_if_out", "(drop (br_if $out (\(t).add (local.get $b2) (local.get $a3)) (i32.eq (local.get $i) (i32.const 5))))", ("", "")),
            ("br_table_out", "(drop (block $cont (result \(t)) (br_table $cont $out (local.get $b2) (i32.eq (local.get $i) (i32.const 9)))))", ("", "")),
            ("br_out", "(if (i32.eq (local.get $i) (i32.const 6)) (then (local.set $b1 \(one)) (br $out (local.get $b0))))", ("", "")),
            ("returns", "(if (i32.eq (local.get $i) (i32.const 11)) (then (return (\(t).add (local.get $b0) (\(t).sub (local.get $a0) (local.get $b1))))))", ("", "")),
            ("br_function", "(if (i32.eq (local.get $i) (i32.const 12)) (then (br 3 (\(t).sub (local.get $b2) (local.get $a5)))))", ("", "")),
            ("calls", "(local.set $b1 (call $mix_\(t) (local.get $b1) (local.get $a2)))", ("", "")),
            ("throws_out", "(if (i32.eq (local.get $i) (i32.const 13)) (then (throw $e_\(t) (local.get $b0))))",
             ("(local.set $r (block $h (result \(t)) (try_table (catch $e_\(t) $h)", ") (\(t).const -2)))")),
            ("catches_out", "(try_table (catch $e_\(t) $out) (call $throw_\(t) (local.get $b0) (local.get $i)))", ("", "")),
        ]
    }

    static let names = exits("i32").map { $0.0 }

    static let module: String = {
        var text = """
            (module
              (tag $e_i32 (param i32))
              (tag $e_f64 (param f64))
              (func $mix_i32 (param i32 i32) (result i32) (i32.add (i32.rotl (local.get 0) (i32.const 5)) (local.get 1)))
              (func $mix_f64 (param f64 f64) (result f64) (f64.add (f64.mul (local.get 0) (f64.const 0.5)) (local.get 1)))
              (func $throw_i32 (param i32 i32) (if (i32.eq (local.get 1) (i32.const 17)) (then (throw $e_i32 (local.get 0)))))
              (func $throw_f64 (param f64 i32) (if (i32.eq (local.get 1) (i32.const 17)) (then (throw $e_f64 (local.get 0)))))

            """
        for t in ["i32", "f64"] {
            for (name, exit, around) in exits(t) { text += function("\(name)_\(t)", exit: exit, around: around, type: t) }
        }
        return text + ")"
    }()

    @Test func everyTestFunctionRepinsItsSecondLoop() throws {
        let module = try decodeModule(WAT.encode(Self.module), features: .wasm3)
        for bounds in [BoundsStrategy.guard, .software] {
            let validator = try ModuleValidator(module: module, features: .wasm3)
            let stats = try JITTier.shared.compileModule(module, validator: validator, bounds: bounds).statistics
            #expect(stats.interpretedFunctions == 0)
            // At least the second loop of each of the 18 test functions (the first may
            // swap too: `$i` against a local it uses more).
            #expect(stats.repinnedLoops >= 2 * Self.names.count, "\(bounds)")
        }
    }

    @Test(arguments: compiledConfigurations)
    func matchesTheInterpreter(tier: String, bounds: BoundsStrategy) throws {
        let jitStore = jitLinker(tier: tier, bounds: bounds), interpStore = jitLinker(tier: "interp")
        defer { withExtendedLifetime((jitStore, interpStore)) {} }
        let jit = try instantiate(Self.module, jitStore)
        let interp = try instantiate(Self.module, interpStore)
        for name in Self.names {
            for t in ["i32", "f64"] {
                for n in [UInt32(1), 5, 6, 9, 12, 13, 17, 30] {
                    let export = "\(name)_\(t)"
                    let expected = try call(interp, export, [.i32(n)])
                    #expect(try call(jit, export, [.i32(n)]) == expected, "\(export)(\(n)) on \(tier) \(bounds)")
                }
            }
        }
    }
}
