import GreenThreads
import Platform
import WasmCore
import WasmRuntime

/// Faasm's host interface (`__faasm_*`, imported from module `env`; Docs/Faaslets.md) for
/// one call, made by a `Linker` only for the names a module imports. Every guest pointer
/// and length is checked against the caller's memory: a bad one is a trap, never a host
/// access out of the sandbox. State calls work on the node-local replica and, when the
/// store has one, the global tier (Redis); a global-tier failure is a trap that marks
/// the call (`FaasmCall.globalTierFailure`), so the server answers 503.
final class FaasmHost: LazyDefinitions {
    typealias Body = @Sendable (FaasmCall, inout HostCall) throws -> Void

    /// One function: its name, type and body.
    struct Entry: Sendable {
        let name: String
        let type: FunctionType
        let body: Body
    }

    /// Every function.
    static let table: SortedDefinitions<Entry> = {
        let i = ValueType.i32
        let list: [(String, [ValueType], [ValueType], Body)] = [
            ("__faasm_read_input", [i, i], [i], readInput),
            ("__faasm_write_output", [i, i], [], { call, c in
                call.setOutput(try Guest(c).bytes(c.i32(0), c.i32(1)))
            }),
            ("__faasm_read_state", [i, i, i], [i], readState),
            ("__faasm_read_state_ptr", [i, i], [i], readStatePointer),
            ("__faasm_write_state", [i, i, i], [], { call, c in
                let guest = try Guest(c)
                let data = try guest.bytes(c.i32(1), c.i32(2))
                let value = try guest.value(call, key: c.i32(0), size: data.count)
                guard value.size == data.count else { throw FaasmHost.error("state value size \(value.size), written \(data.count)") }
                try tier(call) { () throws(RedisError) in try value.write(data, at: 0) }
            }),
            ("__faasm_read_state_offset", [i, i, i, i, i], [], { call, c in
                let guest = try Guest(c)
                let value = try guest.value(call, key: c.i32(0), size: Int(c.i32(1)))
                let (offset, count) = try FaasmHost.range(value, c.i32(2), c.i32(4))
                try guest.write(tier(call) { () throws(RedisError) in try value.read(offset, count) }, at: c.i32(3))
            }),
            ("__faasm_write_state_offset", [i, i, i, i, i], [], { call, c in
                let guest = try Guest(c)
                let value = try guest.value(call, key: c.i32(0), size: Int(c.i32(1)))
                let data = try guest.bytes(c.i32(3), c.i32(4))
                let (offset, _) = try FaasmHost.range(value, c.i32(2), c.i32(4))
                try tier(call) { () throws(RedisError) in try value.write(data, at: offset) }
            }),
            ("__faasm_flag_state_dirty", [i, i], [], { call, c in
                try Guest(c).value(call, key: c.i32(0), size: Int(c.i32(1))).markDirty()
            }),
            ("__faasm_flag_state_offset_dirty", [i, i, i, i], [], { call, c in
                let value = try Guest(c).value(call, key: c.i32(0), size: Int(c.i32(1)))
                let (offset, count) = try FaasmHost.range(value, c.i32(2), c.i32(3))
                value.markDirty(offset, count)
            }),
            // Without a global tier, push and pull have nothing to move (they clear the
            // dirty flags); the value must exist, as Faasm requires.
            ("__faasm_push_state", [i], [], { call, c in
                let value = try Guest(c).existing(call, key: c.i32(0))
                try tier(call) { () throws(RedisError) in try value.push() }
            }),
            ("__faasm_push_state_partial", [i], [], { call, c in
                let value = try Guest(c).existing(call, key: c.i32(0))
                try tier(call) { () throws(RedisError) in try value.pushPartial() }
            }),
            ("__faasm_push_state_partial_mask", [i, i], [], pushWithMask),
            ("__faasm_pull_state", [i, i], [], { call, c in
                let value = try Guest(c).value(call, key: c.i32(0), size: Int(c.i32(1)))
                try tier(call) { () throws(RedisError) in try value.pull() }
            }),
            ("__faasm_append_state", [i, i, i], [], { call, c in
                let guest = try Guest(c)
                let data = try guest.bytes(c.i32(1), c.i32(2))
                let value = try guest.value(call, key: c.i32(0), size: 0)
                try tier(call) { () throws(RedisError) in try value.append(data) }
            }),
            ("__faasm_read_appended_state", [i, i, i, i], [], readAppended),
            ("__faasm_clear_appended_state", [i], [], { call, c in
                let value = try Guest(c).value(call, key: c.i32(0), size: 0)
                try tier(call) { () throws(RedisError) in try value.clearAppended() }
            }),
            ("__faasm_read_state_offset_ptr", [i, i, i, i], [i], { call, c in
                let guest = try Guest(c)
                let value = try guest.value(call, key: c.i32(0), size: Int(Int32(bitPattern: c.i32(1))))
                let (offset, _) = try FaasmHost.range(value, c.i32(2), c.i32(3))
                c.setI32(0, try mapValue(call, guest, key: c.i32(0), size: c.i32(1)) + UInt32(offset))
            }),
            ("__faasm_chain_name", [i, i, i], [i], { call, c in
                let guest = try Guest(c)
                let name = try guest.string(c.i32(0))
                let input = try guest.bytes(c.i32(1), c.i32(2))
                c.setI32(0, try chain(call, .function(name), input, commandLine: ""))
            }),
            ("__faasm_chain_ptr", [i, i, i], [i], { call, c in
                let guest = try Guest(c)
                let input = try guest.bytes(c.i32(1), c.i32(2))
                c.setI32(0, try chain(call, .pointer(c.i32(0)), input, commandLine: ""))
            }),
            ("__faasm_await_call", [i], [i], { call, c in
                let result = call.calls?.await(c.i32(0))
                c.setI32(0, UInt32(bitPattern: result?.status ?? 1))
            }),
            ("__faasm_await_call_output", [i, i, i], [i], awaitOutput),
            ("__faasm_lock_state_read", [i], [], { call, c in call.lock(try Guest(c).existing(call, key: c.i32(0)), exclusive: false) }),
            ("__faasm_lock_state_write", [i], [], { call, c in call.lock(try Guest(c).existing(call, key: c.i32(0)), exclusive: true) }),
            ("__faasm_unlock_state_read", [i], [], { call, c in try FaasmHost.unlock(call, &c, exclusive: false) }),
            ("__faasm_unlock_state_write", [i], [], { call, c in try FaasmHost.unlock(call, &c, exclusive: true) }),
            ("__faasm_lock_state_global", [i], [], lockGlobal),
            ("__faasm_unlock_state_global", [i], [], { call, c in
                let guest = try Guest(c)
                let value = try guest.existing(call, key: c.i32(0))
                guard try tier(call, { () throws(RedisError) in try call.unlockGlobal(value) }) else {
                    throw error("unlock of a global state lock this call does not hold")
                }
            }),
            ("__faasm_conf_flag", [i], [i], { call, c in
                let flag = try Guest(c).string(c.i32(0))
                c.setI32(0, flag == "ALWAYS_ON" ? 1 : 0)
            }),
        ]
        return SortedDefinitions(list.map { ($0.0, Entry(name: $0.0, type: FunctionType(parameters: $0.1, results: $0.2), body: $0.3)) })
    }()

