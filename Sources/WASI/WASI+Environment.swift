import Platform
import WasmCore

// args_*, environ_*, clocks, random_get, proc_raise, sched_yield.
extension WASI {
    static func environmentFunctions() -> [(String, [ValueType], HostBody)] {
        [
            ("args_get", [.i32, .i32], { wasi, a in
                try wasi.writeStrings(wasi.arguments, then: wasi.borrowedArgument, list: a.u32(0), buffer: a.u32(1))
            }),
            ("args_sizes_get", [.i32, .i32], { wasi, a in
                try wasi.writeSizes(wasi.arguments, then: wasi.borrowedArgument, count: a.u32(0), size: a.u32(1))
            }),
            ("environ_get", [.i32, .i32], { wasi, a in try wasi.writeStrings(wasi.environment, list: a.u32(0), buffer: a.u32(1)) }),
            ("environ_sizes_get", [.i32, .i32], { wasi, a in try wasi.writeSizes(wasi.environment, count: a.u32(0), size: a.u32(1)) }),
            ("clock_res_get", [.i32, .i32], { wasi, a in
                let resolution = try Self.clockResolution(a.u32(0))
                try wasi.guestMemory().store(resolution, at: a.u32(1))
            }),
            ("clock_time_get", [.i32, .i64, .i32], { wasi, a in
                let now = try Self.clockNow(a.u32(0))
                try wasi.guestMemory().store(now, at: a.u32(2))
            }),
            ("random_get", [.i32, .i32], { wasi, a in
                let buffer = try wasi.guestMemory().bytes(a.u32(0), a.u32(1))
                var generator = SystemRandomNumberGenerator()
                for i in buffer.indices { buffer[i] = generator.next() }
            }),
            ("proc_raise", [.i32], { wasi, a in try wasi.raise(a.u32(0)) }),
            ("sched_yield", [], { _, _ in _ = sched_yield() }),
        ]
    }

    /// `*_get`: NUL-terminated strings packed into `buffer`, their addresses at `list`;
    /// `last` after them when there is one.
    private func writeStrings(_ strings: [[UInt8]], then last: UnsafeRawBufferPointer? = nil,
                              list: UInt32, buffer: UInt32) throws(WASIErrno) {
        let memory = try guestMemory()
        var offset: UInt64 = 0
        func write(_ string: some Collection<UInt8>, index: Int) throws(WASIErrno) {
            let address = UInt64(buffer) + offset
            guard address + UInt64(string.count) < UInt64(UInt32.max),
                  UInt64(list) + UInt64(index) * 4 <= UInt64(UInt32.max) else { throw .fault }
            try memory.store(UInt32(address), at: list + UInt32(index) * 4)
            try memory.write(string, at: UInt32(address))
            try memory.store(UInt8(0), at: UInt32(address + UInt64(string.count)))
            offset += UInt64(string.count) + 1
        }
        for (i, string) in strings.enumerated() { try write(string, index: i) }
        if let last { try write(last, index: strings.count) }
    }

    /// `*_sizes_get`: the number of strings and the bytes they need with their NULs.
    private func writeSizes(_ strings: [[UInt8]], then last: UnsafeRawBufferPointer? = nil,
                            count: UInt32, size: UInt32) throws(WASIErrno) {
        let memory = try guestMemory()
        let bytes = strings.reduce(0) { $0 + $1.count + 1 } + (last.map { $0.count + 1 } ?? 0)
        try memory.store(UInt32(strings.count + (last == nil ? 0 : 1)), at: count)
        try memory.store(UInt32(truncatingIfNeeded: bytes), at: size)
    }

    /// The host clock behind a WASI clock id (realtime, monotonic, process and thread CPU time).
    static func hostClock(_ id: UInt32) throws(WASIErrno) -> clockid_t {
        switch id {
        case 0: CLOCK_REALTIME
        case 1: CLOCK_MONOTONIC
        case 2: CLOCK_PROCESS_CPUTIME_ID
        case 3: CLOCK_THREAD_CPUTIME_ID
        default: throw .inval
        }
    }

    /// Nanoseconds on clock `id` now.
    static func clockNow(_ id: UInt32) throws(WASIErrno) -> UInt64 {
        var ts = timespec()
        let clock = try hostClock(id)
        _ = try sys { clock_gettime(clock, &ts) }
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    static func clockResolution(_ id: UInt32) throws(WASIErrno) -> UInt64 {
        var ts = timespec()
        let clock = try hostClock(id)
        _ = try sys { clock_getres(clock, &ts) }
        return max(1, UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec))
    }

    /// `proc_raise`: signals whose default action terminates end the program like
    /// `proc_exit(128 + signal)`; those ignored by default do nothing. The host process
    /// itself is never signalled.
    private func raise(_ signal: UInt32) throws {
        // WASI's signal numbering: 0 none, 1 hup, 2 int, 3 quit, 4 ill, 5 trap, 6 abrt,
        // 7 bus, 8 fpe, 9 kill, 10 usr1, 11 segv, 12 usr2, 13 pipe, 14 alrm, 15 term,
        // 16 chld, 17 cont, 18 stop, 19 tstp, 20 ttin, 21 ttou, 22 urg, 23 xcpu, 24 xfsz,
        // 25 vtalrm, 26 prof, 27 winch, 28 poll, 29 pwr, 30 sys.
        switch signal {
        case 0, 16, 17, 22, 27: return
        case 18, 19, 20, 21: throw WASIErrno.notsup  // stopping is not something a sandbox does
        case 1...30: throw requestExit(128 + signal)
        default: throw WASIErrno.inval
        }
    }
}
