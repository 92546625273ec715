@testable import Serverless
import Atomics
import Platform
import TestSupport
import Testing
import Tiers
import WAT
import WasmCore
import WasmRuntime

/// The Redis server of the global-tier tests: `WASMLAB_TEST_REDIS` (HOST:PORT; tools/test
/// starts a redis-server on a free loopback port and sets it). Without it these tests
/// are skipped.
enum TestRedis {
    static let address: String? = getenv("WASMLAB_TEST_REDIS").map { String(cString: $0) }

    /// A user name no other test (or earlier run against the same server) uses.
    static func user() -> String {
        var random = SystemRandomNumberGenerator()
        return "t\(random.next() as UInt64)"
    }
}

/// Faasm's state calls on the 8-byte value "k" (key at 0) and its mask "m" (at 4); data
/// at 100, buffers at 1000.
private let globalGuest = """
    (module
      (import "env" "__faasm_read_state" (func $read (param i32 i32 i32) (result i32)))
      (import "env" "__faasm_write_state" (func $write (param i32 i32 i32)))
      (import "env" "__faasm_write_state_offset" (func $writeOffset (param i32 i32 i32 i32 i32)))
      (import "env" "__faasm_push_state" (func $push (param i32)))
      (import "env" "__faasm_push_state_partial" (func $pushPartial (param i32)))
      (import "env" "__faasm_push_state_partial_mask" (func $pushMask (param i32 i32)))
      (import "env" "__faasm_pull_state" (func $pull (param i32 i32)))
      (import "env" "__faasm_append_state" (func $append (param i32 i32 i32)))
      (import "env" "__faasm_read_appended_state" (func $readAppended (param i32 i32 i32 i32)))
      (import "env" "__faasm_clear_appended_state" (func $clearAppended (param i32)))
      (import "env" "__faasm_lock_state_global" (func $lock (param i32)))
      (import "env" "__faasm_unlock_state_global" (func $unlock (param i32)))
      (import "env" "__faasm_read_state_offset_ptr" (func $offsetPtr (param i32 i32 i32 i32) (result i32)))
      (import "env" "__faasm_flag_state_dirty" (func $flag (param i32 i32)))
      (import "env" "__faasm_flag_state_offset_dirty" (func $flagRange (param i32 i32 i32 i32)))
      (memory (export "memory") 1)
      (data (i32.const 0) "k\\00")
      (data (i32.const 4) "m\\00")
      (data (i32.const 100) "ABCDEFGH")
      (func (export "write") (call $write (i32.const 0) (i32.const 100) (i32.const 8)))
      (func (export "writeAt") (param $at i32) (param $byte i32)
        (i32.store8 (i32.const 200) (local.get $byte))
        (call $writeOffset (i32.const 0) (i32.const 8) (local.get $at) (i32.const 200) (i32.const 1)))
      (func (export "markMask") (param $at i32)
        (i32.store8 (i32.const 300) (i32.const 1))
        (call $writeOffset (i32.const 4) (i32.const 8) (local.get $at) (i32.const 300) (i32.const 1)))
      (func (export "read") (result i32) (call $read (i32.const 0) (i32.const 1000) (i32.const 8)))
      (func (export "size") (result i32) (call $read (i32.const 0) (i32.const 0) (i32.const 0)))
      (func (export "push") (call $push (i32.const 0)))
      (func (export "pushPartial") (call $pushPartial (i32.const 0)))
      (func (export "pushMask") (call $pushMask (i32.const 0) (i32.const 4)))
      (func (export "pull") (call $pull (i32.const 0) (i32.const 8)))
      (func (export "append") (call $append (i32.const 0) (i32.const 100) (i32.const 3)))
      (func (export "readAppended") (param i32 i32) (call $readAppended (i32.const 0) (i32.const 1000) (local.get 0) (local.get 1)))
      (func (export "clearAppended") (call $clearAppended (i32.const 0)))
      (func (export "lock") (call $lock (i32.const 0)))
      (func (export "unlock") (call $unlock (i32.const 0)))
      (func (export "offsetPointer") (param i32) (result i32) (call $offsetPtr (i32.const 0) (i32.const 8) (local.get 0) (i32.const 2)))
      (func (export "loadByte") (param i32) (result i32) (i32.load8_u (local.get 0)))
      (func (export "storeByte") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
      (func (export "flagDirty") (call $flag (i32.const 0) (i32.const 8)))
      (func (export "flagRange") (param i32 i32) (call $flagRange (i32.const 0) (i32.const 8) (local.get 0) (local.get 1))))
    """

/// A node: its own state store (local replicas) over the shared Redis server.
private struct Node {
    let state: StateStore
    let user: String
    let sandboxes = Sandboxes()