    /// The newer `__faasm_chain_name(name, cmdline, input, len)`: same name, another
    /// type, so it is defined explicitly for a module that imports it in this form.
    static let chainWithCommandLine = Entry(
        name: "__faasm_chain_name", type: FunctionType(parameters: [.i32, .i32, .i32, .i32], results: [.i32])) { call, c in
            let guest = try Guest(c)
            let name = try guest.string(c.i32(0)), commandLine = try guest.string(c.i32(1))
            let input = try guest.bytes(c.i32(2), c.i32(3))
            c.setI32(0, try chain(call, .function(name), input, commandLine: commandLine))
        }

    /// Why `module` cannot run with this interface: an `env.__faasm_*` import that is not
    /// provided or has another type (nil: every one links). Checked when a function is
    /// loaded, so the error shows then and not on each call.
    static func unsupportedImport(of module: CompiledModule) -> String? {
        for entry in module.imports where entry.module == "env" && entry.name.hasPrefix("__faasm_") {
            let provided = [table.entry(Array(entry.name.utf8)), entry.name == chainWithCommandLine.name ? chainWithCommandLine : nil]
            guard provided.contains(where: { $0.map { .function($0.type) == entry.type } ?? false }) else {
                return provided.contains(where: { $0 != nil })
                    ? "link error: incompatible import type env.\(entry.name) (not Faasm's; Docs/Faaslets.md)"
                    : "env.\(entry.name) is not provided (Docs/Faaslets.md lists what is left out and why)"
            }
        }
        return nil
    }

