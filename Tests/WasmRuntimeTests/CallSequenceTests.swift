import Testing
import TestSupport
import WAT
import WasmCore
import WasmRuntime

/// `call`, `call_indirect` and `call_ref` share one call sequence: a trap in the callee
/// reports the same frames through each, on every tier and strategy (under guard pages
/// the frame count must be published before the callee can fault).
@Suite struct CallSequenceTests {
    static let text = """
        (module
          (type $t (func (param i32) (result i32)))
          (memory 1)
          (table 1 funcref)
          (elem (i32.const 0) $load)
          (elem declare func $load)
          (func $load (type $t) (i32.load (local.get 0)))
          (func $direct (export "direct") (param i32) (result i32) (call $load (local.get 0)))
          (func $indirect (export "indirect") (param i32) (result i32)
            (call_indirect (type $t) (local.get 0) (i32.const 0)))
          (func $viaRef (export "viaRef") (param i32) (result i32) (call_ref $t (local.get 0) (ref.func $load))))
        """

    @Test(arguments: TierMatrix.configurations)
    func aTrapInTheCalleeShowsBothFrames(configuration: EngineConfiguration) throws {
        let engine = try Engine(configuration: configuration)
        let linker = Linker(store: Store(engine: engine))
        let instance = try linker.instantiate(engine.compile(WAT.encode(Self.text, debugNames: true)))
        for (export, caller) in [("direct", "direct"), ("indirect", "indirect"), ("viaRef", "viaRef")] {
            let function = try #require(instance.function(export))
            #expect(try function.invoke([.i32(8)]) == [.i32(0)])
            do {
                _ = try function.invoke([.i32(70_000)])
                Issue.record("\(export): an out-of-bounds load did not trap")
            } catch {
                #expect(error.reason == .outOfBoundsMemoryAccess, "\(export)")
                #expect(error.backtrace == ["load", caller], "\(export): \(error.backtrace)")
            }
        }
    }
}
