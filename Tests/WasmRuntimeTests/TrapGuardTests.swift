#if canImport(Glibc)
import Glibc
#endif
import Testing
import Assembler
import WasmCore
@_spi(Testing) import WasmRuntime

/// Machine code in its own page: written, then made read+execute.
final class ExecutableCode {
    let page: UnsafeMutableRawPointer
    let size = 4096
    let count: Int

    init(_ emit: (inout X64Assembler) -> Void) throws {
        var a = X64Assembler()
        emit(&a)
        a.finish()
        let bytes = a.bytes
        count = bytes.count
        let mapping = try #require(mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))
        try #require(mapping != UnsafeMutableRawPointer(bitPattern: -1))
        page = mapping
        bytes.withUnsafeBytes { page.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        try #require(mprotect(page, size, PROT_READ | PROT_EXEC) == 0)
    }

    deinit { munmap(page, size) }

    var body: TrapGuard.Body { unsafeBitCast(page, to: TrapGuard.Body.self) }
}

/// The handler's JIT path (registered code, trap sites, SIGFPE/SIGILL) and its chaining.
@Suite(.enabled(if: TrapGuard.isSupported)) struct TrapGuardTests {
    func code(_ reason: TrapReason) -> UInt32 { UInt32(reason.rawValue) + 1 }

    @Test func registeredCodeTrapsBySignal() throws {
        let trapGuard = try #require(TrapGuard.shared)
        let normal = try ExecutableCode { a in a.mov(.rax, imm: 0); a.ret() }
        #expect(trapGuard.run(normal.body, nil, anyPC: false) == 0)

        // Clobber every callee-saved register, then fault: the trap exit restores them.
        let illegal = try ExecutableCode { a in
            for r: X64Register in [.rbx, .rbp, .r12, .r13, .r14, .r15] { a.mov(r, imm: 0xDEAD_BEEF) }
            a.ud2()
        }
        let divide = try ExecutableCode { a in
            a.mov(.rdx, imm: 0); a.mov(.rcx, imm: 0); a.mov(.rax, imm: 1)
            a.emit(0xF7); a.emit(0xF1)  // div ecx
            a.ret()
        }
        let handles = [illegal, divide].map { trapGuard.registerCode(start: $0.page, byteCount: $0.count) }
        defer { for h in handles { if let h { trapGuard.unregister(h) } } }
        for _ in 0 ..< 100 {
            #expect(trapGuard.run(illegal.body, nil, anyPC: false) == code(.unreachable))
            #expect(trapGuard.run(divide.body, nil, anyPC: false) == code(.integerDivideByZero))
        }
    }

    @Test func trapSitesNameTheReason() throws {
        let trapGuard = try #require(TrapGuard.shared)
        var siteOffset = 0
        let jit = try ExecutableCode { a in
            a.mov(.rax, imm: 7)
            siteOffset = a.offset
            a.ud2()
        }
        let sites = UnsafeMutablePointer<TrapSite>.allocate(capacity: 2)
        defer { sites.deallocate() }
        sites[0] = TrapSite(offset: 0, reason: .unreachable)
        sites[1] = TrapSite(offset: UInt32(siteOffset), reason: .integerOverflow)
        let handle = try #require(trapGuard.registerCode(start: jit.page, byteCount: jit.count, sites: sites, siteCount: 2))
        defer { trapGuard.unregister(handle) }
        #expect(trapGuard.run(jit.body, nil, anyPC: false) == code(.integerOverflow))
    }

    @Test func jitLoadsFaultOnlyInsideGuardRegions() throws {
        let trapGuard = try #require(TrapGuard.shared)
        let memory = try LinearMemory(type: MemoryType(Limits(min: 1)), strategy: .guard)
        try memory.store(UInt32(0x1234_5678), at: 65532)
        // eax = *(u32 *)argument
        let load = try ExecutableCode { a in a.load(.rax, mem(.rdi), .b32); a.ret() }
        let handle = try #require(trapGuard.registerCode(start: load.page, byteCount: load.count))
        defer { trapGuard.unregister(handle) }
        #expect(trapGuard.run(load.body, memory.base + 65532, anyPC: false) == 0x1234_5678)
        #expect(trapGuard.run(load.body, memory.base + 65533, anyPC: false) == code(.outOfBoundsMemoryAccess))
        #expect(trapGuard.run(load.body, memory.base + (8 << 30), anyPC: false) == code(.outOfBoundsMemoryAccess))
        // After grow the page is readable.
        #expect(memory.grow(by: 1) == 1)
        #expect(trapGuard.run(load.body, memory.base + 65536, anyPC: false) == 0)
    }

    /// Faults that are not Wasm traps reach the previous handler. In a forked child the
    /// previous handler is replaced by one that exits with `100 + signal` (SA_SIGINFO
    /// chaining) or by SIG_DFL (the fault repeats and kills the child with the signal).
    @Test(arguments: ["unregistered code", "guard region outside an activation", "wild pointer inside an activation"],
          [true, false])
    func otherFaultsAreChained(kind: String, toHandler: Bool) throws {
        let trapGuard = try #require(TrapGuard.shared)
        let illegal = try ExecutableCode { a in a.ud2() }
        let load = try ExecutableCode { a in a.load(.rax, mem(.rdi), .b32); a.ret() }
        let memory = try LinearMemory(type: MemoryType(Limits(min: 1)), strategy: .guard)
        let expected = kind == "unregistered code" ? SIGILL : SIGSEGV
        var action = sigaction()
        if toHandler {
            action.__sigaction_handler.sa_sigaction = { signal, _, _ in _exit(100 + signal) }
            action.sa_flags = SA_SIGINFO
        }
        // Claim this thread's slot now: the child must not need the registry's lock, which
        // another thread may hold at the moment of the fork.
        let warmUp = try ExecutableCode { a in a.mov(.rax, imm: 0); a.ret() }
        #expect(trapGuard.run(warmUp.body, nil, anyPC: false) == 0)
        let pid = fork()
        if pid == 0 {
            trapGuard.replacePreviousAction(for: expected, with: action)
            switch kind {
            case "unregistered code":
                _ = trapGuard.run(illegal.body, nil, anyPC: false)
            case "guard region outside an activation":
                _ = load.body(memory.base + 65536)
            default:
                _ = trapGuard.run(load.body, UnsafeMutableRawPointer(bitPattern: 16), anyPC: true)
            }
            _exit(0)
        }
        try #require(pid > 0)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        if toHandler {
            #expect(status & 0x7F == 0 && (status >> 8) & 0xFF == 100 + expected, "child status \(status)")
        } else {
            #expect(status & 0x7F == expected, "child status \(status)")
        }
    }
}
