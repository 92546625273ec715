import WasmCore
import WasmRuntime

/// CWASI's guest interface for one sandbox: `cwasi_export.func_connect(ptr, len) -> i32`
/// takes the JSON message at `ptr`, runs the callee named by its `target_channel` with the
/// payload (argv[1] of its `cwasi_function`), writes the callee's reply back at `ptr` and
/// returns its length; or a `ChannelFailure` code. As in CWASI the reply may be longer
/// than the message: it is written from `ptr` on as far as the memory reaches.
final class CWASICall: Sendable {
    static let moduleName = "cwasi_export"
    static let connectName = "func_connect"
    static let connectType = FunctionType(parameters: [.i32, .i32], results: [.i32])

    /// Runs the callee (by function name) with the payload and awaits its reply; a trap
    /// ends the caller too (it was killed meanwhile). A borrowed payload lies in the
    /// caller's memory, valid until `connect` returns.
    let connect: @Sendable (_ target: String, _ payload: CWASIPayload) throws(Trap) -> Result<[UInt8], ChannelFailure>

    init(connect: @escaping @Sendable (_ target: String, _ payload: CWASIPayload) throws(Trap) -> Result<[UInt8], ChannelFailure>) {
        self.connect = connect
    }

    /// Whether `module` imports CWASI's interface.
    static func isImported(by module: CompiledModule) -> Bool {
        module.imports.contains { $0.module == moduleName }
    }

    /// Why `module` cannot link against this interface (nil: it can).
    static func unsupportedImport(of module: CompiledModule) -> String? {
        for entry in module.imports where entry.module == moduleName {
            guard entry.name == connectName else {
                return "\(moduleName).\(entry.name) is not provided (CWASI's interface is \(moduleName).\(connectName))"
            }
            guard entry.type == .function(connectType) else {
                return "link error: incompatible import type \(moduleName).\(connectName) (CWASI's is (i32, i32) -> i32)"
            }
        }
        return nil
    }

    func define(into linker: Linker) {
        linker.define(module: Self.moduleName, name: Self.connectName, .function(Function.host(Self.connectType, name: Self.connectName) { [self] c in
            c.setI32(0, UInt32(bitPattern: try functionConnect(&c)))
        }))
    }

    private func functionConnect(_ c: inout HostCall) throws -> Int32 {
        let memory = try c.callerMemory(Self.connectName)
        let pointer = UInt64(c.i32(0)), count = Int(Int32(bitPattern: c.i32(1)))
        guard count >= 0 else { return ChannelFailure.malformedMessage.rawValue }
        guard memory.contains(pointer, count: count) else { throw Trap(.outOfBoundsMemoryAccess) }
        // Read in place: the caller's memory cannot change during its own host call.
        let bytes = UnsafeBufferPointer(start: (memory.base + Int(pointer)).assumingMemoryBound(to: UInt8.self), count: count)
        guard let message = CWASIMessage(json: bytes) else { return ChannelFailure.malformedMessage.rawValue }
        switch try connect(message.targetFunction, message.body) {
        case .failure(let failure):
            return failure.rawValue
        case .success(let reply):
            guard reply.count <= Int(Int32.max), memory.contains(pointer, count: reply.count) else {
                return ChannelFailure.replyTooLarge.rawValue
            }
            try memory.write(reply, at: pointer)
            return Int32(reply.count)
        }
    }
}
