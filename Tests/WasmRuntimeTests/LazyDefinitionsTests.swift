import Testing
import WasmCore
import Interpreter
import WasmRuntime

/// `Linker.define(module:lazily:)`: definitions made on first resolution, with the same
/// precedence as defining each name when the lazy set is defined.
@Suite struct LazyDefinitionsTests {
    /// Defines `names`, each a function returning its position; records what it makes.
    final class Numbered: LazyDefinitions {
        let names: [String]
        var made: [String] = []
        init(_ names: [String]) { self.names = names }
        func defines(_ name: [UInt8]) -> Bool { names.contains { Array($0.utf8) == name } }
        func make(_ name: [UInt8]) -> ExternalValue? {
            guard let i = names.firstIndex(where: { Array($0.utf8) == name }) else { return nil }
            made.append(names[i])
            return .function(HostFunction(type: FunctionType(results: [.i32])) { _ in [.i32(UInt32(i))] })
        }
    }

    static func constant(_ v: UInt32) -> ExternalValue {
        .function(HostFunction(type: FunctionType(results: [.i32])) { _ in [.i32(v)] })
    }

    static func call(_ linker: Linker, _ module: String, _ name: String) throws -> [Value] {
        guard case .function(let f)? = linker.resolve(module: module, name: name) else { return [] }
        return try f.invoke([])
    }

    @Test func onlyImportedDefinitionsAreMadeAndOnce() throws {
        let linker = makeLinker()
        let lazy = Numbered(["a", "b", "c"])
        linker.define(module: "env", lazily: lazy)
        var m = B()
        let t = m.type([], [B.i32])
        m.importFunction("env", "b", type: t)
        m.export("b", kind: 0, index: 0)
        let first = try exported(try instantiate(m, linker), "b")
        let second = try exported(try instantiate(m, linker), "b")
        #expect(first === second)
        #expect(try first.invoke([]) == [.i32(1)])
        #expect(lazy.made == ["b"])
        #expect(linker.resolve(module: "env", name: "d") == nil)
        #expect(linker.resolve(module: "other", name: "a") == nil)
    }

    @Test func laterDefinitionsWinEitherWay() throws {
        let linker = makeLinker()
        linker.define(module: "env", name: "a", Self.constant(100))
        linker.define(module: "env", name: "z", Self.constant(200))
        linker.define(module: "env", lazily: Numbered(["a", "b"]))
        linker.define(module: "env", name: "b", Self.constant(300))
        #expect(try Self.call(linker, "env", "a") == [.i32(0)])
        #expect(try Self.call(linker, "env", "b") == [.i32(300)])
        #expect(try Self.call(linker, "env", "z") == [.i32(200)])
        // A newer lazy set replaces the names it defines, made or not, and no others.
        linker.define(module: "env", lazily: Numbered(["x", "a"]))
        #expect(try Self.call(linker, "env", "a") == [.i32(1)])
        #expect(try Self.call(linker, "env", "b") == [.i32(300)])
    }
}