    let call: FaasmCall

    init(_ call: FaasmCall) { self.call = call }

    func defines(_ name: [UInt8]) -> Bool { Self.table.entry(name) != nil }

    func make(_ name: [UInt8]) -> ExternalValue? {
        guard let entry = Self.table.entry(name) else { return nil }
        let call = self.call, body = entry.body
        return .function(Function.host(entry.type, name: entry.name) { c in
            try body(call, &c)
        })
    }

    // MARK: - Bodies

    /// Starts a chained call; a non-empty command line (space-separated) becomes its
    /// arguments after argv[0].
    private static func chain(_ call: FaasmCall, _ target: ChainTarget, _ input: [UInt8], commandLine: String) throws -> UInt32 {
        let arguments = commandLine.split(separator: " ").map(String.init)
        guard let chain = call.chain, let id = chain(target, input, arguments) else {
            throw error(call.isInit ? "chaining in a route's init: no calls run while a function loads" : "chaining is not available here")
        }
        return id
    }

    /// `len == 0`: the input's size; otherwise copies at most `len` bytes, returns how many.
    private static func readInput(_ call: FaasmCall, _ c: inout HostCall) throws {
        let length = Int(Int32(bitPattern: c.i32(1)))
        guard length != 0 else { return c.setI32(0, UInt32(call.input.count)) }
        let count = min(max(length, 0), call.input.count)
        try Guest(c).write(call.input.prefix(count), at: c.i32(0), room: c.i32(1))
        c.setI32(0, UInt32(count))
    }

    /// `len == 0`: the value's size (0 when missing); otherwise copies at most `len`
    /// bytes of the value (made with `len` bytes when missing) and returns its size.
    private static func readState(_ call: FaasmCall, _ c: inout HostCall) throws {
        let guest = try Guest(c)
        let length = Int(Int32(bitPattern: c.i32(2)))
        guard length != 0 else {
            return c.setI32(0, UInt32(try call.stateValue(try guest.string(c.i32(0)), size: nil)?.size ?? 0))
        }
        let value = try guest.value(call, key: c.i32(0), size: length)
        let bytes = try tier(call) { () throws(RedisError) in try value.read(0, min(length, value.size)) }
        try guest.write(bytes, at: c.i32(1), room: c.i32(2))
        c.setI32(0, UInt32(value.size))
    }

    /// The value's bytes inside the caller's memory: the memory grows by the pages the
    /// value needs and the value's shared pages are mapped there, so the guest reads and
    /// writes the node's replica itself, as every other sandbox mapping it does. Once per
    /// key and call; later calls return the same address.
    private static func readStatePointer(_ call: FaasmCall, _ c: inout HostCall) throws {
        let guest = try Guest(c)
        c.setI32(0, try mapValue(call, guest, key: c.i32(0), size: c.i32(1)))
    }

    /// Maps the whole value named at `key` into the caller's memory (pulled first), once
    /// per key and call; its address. `read_state_offset_ptr` returns an address inside
    /// the same mapping.
    private static func mapValue(_ call: FaasmCall, _ guest: Guest, key pointer: UInt32, size: UInt32) throws -> UInt32 {
        let key = try guest.string(pointer)
        guard !call.isInit else {
            throw error("read_state_ptr of \(key) in a route's init: a snapshot cannot hold the node's shared state pages (read the value in the call instead)")
        }
        if let address = call.mappedState.withLock({ $0[key] }) { return address }
        let value = try guest.value(call, key: pointer, size: Int(Int32(bitPattern: size)))
        guard value.size > 0 else { throw error("state value \(key) is empty") }
        try tier(call) { () throws(RedisError) in try value.pullIfNeeded() }
        let mapped: Int?
        do {
            mapped = try guest.memory.growMappingShared(fd: value.fd, length: value.mappedSize)
        } catch {
            throw FaasmHost.error("\(error)")
        }
        // The address must be a wasm32 pointer.
        guard let offset = mapped, offset + value.mappedSize <= Int(UInt32.max) else {
            throw error("no room in memory for state value \(key)")
        }
        call.mappedState.withLock { $0[key] = UInt32(offset) }
        return UInt32(offset)
    }

