@testable import Serverless
import Atomics
import Platform
import TestSupport
import Testing
import Tiers
import WAT
import WasmCore
import WasmRuntime

/// A guest calling Faasm's host interface; the key "k" is at 0, buffers at 100 and 1000.
private let faasmGuest = """
    (module
      (import "env" "__faasm_read_input" (func $read_input (param i32 i32) (result i32)))
      (import "env" "__faasm_write_output" (func $write_output (param i32 i32)))
      (import "env" "__faasm_read_state" (func $read_state (param i32 i32 i32) (result i32)))
      (import "env" "__faasm_write_state" (func $write_state (param i32 i32 i32)))
      (import "env" "__faasm_read_state_offset" (func $read_offset (param i32 i32 i32 i32 i32)))
      (import "env" "__faasm_write_state_offset" (func $write_offset (param i32 i32 i32 i32 i32)))
      (import "env" "__faasm_append_state" (func $append (param i32 i32 i32)))
      (import "env" "__faasm_read_appended_state" (func $read_appended (param i32 i32 i32 i32)))
      (import "env" "__faasm_push_state" (func $push (param i32)))
      (import "env" "__faasm_conf_flag" (func $flag (param i32) (result i32)))
      (import "env" "__faasm_read_state_ptr" (func $ptr (param i32 i32) (result i32)))
      (import "env" "__faasm_lock_state_write" (func $lockW (param i32)))
      (import "env" "__faasm_unlock_state_write" (func $unlockW (param i32)))
      (import "env" "__faasm_lock_state_read" (func $lockR (param i32)))
      (import "env" "__faasm_unlock_state_read" (func $unlockR (param i32)))
      (memory (export "memory") 1)
      (data (i32.const 0) "k\\00")
      (data (i32.const 10) "ALWAYS_ON\\00")
      (data (i32.const 100) "hello state")
      (func (export "echo") (result i32) (local $n i32)
        (local.set $n (call $read_input (i32.const 1000) (i32.const 64)))
        (call $write_output (i32.const 1000) (local.get $n))
        (call $read_input (i32.const 0) (i32.const 0)))
      (func (export "write") (call $write_state (i32.const 0) (i32.const 100) (i32.const 11)))
      (func (export "read") (result i32) (call $read_state (i32.const 0) (i32.const 1000) (i32.const 11)))
      (func (export "size") (result i32) (call $read_state (i32.const 0) (i32.const 0) (i32.const 0)))
      (func (export "patch") (call $write_offset (i32.const 0) (i32.const 11) (i32.const 6) (i32.const 100) (i32.const 5)))
      (func (export "readOffset") (param i32 i32) (call $read_offset (i32.const 0) (i32.const 11) (local.get 0) (i32.const 1000) (local.get 1)))
      (func (export "badPointer") (call $write_state (i32.const 0) (i32.const 65530) (i32.const 11)))
      (func (export "append") (call $append (i32.const 0) (i32.const 100) (i32.const 5)))
      (func (export "readAppended") (param i32 i32) (call $read_appended (i32.const 0) (i32.const 1000) (local.get 0) (local.get 1)))
      (func (export "push") (call $push (i32.const 0)))
      (func (export "flag") (result i32) (call $flag (i32.const 10)))
      (func (export "pointer") (result i32) (call $ptr (i32.const 0) (i32.const 11)))
      (func (export "storeAt") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
      (func (export "loadAt") (param i32) (result i32) (i32.load (local.get 0)))
      (func (export "lockWrite") (call $lockW (i32.const 0)))
      (func (export "unlockWrite") (call $unlockW (i32.const 0)))
      (func (export "lockRead") (call $lockR (i32.const 0)))
      (func (export "unlockRead") (call $unlockR (i32.const 0))))
    """

/// Hands a store's instance to the one other thread that uses it meanwhile.
final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Instances whose stores live as long as the test (an instance does not keep its store).
final class FaasmSandboxes {
    private var stores: [Store] = []

    func instance(_ call: FaasmCall, _ configuration: EngineConfiguration) throws -> Instance {
        BuiltinTiers.register()
        let engine = try Engine(configuration: configuration)
        let store = Store(engine: engine)
        stores.append(store)
        let linker = Linker(store: store)
        call.define(into: linker)
        return try linker.instantiate(try engine.compile(WAT.encode(faasmGuest)))
    }
}

struct FaasmHostTests {

    func text(_ instance: Instance, _ count: Int) throws -> String {
        String(decoding: try instance.memories[0].linear.read(at: 1000, count: count), as: UTF8.self)
    }

    @Test(arguments: TierMatrix.configurations)
    func inputOutputAndStateAcrossSandboxes(configuration: EngineConfiguration) throws {
        let sandboxes = FaasmSandboxes(), state = StateStore()
        let a = try sandboxes.instance(FaasmCall(input: Array("input!".utf8), user: "alice", state: state), configuration)
        let callA = FaasmCall(input: Array("input!".utf8), user: "alice", state: state)
        let echo = try sandboxes.instance(callA, configuration)
        #expect(try echo.function("echo")?.invoke([]) == [.i32(6)])
        #expect(callA.output == Array("input!".utf8))

        #expect(try a.function("size")?.invoke([]) == [.i32(0)])
        _ = try a.function("write")?.invoke([])
        // Another sandbox of the same user on this node sees the value; another user does not.
        let b = try sandboxes.instance(FaasmCall(input: [], user: "alice", state: state), configuration)
        #expect(try b.function("read")?.invoke([]) == [.i32(11)])
        #expect(try text(b, 11) == "hello state")
        let other = try sandboxes.instance(FaasmCall(input: [], user: "bob", state: state), configuration)
        #expect(try other.function("size")?.invoke([]) == [.i32(0)])
        _ = try b.function("patch")?.invoke([])
        _ = try a.function("readOffset")?.invoke([.i32(0), .i32(11)])
        #expect(try text(a, 11) == "hello hello")
        #expect(try a.function("flag")?.invoke([]) == [.i32(1)])
        _ = try a.function("push")?.invoke([])
        #expect(throws: Trap.self) { try other.function("push")?.invoke([]) }  // no such value for bob
    }