    init(redis: String, user: String) throws {
        state = StateStore(global: try RedisTier(address: redis))
        self.user = user
    }

    func sandbox(_ call: FaasmCall? = nil) throws -> (Instance, FaasmCall) {
        let call = call ?? FaasmCall(input: [], user: user, state: state)
        return (try sandboxes.instance(call), call)
    }

    final class Sandboxes {
        private var stores: [Store] = []
        func instance(_ call: FaasmCall) throws -> Instance {
            BuiltinTiers.register()
            let engine = try Engine(configuration: EngineConfiguration(tier: "jit", bounds: .guard))
            let store = Store(engine: engine)
            stores.append(store)
            let linker = Linker(store: store)
            call.define(into: linker)
            return try linker.instantiate(try engine.compile(WAT.encode(globalGuest)))
        }
    }
}

private func text(_ instance: Instance) throws -> String {
    String(decoding: try instance.memories[0].linear.read(at: 1000, count: 8), as: UTF8.self)
}

@Suite(.enabled(if: TestRedis.address != nil, "WASMLAB_TEST_REDIS names no Redis server"))
struct GlobalStateTests {
    let redis = TestRedis.address ?? ""

    @Test func pushAndPullMoveValuesBetweenNodes() throws {
        let (a, b, nodes) = try twoNodes()
        defer { withExtendedLifetime(nodes) {} }
        #expect(try b.function("size")?.invoke([]) == [.i32(0)])  // nowhere yet
        _ = try a.function("write")?.invoke([])
        #expect(try b.function("size")?.invoke([]) == [.i32(0)])  // not pushed
        _ = try a.function("push")?.invoke([])
        // A node that has no replica yet sizes it from Redis and pulls it on first read.
        let nodeC = try Node(redis: redis, user: nodes.0.user)
        let (b2, _) = try nodeC.sandbox()
        #expect(try b2.function("size")?.invoke([]) == [.i32(8)])
        #expect(try b2.function("read")?.invoke([]) == [.i32(8)])
        #expect(try text(b2) == "ABCDEFGH")
        // A replica already pulled keeps its bytes until pulled again.
        _ = try a.function("writeAt")?.invoke([.i32(0), .i32(0x7a)])  // "z"
        _ = try a.function("push")?.invoke([])
        _ = try b2.function("read")?.invoke([])
        #expect(try text(b2) == "ABCDEFGH")
        _ = try b2.function("pull")?.invoke([])
        _ = try b2.function("read")?.invoke([])
        #expect(try text(b2) == "zBCDEFGH")
        // Another user's namespace is apart.
        let stranger = try Node(redis: redis, user: TestRedis.user())
        let (other, _) = try stranger.sandbox()
        #expect(try other.function("size")?.invoke([]) == [.i32(0)])
    }

    /// A sandbox on each of two nodes of one new user (the nodes hold their stores).
    private func twoNodes() throws -> (a: Instance, b: Instance, nodes: (Node, Node)) {
        let user = TestRedis.user()
        let nodeA = try Node(redis: redis, user: user), nodeB = try Node(redis: redis, user: user)
        return (try nodeA.sandbox().0, try nodeB.sandbox().0, (nodeA, nodeB))
    }

    @Test func partialPushesSendOnlyTheWrittenBytes() throws {
        let (a, b, nodes) = try twoNodes()
        defer { withExtendedLifetime(nodes) {} }
        _ = try a.function("write")?.invoke([])
        _ = try a.function("push")?.invoke([])
        _ = try b.function("read")?.invoke([])
        // Each node changes one byte; a whole push of either would undo the other's.
        _ = try a.function("writeAt")?.invoke([.i32(0), .i32(0x61)])
        _ = try b.function("writeAt")?.invoke([.i32(7), .i32(0x62)])
        _ = try a.function("pushPartial")?.invoke([])
        _ = try b.function("pushPartial")?.invoke([])  // and pulls the merged value
        _ = try b.function("read")?.invoke([])
        #expect(try text(b) == "aBCDEFGb")
        _ = try a.function("pull")?.invoke([])
        _ = try a.function("read")?.invoke([])
        #expect(try text(a) == "aBCDEFGb")
        // With a mask value: only the bytes it marks go, whatever else was written.
        _ = try a.function("writeAt")?.invoke([.i32(3), .i32(0x78)])
        _ = try a.function("writeAt")?.invoke([.i32(4), .i32(0x79)])
        _ = try a.function("markMask")?.invoke([.i32(4)])
        _ = try a.function("pushMask")?.invoke([])
        _ = try b.function("pull")?.invoke([])
        _ = try b.function("read")?.invoke([])
        #expect(try text(b) == "aBCDyFGb")
    }