    /// `push_state_partial` with the runs given by another value, the mask: the value's
    /// bytes under the mask's non-zero bytes are pushed (and no others). The mask's
    /// replica is zeroed afterwards, as in Faasm.
    private static func pushWithMask(_ call: FaasmCall, _ c: inout HostCall) throws {
        let guest = try Guest(c)
        let value = try guest.existing(call, key: c.i32(0)), mask = try guest.existing(call, key: c.i32(1))
        guard mask.size == value.size else {
            throw error("state mask of \(mask.size) bytes for a value of \(value.size)")
        }
        try tier(call) { () throws(RedisError) in
            var runs = DirtyMask(size: mask.size)
            for (index, byte) in try mask.read(0, mask.size).enumerated() where byte != 0 { runs.mark(index, 1) }
            try value.pushPartial(runs: runs.runs())
            try mask.write(Array(repeating: 0, count: mask.size), at: 0)
        }
    }

    /// Takes the global (cross-node) lock of a value: a Redis lock with an expiry, so a
    /// node that dies does not hold it forever; while another holds it the fiber sleeps
    /// and tries again, until the call is killed. Without a global tier, the value's
    /// node-local write lock.
    private static func lockGlobal(_ call: FaasmCall, _ c: inout HostCall) throws {
        let value = try Guest(c).existing(call, key: c.i32(0))
        guard value.global != nil else { return call.lock(value, exclusive: true) }
        while true {
            if try tier(call, { () throws(RedisError) in try call.tryLockGlobal(value) }) { return }
            if let fiber = Fiber.current {
                guard !fiber.isCancelled else { throw error("killed while waiting for a global state lock") }
                Sandbox.sleep(nanoseconds: 1_000_000)
            } else {
                usleep(1000)
            }
        }
    }

    /// Runs a state operation; a failure of the global tier becomes a trap and marks
    /// the call, so that the server answers 503 rather than 500.
    static func tier<R>(_ call: FaasmCall, _ body: () throws(RedisError) -> R) throws -> R {
        do {
            return try body()
        } catch {
            call.globalTierFailed(error)
            throw FaasmHost.error("global state tier: \(error)")
        }
    }

    /// Unlock of a lock the call does not hold: a trap.
    private static func unlock(_ call: FaasmCall, _ c: inout HostCall, exclusive: Bool) throws {
        let guest = try Guest(c)
        guard call.unlock(try guest.existing(call, key: c.i32(0)), exclusive: exclusive) else {
            throw error("unlock of a state lock this call does not hold")
        }
    }

    /// Waits for the call, allocates its output in the guest with the module's exported
    /// `malloc` (Faasm's newest form), stores the address at `out` and the size at
    /// `outLen`, and returns the call's status (1 when unknown: nothing is stored).
    private static func awaitOutput(_ call: FaasmCall, _ c: inout HostCall) throws {
        let guest = try Guest(c)
        guard let result = call.calls?.await(c.i32(0)) else { return c.setI32(0, 1) }
        guard case .function(let malloc)? = c.caller?.export("malloc"),
              malloc.type == FunctionType(parameters: [.i32], results: [.i32]) else {
            throw error("__faasm_await_call_output needs the module to export malloc(i32) -> i32")
        }
        guard case .i32(let address)? = try malloc.invoke([.i32(UInt32(result.output.count))]).first, address != 0 else {
            throw error("malloc of \(result.output.count) bytes failed in the guest")
        }
        try guest.write(result.output, at: address)
        try guest.memory.store(address, at: UInt64(c.i32(1)))
        try guest.memory.store(UInt32(result.output.count), at: UInt64(c.i32(2)))
        c.setI32(0, UInt32(bitPattern: result.status))
    }

