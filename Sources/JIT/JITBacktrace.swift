import Synchronization
import WasmCore
import WasmRuntime

/// The raw frames of a trap in compiled code, captured by the trap exit while they are
/// still on the native stack (`RuntimeHelpers.captureBacktrace`): return addresses only,
/// runs of one PC counted. Turned into names by `JITCodeRegistry.names` once the
/// trampoline has returned.
final class RawBacktrace {
    let frames: [(pc: UInt, count: Int)]
    /// Outer frames only counted (deep non-uniform recursion).
    let omitted: Int
    init(_ frames: [(pc: UInt, count: Int)], omitted: Int) {
        self.frames = frames
        self.omitted = omitted
    }
}

/// Every live module's code range, so a PC from any frame (another module called
/// natively, too) maps to its function. Registered at compile time, removed in deinit.
final class JITCodeRegistry: Sendable {
    static let shared = JITCodeRegistry()
    private struct Entry: @unchecked Sendable {
        var start: UInt, end: UInt
        var code: Unmanaged<JITCode>
    }
    private let codes = Mutex<[ObjectIdentifier: Entry]>([:])

    func add(_ code: JITCode) {
        let start = UInt(bitPattern: code.buffer.base)
        let entry = Entry(start: start, end: start + UInt(code.buffer.codeSize), code: .passUnretained(code))
        codes.withLock { $0[ObjectIdentifier(code)] = entry }
    }

    func remove(_ code: JITCode) { _ = codes.withLock { $0.removeValue(forKey: ObjectIdentifier(code)) } }

    /// The module code whose buffer contains `address`, while the caller keeps it alive.
    func code(containing address: UInt) -> JITCode? {
        codes.withLock { codes -> JITCode? in
            codes.values.first { $0.start <= address && address < $0.end }?.code.takeUnretainedValue()
        }
    }

    /// The module code and defined function containing `pc` (a return address: the byte
    /// before it is the call), while the caller keeps that code alive.
    func function(containing pc: UInt) -> (code: JITCode, definedIndex: Int)? {
        let at = pc &- 1
        return codes.withLock { codes -> (JITCode, Int)? in
            for entry in codes.values where entry.start <= at && at < entry.end {
                let code = entry.code.takeUnretainedValue()
                guard let index = code.definedIndex(atOffset: Int(at - entry.start)) else { return nil }
                return (code, index)
            }
            return nil
        }
    }

    /// Names of the frames, innermost first, at most `limit` (then "... N more frames",
    /// as the interpreter's backtraces); `skipInnermostShim` drops an innermost interpreter
    /// shim, whose function the interpreter's part of the backtrace already names.
    func names(_ raw: RawBacktrace, skipInnermostShim: Bool, limit: Int = 100) -> [String] {
        var names: [String] = []
        var omitted = raw.omitted
        for (i, frame) in raw.frames.enumerated() {
            var count = frame.count
            if names.count >= limit && i > 0 {
                omitted += count
                continue
            }
            let found = function(containing: frame.pc)
            if i == 0 && skipInnermostShim, let found, found.code.isInterpreted(definedIndex: found.definedIndex) {
                count -= 1
            }
            guard count > 0 else { continue }
            let name = found.map { Instance.functionName($0.code.module, UInt32($0.code.importCount + $0.definedIndex)) }
                ?? "<native code>"
            let taken = min(count, limit - names.count)
            names += repeatElement(name, count: max(taken, 0))
            omitted += count - max(taken, 0)
        }
        if omitted > 0 { names.append("... \(omitted) more frames") }
        return names
    }
}

extension RuntimeHelpers {
    typealias CaptureBacktrace = @convention(c) (UnsafeMutableRawPointer) -> Void

    /// Called by the trap exit (normal context, never from a signal handler) with the trap
    /// PC and frame in the context: walks the frames up to the entry and keeps their PCs.
    static let captureBacktrace: CaptureBacktrace = { vmp in
        let vm = vm(vmp)
        let isa = (ExecutionTiers.tier(id: vm.pointee.tierID) as? JITTier)?.instructionSet ?? .x64
        let walked = isa.walk(pc: vm.pointee.trapPC, sp: vm.pointee.trapSP, entrySP: vm.pointee.entrySP)
        if let old = vm.pointee.backtrace { Unmanaged<RawBacktrace>.fromOpaque(old).release() }
        vm.pointee.backtrace = Unmanaged.passRetained(RawBacktrace(walked.frames, omitted: walked.omitted)).toOpaque()
    }
}
