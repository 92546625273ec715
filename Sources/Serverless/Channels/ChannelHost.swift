import WasmCore
import WasmRuntime

/// WasmLab's own channel API for one sandbox, for payloads too large for CWASI's JSON
/// message: named channels of the tenant on this node, imported from module
/// `wasmlab_channel` (Docs/Channels.md):
///
///     send(name, name_len, data, len) -> i32             0, or a ChannelFailure code
///     alloc(len, addr) -> i32                            0; *addr: a buffer of len bytes
///                                                        grown at the end of memory
///     send_buffer(name, name_len, addr, len) -> i32      0; sends the first len bytes
///                                                        of that buffer without a copy
///     receive(name, name_len, buf, cap) -> i32           the message's length (copied)
///     receive_mapped(name, name_len, addr, len) -> i32   0; *addr, *len: the message's
///                                                        pages, grown at the end of memory
///
/// Both receives wait for a message (the fiber parks); a killed receiver stops waiting.
/// A sent buffer's pages move out of the sender's memory (zero pages take their place)
/// and into the receiver's (`MovedPages`): no byte is copied, and a receiver never sees
/// later writes of the sender.
final class ChannelHost: @unchecked Sendable {
    static let moduleName = "wasmlab_channel"
    /// Longest channel name.
    static let maxName = 256
    /// Largest message.
    static let maxMessage = 512 << 20

    let channels: NamedChannels
    let tenant: String
    /// Sizes of the buffers from `alloc` not yet sent, by address (the sandbox's fiber
    /// only).
    private var buffers: [UInt32: Int] = [:]

    init(channels: NamedChannels, tenant: String) {
        self.channels = channels
        self.tenant = tenant
    }

    private static let functions: [(String, [ValueType])] = [
        ("send", [.i32, .i32, .i32, .i32]), ("receive", [.i32, .i32, .i32, .i32]),
        ("receive_mapped", [.i32, .i32, .i32, .i32]), ("alloc", [.i32, .i32]), ("send_buffer", [.i32, .i32, .i32, .i32]),
    ]

    /// Why `module` cannot link against this API (nil: it can).
    static func unsupportedImport(of module: CompiledModule) -> String? {
        for entry in module.imports where entry.module == moduleName {
            guard let params = functions.first(where: { $0.0 == entry.name })?.1 else {
                return "\(moduleName).\(entry.name) is not provided (Docs/Channels.md lists the channel API)"
            }
            guard entry.type == .function(FunctionType(parameters: params, results: [.i32])) else {
                return "link error: incompatible import type \(moduleName).\(entry.name)"
            }
        }
        return nil
    }

    func define(into linker: Linker) {
        let type = FunctionType(parameters: [.i32, .i32, .i32, .i32], results: [.i32])
        let channels = self.channels, tenant = self.tenant
        linker.define(module: Self.moduleName, name: "send", .function(Function.host(type, name: "send") { c in
            c.setI32(0, UInt32(bitPattern: try Self.send(&c, channels, tenant)))
        }))
        linker.define(module: Self.moduleName, name: "receive", .function(Function.host(type, name: "receive") { c in
            c.setI32(0, UInt32(bitPattern: try Self.receive(&c, channels, tenant, mapped: false)))
        }))
        linker.define(module: Self.moduleName, name: "receive_mapped", .function(Function.host(type, name: "receive_mapped") { c in
            c.setI32(0, UInt32(bitPattern: try Self.receive(&c, channels, tenant, mapped: true)))
        }))
        linker.define(module: Self.moduleName, name: "alloc", .function(Function.host(
            FunctionType(parameters: [.i32, .i32], results: [.i32]), name: "alloc") { [self] c in
            c.setI32(0, UInt32(bitPattern: try alloc(&c)))
        }))
        linker.define(module: Self.moduleName, name: "send_buffer", .function(Function.host(type, name: "send_buffer") { [self] c in
            c.setI32(0, UInt32(bitPattern: try sendBuffer(&c)))
        }))
    }

