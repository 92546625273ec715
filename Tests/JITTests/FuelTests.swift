import Testing
import TestSupport
import Interpreter
import JIT
import WAT
import WasmCore
import WasmRuntime

/// Fuel set after a module was compiled must hold on every tier, or be refused.
@Suite(.enabled(if: JITTier.isSupported)) struct FuelTests {
    static let spin = #"(module (func (export "spin") (loop (br 0))))"#

    func store(tier: String, consumesFuel: Bool) -> Linker {
        InterpreterTier.register()
        JITTier.register()
        var configuration = StoreConfiguration()
        configuration.tier = tier
        configuration.consumesFuel = consumesFuel
        return Linker(store: Store(configuration: configuration))
    }

    @Test(arguments: TierMatrix.tiers)
    func fuelSetAfterCompilingStopsAnEndlessLoop(tier: String) throws {
        let linker = store(tier: tier, consumesFuel: true)
        let instance = try linker.instantiate(bytes: WAT.encode(Self.spin))
        #expect(linker.store.fuel == nil)
        try linker.store.setFuel(1_000_000)
        #expect(trapReason { try call(instance, "spin", []) } == .interrupted)
        #expect(linker.store.fuel == 0)
    }

    @Test(arguments: TierMatrix.tiers)
    func fuelOnAStoreThatDoesNotCountItIsRefused(tier: String) throws {
        let linker = store(tier: tier, consumesFuel: false)
        _ = try linker.instantiate(bytes: WAT.encode(Self.spin))
        #expect(throws: FuelNotCounted.self) { try linker.store.setFuel(1000) }
        #expect(linker.store.fuel == nil)
        try linker.store.setFuel(nil)  // turning it off is always allowed
    }
}