    @Test func badGuestInputTrapsAndTheHostSurvives() throws {
        let sandboxes = FaasmSandboxes(), state = StateStore()
        let a = try sandboxes.instance(FaasmCall(input: [], user: "u", state: state), EngineConfiguration(tier: "jit", bounds: .guard))
        #expect(throws: Trap.self) { try a.function("badPointer")?.invoke([]) }
        _ = try a.function("write")?.invoke([])
        #expect(throws: Trap.self) { try a.function("readOffset")?.invoke([.i32(8), .i32(5)]) }  // past the value
        #expect(throws: Trap.self) { try a.function("readOffset")?.invoke([.i32(UInt32(bitPattern: -1)), .i32(2)]) }
        _ = try a.function("append")?.invoke([])
        _ = try a.function("append")?.invoke([])
        _ = try a.function("readAppended")?.invoke([.i32(10), .i32(2)])
        #expect(try text(a, 10) == "hellohello")
        #expect(throws: Trap.self) { try a.function("readAppended")?.invoke([.i32(9), .i32(2)]) }  // buffer too small
        #expect(try a.function("read")?.invoke([]) == [.i32(11)])
    }

    @Test func locksExcludeWritersAndEndWithTheCall() throws {
        let sandboxes = FaasmSandboxes(), state = StateStore()
        let configuration = EngineConfiguration(tier: "interp", bounds: .software)
        let writerCall = FaasmCall(input: [], user: "u", state: state)
        let writer = try sandboxes.instance(writerCall, configuration)
        let reader = try sandboxes.instance(FaasmCall(input: [], user: "u", state: state), configuration)
        #expect(throws: Trap.self) { try writer.function("lockWrite")?.invoke([]) }  // no value yet
        _ = try writer.function("write")?.invoke([])
        _ = try writer.function("lockWrite")?.invoke([])
        // The reader waits on another thread until the writer's call ends holding the lock.
        let acquired = ManagedAtomic<Bool>(false)
        let box = UncheckedBox(reader)
        let waiting = TestThread {
            _ = try? box.value.function("lockRead")?.invoke([])
            acquired.store(true, ordering: .sequentiallyConsistent)
            _ = try? box.value.function("unlockRead")?.invoke([])
        }
        usleep(50_000)
        let early = acquired.load(ordering: .sequentiallyConsistent)
        #expect(!early)
        writerCall.releaseLocks()
        waiting.join()
        let late = acquired.load(ordering: .sequentiallyConsistent)
        #expect(late)
        #expect(throws: Trap.self) { try writer.function("unlockWrite")?.invoke([]) }  // not held any more
        _ = try writer.function("lockRead")?.invoke([])
        _ = try writer.function("unlockRead")?.invoke([])
    }

    @Test(arguments: TierMatrix.configurations)
    func statePointersAliasTheReplicaAndLeaveNothingBehind(configuration: EngineConfiguration) throws {
        let state = StateStore()
        var pointer: UInt32 = 0
        do {
            let sandboxes = FaasmSandboxes()
            let a = try sandboxes.instance(FaasmCall(input: [], user: "u", state: state), configuration)
            let b = try sandboxes.instance(FaasmCall(input: [], user: "u", state: state), configuration)
            _ = try a.function("write")?.invoke([])  // "hello state"
            guard case .i32(let pa)? = try a.function("pointer")?.invoke([]).first,
                  case .i32(let pb)? = try b.function("pointer")?.invoke([]).first else { Issue.record("no pointer"); return }
            pointer = pa
            #expect(try a.function("pointer")?.invoke([]) == [.i32(pa)])  // once per key and call
            let hell = UInt32(littleEndian: Array("hell".utf8).withUnsafeBytes { $0.load(as: UInt32.self) })
            #expect(try a.function("loadAt")?.invoke([.i32(pa)]) == [.i32(hell)])
            // A write through one sandbox's pointer is the replica: the other sandbox and
            // the copying calls see it.
            _ = try b.function("storeAt")?.invoke([.i32(pb), .i32(0x4c4c_4548)])  // "HELL"
            #expect(try a.function("loadAt")?.invoke([.i32(pa)]) == [.i32(0x4c4c_4548)])
            #expect(try a.function("read")?.invoke([]) == [.i32(11)])
            #expect(try String(decoding: a.memories[0].linear.read(at: 1000, count: 11), as: UTF8.self) == "HELLo state")
        }
        // Released memories go back to the pool as private zero pages: hold enough new
        // ones at once that the released reservations are among them.
        let later = FaasmSandboxes()
        for _ in 0 ..< 40 {
            let fresh = try later.instance(FaasmCall(input: [], user: "other", state: StateStore()), configuration)
            #expect(fresh.memories[0].grow(by: 1) == 1)
            #expect(try fresh.function("loadAt")?.invoke([.i32(pointer)]) == [.i32(0)])
        }
    }
}