    @Test func writesThroughAPointerReachRedisOnlyOnceFlagged() throws {
        let (a, b, nodes) = try twoNodes()
        defer { withExtendedLifetime(nodes) {} }
        _ = try a.function("write")?.invoke([])
        _ = try a.function("push")?.invoke([])
        guard case .i32(let base)? = try a.function("offsetPointer")?.invoke([.i32(0)]).first else {
            Issue.record("no pointer")
            return
        }
        func bText() throws -> String {
            _ = try b.function("pull")?.invoke([])
            _ = try b.function("read")?.invoke([])
            return try text(b)
        }
        _ = try a.function("storeByte")?.invoke([.i32(base + 1), .i32(0x78)])  // "x"
        _ = try a.function("storeByte")?.invoke([.i32(base + 3), .i32(0x7a)])  // "z"
        _ = try a.function("push")?.invoke([])  // not flagged: nothing goes
        #expect(try bText() == "ABCDEFGH")
        // Only the flagged range goes; the partial push then refreshes A's replica, which
        // takes back the unflagged byte.
        _ = try a.function("flagRange")?.invoke([.i32(1), .i32(1)])
        _ = try a.function("pushPartial")?.invoke([])
        #expect(try bText() == "AxCDEFGH")
        #expect(try a.function("loadByte")?.invoke([.i32(base + 3)]) == [.i32(0x44)])
        // The whole-value flag makes push_state send everything.
        _ = try a.function("storeByte")?.invoke([.i32(base + 6), .i32(0x79)])  // "y"
        _ = try a.function("push")?.invoke([])
        #expect(try bText() == "AxCDEFGH")
        _ = try a.function("flagDirty")?.invoke([])
        _ = try a.function("push")?.invoke([])
        #expect(try bText() == "AxCDEFyH")
        // A range outside the value traps.
        #expect(throws: Trap.self) { try a.function("flagRange")?.invoke([.i32(6), .i32(4)]) }
    }

    @Test func appendedElementsAreGlobal() throws {
        let (a, b, nodes) = try twoNodes()
        defer { withExtendedLifetime(nodes) {} }
        _ = try a.function("append")?.invoke([])
        _ = try a.function("append")?.invoke([])
        _ = try b.function("readAppended")?.invoke([.i32(6), .i32(2)])
        #expect(String(decoding: try b.memories[0].linear.read(at: 1000, count: 6), as: UTF8.self) == "ABCABC")
        _ = try b.function("clearAppended")?.invoke([])
        let tier = try RedisTier(address: redis)
        #expect(try tier.appended(nodes.0.user + "/k", 10).isEmpty)
    }

    @Test func globalLocksExcludeOtherNodesAndEndWithTheCall() throws {
        let user = TestRedis.user()
        let nodeA = try Node(redis: redis, user: user)
        let (a, callA) = try nodeA.sandbox()
        let nodeB = try Node(redis: redis, user: user)
        let (b, _) = try nodeB.sandbox()
        _ = try a.function("write")?.invoke([])
        _ = try b.function("write")?.invoke([])
        _ = try a.function("lock")?.invoke([])
        let acquired = ManagedAtomic<Bool>(false)
        let box = UncheckedBox(b)
        let waiting = TestThread {
            _ = try? box.value.function("lock")?.invoke([])
            acquired.store(true, ordering: .sequentiallyConsistent)
            _ = try? box.value.function("unlock")?.invoke([])
        }
        usleep(100_000)
        let early = acquired.load(ordering: .sequentiallyConsistent)
        #expect(!early)
        _ = try a.function("unlock")?.invoke([])
        waiting.join()
        let late = acquired.load(ordering: .sequentiallyConsistent)
        #expect(late)
        #expect(throws: Trap.self) { try a.function("unlock")?.invoke([]) }  // not held
        // A call that ends holding the lock gives it back.
        _ = try a.function("lock")?.invoke([])
        callA.releaseLocks()
        _ = try b.function("lock")?.invoke([])
        _ = try b.function("unlock")?.invoke([])
    }

    @Test func offsetPointersAliasTheWholeReplica() throws {
        let user = TestRedis.user()
        let nodeA = try Node(redis: redis, user: user)
        let (a, _) = try nodeA.sandbox()
        _ = try a.function("write")?.invoke([])
        _ = try a.function("push")?.invoke([])
        let nodeB = try Node(redis: redis, user: user)
        let (b, _) = try nodeB.sandbox()
        guard case .i32(let at)? = try b.function("offsetPointer")?.invoke([.i32(2)]).first else {
            Issue.record("no pointer")
            return
        }
        #expect(try b.function("loadByte")?.invoke([.i32(at)]) == [.i32(0x43)])  // "C", pulled first
        #expect(throws: Trap.self) { try b.function("offsetPointer")?.invoke([.i32(7)]) }  // 7 + 2 > 8
    }
}