    /// The first `n` appended elements, back to back into `buf`; a trap before `len` would
    /// be exceeded.
    private static func readAppended(_ call: FaasmCall, _ c: inout HostCall) throws {
        let guest = try Guest(c)
        let value = try guest.value(call, key: c.i32(0), size: 0)
        let elements = try tier(call) { () throws(RedisError) in try value.appended(Int(Int32(bitPattern: c.i32(3)))) }
        let joined = elements.flatMap { $0 }
        guard joined.count <= Int(Int32(bitPattern: c.i32(2))) else {
            throw error("appended state of \(joined.count) bytes does not fit a buffer of \(c.i32(2))")
        }
        try guest.write(joined, at: c.i32(1), room: c.i32(2))
    }

    /// `offset ..< offset + count` of `value`, both from the guest; a trap outside it.
    private static func range(_ value: StateValue, _ offset: UInt32, _ count: UInt32) throws -> (Int, Int) {
        let o = Int(Int32(bitPattern: offset)), n = Int(Int32(bitPattern: count))
        guard o >= 0, n >= 0, o + n <= value.size else {
            throw error("state range \(o) + \(n) outside a value of \(value.size) bytes")
        }
        return (o, n)
    }

    static func error(_ detail: String) -> Trap { Trap(.hostError, detail: detail) }
}

/// The calling guest's memory, for one host call.
private struct Guest {
    let memory: LinearMemory
    /// Longest key or flag name read (a string without its NUL that far is a trap).
    static let maxString = 4096

    init(_ call: HostCall) throws {
        memory = try call.callerMemory("env (Faasm)")
    }

    /// `length` bytes at `pointer`; a negative length or a range outside memory traps.
    func bytes(_ pointer: UInt32, _ length: UInt32) throws -> [UInt8] {
        let count = Int(Int32(bitPattern: length))
        guard count >= 0 else { throw Trap(.outOfBoundsMemoryAccess) }
        return try memory.read(at: UInt64(pointer), count: count)
    }

    /// Writes `bytes` at `pointer`, whose buffer holds `room` bytes (both checked).
    func write(_ bytes: some Collection<UInt8>, at pointer: UInt32, room: UInt32? = nil) throws {
        if let room, !memory.contains(UInt64(pointer), count: Int(Int32(bitPattern: room))) {
            throw Trap(.outOfBoundsMemoryAccess)
        }
        try memory.write(bytes, at: UInt64(pointer))
    }

    /// The NUL-terminated string at `pointer`.
    func string(_ pointer: UInt32) throws -> String {
        var bytes: [UInt8] = []
        var address = UInt64(pointer)
        while true {
            let byte = try memory.read(at: address, count: 1)[0]
            if byte == 0 { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
            guard bytes.count < Self.maxString else { throw FaasmHost.error("state key longer than \(Self.maxString) bytes") }
            address += 1
        }
    }

    /// The value named by the key at `key`, made with `size` bytes when missing.
    func value(_ call: FaasmCall, key: UInt32, size: Int) throws -> StateValue {
        guard size >= 0 else { throw FaasmHost.error("negative state size") }
        guard let value = try call.stateValue(try string(key), size: size) else { throw FaasmHost.error("no state value") }
        return value
    }

    /// The value named by the key at `key`, which must exist.
    func existing(_ call: FaasmCall, key: UInt32) throws -> StateValue {
        let name = try string(key)
        guard let value = try call.stateValue(name, size: nil) else { throw FaasmHost.error("state value \(name) has no size set") }
        return value
    }
}

extension FaasmCall {
    /// The call's user's value `key`, as `StateStore.value(user:key:size:)` finds or makes
    /// it; a global-tier failure is a trap.
    func stateValue(_ key: String, size: Int?) throws -> StateValue? {
        try FaasmHost.tier(self) { () throws(RedisError) in try state.value(user: user, key: key, size: size) }
    }
}

extension FaasmCall {
    /// Defines the Faasm host interface for this call into `linker` (module `env`);
    /// `module`, when given, may import the 4-argument `__faasm_chain_name`.
    public func define(into linker: Linker, for module: CompiledModule? = nil) {
        linker.define(module: "env", lazily: FaasmHost(self))
        let entry = FaasmHost.chainWithCommandLine
        if let module, module.imports.contains(where: { $0.module == "env" && $0.name == entry.name && $0.type == .function(entry.type) }) {
            linker.define(module: "env", name: entry.name, .function(Function.host(entry.type, name: entry.name) { [self] c in
                try entry.body(self, &c)
            }))
        }
    }
}