    private func alloc(_ c: inout HostCall) throws -> Int32 {
        let memory = try Self.memory(c)
        let count = Int(Int32(bitPattern: c.i32(0)))
        guard count > 0 else { return ChannelFailure.malformedMessage.rawValue }
        guard count <= Self.maxMessage else { return ChannelFailure.payloadTooLarge.rawValue }
        guard memory.contains(UInt64(c.i32(1)), count: 4) else { throw Trap(.outOfBoundsMemoryAccess) }
        guard let offset = memory.growAligned(byteCount: count), offset + count <= Int(UInt32.max) else {
            return ChannelFailure.replyTooLarge.rawValue
        }
        buffers[UInt32(offset)] = count
        try memory.store(UInt32(offset), at: UInt64(c.i32(1)))
        return 0
    }

    private func sendBuffer(_ c: inout HostCall) throws -> Int32 {
        let memory = try Self.memory(c)
        guard let name = try Self.name(memory, c.i32(0), c.i32(1)) else { return ChannelFailure.malformedMessage.rawValue }
        let address = c.i32(2), count = Int(Int32(bitPattern: c.i32(3)))
        guard let capacity = buffers[address], count >= 0, count <= capacity else {
            return ChannelFailure.malformedMessage.rawValue
        }
        buffers[address] = nil
        let message = try ChannelBuffer(moving: count, at: Int(address), of: memory)
        return channels.send(message, on: name, tenant: tenant) ? 0 : ChannelFailure.payloadTooLarge.rawValue
    }

    private static func memory(_ c: HostCall) throws -> LinearMemory {
        try c.callerMemory(moduleName)
    }

    /// The channel name at (pointer, length); nil when the length is out of range.
    private static func name(_ memory: LinearMemory, _ pointer: UInt32, _ length: UInt32) throws -> String? {
        let count = Int(Int32(bitPattern: length))
        guard count > 0 && count <= maxName else { return nil }
        return String(decoding: try memory.read(at: UInt64(pointer), count: count), as: UTF8.self)
    }

    private static func send(_ c: inout HostCall, _ channels: NamedChannels, _ tenant: String) throws -> Int32 {
        let memory = try memory(c)
        guard let name = try name(memory, c.i32(0), c.i32(1)) else { return ChannelFailure.malformedMessage.rawValue }
        let count = Int(Int32(bitPattern: c.i32(3)))
        guard count >= 0 else { return ChannelFailure.malformedMessage.rawValue }
        guard count <= maxMessage else { return ChannelFailure.payloadTooLarge.rawValue }
        let address = UInt64(c.i32(2))
        guard memory.contains(address, count: count) else { throw Trap(.outOfBoundsMemoryAccess) }
        guard let buffer = ChannelBuffer(copying: memory.base + Int(address), count: count),
              channels.send(buffer, on: name, tenant: tenant) else {
            return ChannelFailure.payloadTooLarge.rawValue
        }
        return 0
    }

    private static func receive(_ c: inout HostCall, _ channels: NamedChannels, _ tenant: String,
                                mapped: Bool) throws -> Int32 {
        let memory = try memory(c)
        guard let name = try name(memory, c.i32(0), c.i32(1)) else { return ChannelFailure.malformedMessage.rawValue }
        let target = UInt64(c.i32(2)), room = Int(Int32(bitPattern: c.i32(3)))
        if mapped {
            // Both result cells must be writable before the message is taken.
            guard memory.contains(target, count: 4), memory.contains(UInt64(c.i32(3)), count: 4) else {
                throw Trap(.outOfBoundsMemoryAccess)
            }
        } else {
            guard room >= 0, memory.contains(target, count: room) else { throw Trap(.outOfBoundsMemoryAccess) }
        }
        guard let (buffer, taken) = channels.receive(on: name, tenant: tenant, fits: { mapped || $0.count <= room }) else {
            return ChannelFailure.calleeFailed.rawValue
        }
        guard taken else { return ChannelFailure.replyTooLarge.rawValue }
        if !mapped {
            memory.prepareLargeWrite(at: Int(target), count: buffer.count)
            guard buffer.copy(to: memory.base + Int(target)) else { return ChannelFailure.calleeFailed.rawValue }
            return Int32(buffer.count)
        }
        var address: UInt32 = 0
        if buffer.count > 0 {
            guard let offset = try buffer.move(into: memory), offset + buffer.count <= Int(UInt32.max) else {
                return ChannelFailure.replyTooLarge.rawValue
            }
            address = UInt32(offset)
        }
        try memory.store(address, at: target)
        try memory.store(UInt32(buffer.count), at: UInt64(c.i32(3)))
        return 0
    }
}