/// Redis down: calls that need the global tier trap, the call is marked (the server
/// answers 503), and the host carries on. Needs no Redis.
struct GlobalTierDownTests {
    @Test func aCallThatNeedsTheGlobalTierTrapsAndIsMarked() throws {
        let node = try Node(redis: "127.0.0.1:1", user: "u")
        let (a, call) = try node.sandbox()
        #expect(throws: Trap.self) { try a.function("read")?.invoke([]) }
        #expect(call.globalTierFailure != nil)
        #expect(throws: RedisError.self) { try RedisTier(address: "no-port") }
    }

    @Test func theServerAnswers503AndServesNodeLocalRoutes() throws {
        let server = try TestServer(redis: "127.0.0.1:1")
        let c = try server.client()
        let refused = try #require(c.request("/gcount"))
        #expect(refused.status == 503 && refused.headers["retry-after"] == "1")
        #expect(c.request("/hello")?.status == 200)
    }
}

@Suite(.enabled(if: TestRedis.address != nil, "WASMLAB_TEST_REDIS names no Redis server"))
struct TwoNodeServeTests {
    @Test func twoServersShareStateThroughRedisUnderTheGlobalLock() throws {
        let tenant = TestRedis.user()
        let one = try TestServer(redis: TestRedis.address, tenant: tenant)
        let two = try TestServer(redis: TestRedis.address, tenant: tenant)
        let c1 = try one.client(), c2 = try two.client()
        var answers: [String] = []
        for i in 0 ..< 6 { answers.append((i % 2 == 0 ? c1 : c2).request("/gcount")?.body ?? "-") }
        #expect(answers == ["1", "2", "3", "4", "5", "6"])
    }

    @Test func aChainedCallGoesToTheNodeThatServesTheFunction() throws {
        let tenant = TestRedis.user()
        let one = try TestServer(redis: TestRedis.address, tenant: tenant)
        let two = try TestServer(extraRoutes: #", {"route": "/only_two", "path": "faasm.wat", "relative-deadline-us": 50000}"#,
                                 redis: TestRedis.address, tenant: tenant)
        let c1 = try one.client()
        #expect(c1.post("/relay", body: "only_two", until: "hi1") == "hi1")
        #expect(try two.client().request("/faasm")?.body == "2")  // node two's own state counted it
        #expect(c1.request("/relay", method: "POST", body: "nowhere")?.body == "no function nowhere\n")
        #expect(c1.request("/metrics")?.body.contains("wasmlab_chained_calls_forwarded_total 1") == true)
    }

    @Test func forwardedCallsReuseOneConnectionAndDropItWhenTheNodeStops() throws {
        let tenant = TestRedis.user()
        let one = try TestServer(redis: TestRedis.address, tenant: tenant)
        var two: TestServer? = try TestServer(
            extraRoutes: #", {"route": "/only_two", "path": "faasm.wat", "relative-deadline-us": 50000}"#,
            redis: TestRedis.address, tenant: tenant)
        let c1 = try one.client()
        #expect(c1.post("/relay", body: "only_two", until: "hi1") == "hi1")
        for count in 2 ... 5 {
            #expect(c1.request("/relay", method: "POST", body: "only_two")?.body == "hi\(count)")
        }
        // Five calls one after another: one connection, taken again four times.
        #expect(one.server.forwarding == .init(opened: 1, reused: 4, retried: 0))
        let metrics = c1.request("/metrics")?.body ?? ""
        #expect(metrics.contains("wasmlab_chained_calls_forwarded_total 5"))
        #expect(metrics.contains("wasmlab_forward_connections_opened 1"))
        #expect(metrics.contains("wasmlab_forward_connection_reuses 4"))

        // Node two stops: its end of the connection closes, and node one's pool lets it go.
        let address = "127.0.0.1:\(two!.port)"
        #expect(one.server.forwarder.pool.idleChannels(to: address).count == 1)
        two = nil
        var dropped = false
        for _ in 0 ..< 100 where !dropped {
            dropped = one.server.forwarder.pool.idleChannels(to: address).isEmpty
            usleep(10_000)
        }
        #expect(dropped)
        // A node serving the function again (on another port, counting from its own
        // replica): reached over a new connection once its entry is seen (node two's may
        // be picked until it expires, and fails at once).
        let three = try TestServer(
            extraRoutes: #", {"route": "/only_two", "path": "faasm.wat", "relative-deadline-us": 50000}"#,
            redis: TestRedis.address, tenant: tenant)
        #expect(c1.post("/relay", body: "only_two", until: "hi1", attempts: 200) == "hi1")
        #expect(one.server.forwarding.opened == 2 && one.server.forwarding.retried == 0)
        _ = three
    }
}
