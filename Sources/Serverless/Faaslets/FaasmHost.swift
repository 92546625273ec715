import WasmCore
import WasmRuntime

/// Faasm's host interface (`__faasm_*`, imported from module `env`; Docs/Faaslets.md) for
/// one call, made by a `Linker` only for the names a module imports. Every guest pointer
/// and length is checked against the caller's memory: a bad one is a trap, never a host
/// access out of the sandbox. State calls work on the node-local tier.
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
                value.write(data, at: 0)
            }),
            ("__faasm_read_state_offset", [i, i, i, i, i], [], { call, c in
                let guest = try Guest(c)
                let value = try guest.value(call, key: c.i32(0), size: Int(c.i32(1)))
                let (offset, count) = try FaasmHost.range(value, c.i32(2), c.i32(4))
                try guest.write(value.read(offset, count), at: c.i32(3))
            }),
            ("__faasm_write_state_offset", [i, i, i, i, i], [], { call, c in
                let guest = try Guest(c)
                let value = try guest.value(call, key: c.i32(0), size: Int(c.i32(1)))
                let data = try guest.bytes(c.i32(3), c.i32(4))
                let (offset, _) = try FaasmHost.range(value, c.i32(2), c.i32(4))
                value.write(data, at: offset)
            }),
            ("__faasm_flag_state_dirty", [i, i], [], { call, c in
                try Guest(c).value(call, key: c.i32(0), size: Int(c.i32(1))).markDirty()
            }),
            ("__faasm_flag_state_offset_dirty", [i, i, i, i], [], { call, c in
                let value = try Guest(c).value(call, key: c.i32(0), size: Int(c.i32(1)))
                _ = try FaasmHost.range(value, c.i32(2), c.i32(3))
                value.markDirty()
            }),
            // Without a global tier, push and pull have nothing to move; the value must
            // exist, as Faasm requires.
            ("__faasm_push_state", [i], [], { call, c in _ = try Guest(c).existing(call, key: c.i32(0)) }),
            ("__faasm_push_state_partial", [i], [], { call, c in _ = try Guest(c).existing(call, key: c.i32(0)) }),
            ("__faasm_pull_state", [i, i], [], { call, c in _ = try Guest(c).value(call, key: c.i32(0), size: Int(c.i32(1))) }),
            ("__faasm_append_state", [i, i, i], [], { call, c in
                let guest = try Guest(c)
                let data = try guest.bytes(c.i32(1), c.i32(2))
                try guest.value(call, key: c.i32(0), size: 0).append(data)
            }),
            ("__faasm_read_appended_state", [i, i, i, i], [], readAppended),
            ("__faasm_clear_appended_state", [i], [], { call, c in
                try Guest(c).value(call, key: c.i32(0), size: 0).clearAppended()
            }),
            ("__faasm_chain_name", [i, i, i], [i], { call, c in
                let guest = try Guest(c)
                let name = try guest.string(c.i32(0))
                let input = try guest.bytes(c.i32(1), c.i32(2))
                guard let chain = call.chain, let id = chain(name, input) else {
                    throw FaasmHost.error("chaining is not available here")
                }
                c.setI32(0, id)
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
            ("__faasm_conf_flag", [i], [i], { call, c in
                let flag = try Guest(c).string(c.i32(0))
                c.setI32(0, flag == "ALWAYS_ON" ? 1 : 0)
            }),
        ]
        return SortedDefinitions(list.map { ($0.0, Entry(name: $0.0, type: FunctionType(parameters: $0.1, results: $0.2), body: $0.3)) })
    }()

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
            let key = try guest.string(c.i32(0))
            return c.setI32(0, UInt32(call.state.value(user: call.user, key: key, size: nil)?.size ?? 0))
        }
        let value = try guest.value(call, key: c.i32(0), size: length)
        try guest.write(value.read(0, min(length, value.size)), at: c.i32(1), room: c.i32(2))
        c.setI32(0, UInt32(value.size))
    }

    /// The value's bytes inside the caller's memory: the memory grows by the pages the
    /// value needs and the value's shared pages are mapped there, so the guest reads and
    /// writes the node's replica itself, as every other sandbox mapping it does. Once per
    /// key and call; later calls return the same address.
    private static func readStatePointer(_ call: FaasmCall, _ c: inout HostCall) throws {
        let guest = try Guest(c)
        let key = try guest.string(c.i32(0))
        if let address = call.mappedState.withLock({ $0[key] }) { return c.setI32(0, address) }
        let value = try guest.value(call, key: c.i32(0), size: Int(Int32(bitPattern: c.i32(1))))
        guard value.size > 0 else { throw error("state value \(key) is empty") }
        let memory = guest.memory
        let pages = (UInt64(value.mappedSize) + LinearMemory.pageSize - 1) / LinearMemory.pageSize
        guard let old = memory.grow(by: pages) else { throw error("no room in memory for state value \(key)") }
        let offset = Int(old * LinearMemory.pageSize)
        do {
            try memory.mapShared(fd: value.fd, at: offset, length: value.mappedSize)
        } catch {
            throw FaasmHost.error("\(error)")
        }
        call.mappedState.withLock { $0[key] = UInt32(offset) }
        c.setI32(0, UInt32(offset))
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
        let elements = try guest.value(call, key: c.i32(0), size: 0).appended(Int(Int32(bitPattern: c.i32(3))))
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
        guard let memory = call.memory?.linear else { throw FaasmHost.error("the caller exports no memory") }
        self.memory = memory
    }

    /// `length` bytes at `pointer`; a negative length or a range outside memory traps.
    func bytes(_ pointer: UInt32, _ length: UInt32) throws -> [UInt8] {
        let count = Int(Int32(bitPattern: length))
        guard count >= 0 else { throw Trap(.outOfBoundsMemoryAccess) }
        return try memory.read(at: UInt64(pointer), count: count)
    }

    /// Writes `bytes` at `pointer`, whose buffer holds `room` bytes (both checked).
    func write(_ bytes: some Collection<UInt8>, at pointer: UInt32, room: UInt32? = nil) throws {
        if let room { _ = try self.bytes(pointer, room) }
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
        guard let value = call.state.value(user: call.user, key: try string(key), size: size) else {
            throw FaasmHost.error("no state value")
        }
        return value
    }

    /// The value named by the key at `key`, which must exist.
    func existing(_ call: FaasmCall, key: UInt32) throws -> StateValue {
        let name = try string(key)
        guard let value = call.state.value(user: call.user, key: name, size: nil) else {
            throw FaasmHost.error("state value \(name) has no size set")
        }
        return value
    }
}

extension FaasmCall {
    /// Defines the Faasm host interface for this call into `linker` (module `env`).
    public func define(into linker: Linker) {
        linker.define(module: "env", lazily: FaasmHost(self))
    }
}
