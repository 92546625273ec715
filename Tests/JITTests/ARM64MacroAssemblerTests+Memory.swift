import Testing
import Assembler
import WasmCore
import WasmRuntime
@testable import JIT

// Linear-memory accesses under each `MemoryAddressing`. Addresses and offsets take any
// 32-bit values without 4 GiB of memory: each case points x21 (the memory base) below the
// emulator's two pages of memory so that `base + address + offset` (or its 32-bit sum
// under mask32) lands on the case's bytes, and under explicitCheck sets byteCount to the
// access's end, so it is exactly in bounds; a byteCount one less must trap.
extension ARM64MacroAssemblerTests {
    static let loadKinds: [(name: String, access: MemoryAccess)] = [
        ("i32.load8_u", .init(bytes: 1)), ("i32.load8_s", .init(bytes: 1, signed: true)),
        ("i64.load8_u", .init(bytes: 1, to64: true)), ("i64.load8_s", .init(bytes: 1, signed: true, to64: true)),
        ("i32.load16_u", .init(bytes: 2)), ("i32.load16_s", .init(bytes: 2, signed: true)),
        ("i64.load16_s", .init(bytes: 2, signed: true, to64: true)), ("i32.load", .init(bytes: 4)),
        ("i64.load32_u", .init(bytes: 4, to64: true)), ("i64.load32_s", .init(bytes: 4, signed: true, to64: true)),
        ("i64.load", .init(bytes: 8, to64: true)), ("f32.load", .init(bytes: 4, float: true)),
        ("f64.load", .init(bytes: 8, float: true)),
    ]
    static let storeKinds: [(name: String, access: MemoryAccess)] = [
        ("store8", .init(bytes: 1)), ("store16", .init(bytes: 2)), ("i32.store", .init(bytes: 4)),
        ("i64.store", .init(bytes: 8)), ("f32.store", .init(bytes: 4, float: true)),
        ("f64.store", .init(bytes: 8, float: true)),
    ]
    static let addresses: [UInt64] = [0, 1, 0x1234, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFF0, 0xFFFF_FFFF]
    static let offsets: [UInt64] = [0, 1, 8, 255, 256, 4095, 4096, 0x1_0000, 0xFF_FFFF, 0x100_0000,
                                    0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF]
    static let addressings: [MemoryAddressing] = [.explicitCheck, .guardRegion, .mask32, .none]

    /// Memory byte `k` before a run: high bits set often, to show sign extension.
    static func pattern(_ k: Int) -> UInt8 { UInt8(truncatingIfNeeded: k &* 37 &+ 0x85) }

    static func fill(_ emu: Emulated) {
        for k in 0..<Emulated.memoryBytes { emu.memory.storeBytes(of: pattern(k), toByteOffset: k, as: UInt8.self) }
    }

    /// The memory base that puts `address + offset` (per `addressing`) at memory byte `target`.
    static func base(_ emu: Emulated, _ addressing: MemoryAddressing, address: UInt64, offset: UInt64, target: Int) -> UInt64 {
        let sum = addressing == .mask32 ? (address + offset) & 0xFFFF_FFFF : address + offset
        return Emulated.address(emu.memory) &+ UInt64(target) &- sum
    }

    /// Harness code before an access: case number, memory base, byteCount (explicitCheck)
    /// and the address in x9.
    static func prepare(_ m: inout Masm, _ emu: Emulated, case i: Int, _ addressing: MemoryAddressing,
                        address: UInt64, offset: UInt64, bytes: Int, target: Int, outOfBounds: Bool = false) {
        m.a.mov(caseNumber, imm: UInt64(i))
        m.a.mov(ARM64Regs.memoryBase, imm: base(emu, addressing, address: address, offset: offset, target: target))
        m.a.mov(harnessScratch, imm: address + offset + UInt64(bytes) - (outOfBounds ? 1 : 0))
        m.a.store(harnessScratch, .offset(ARM64Regs.memoryView, Int(RuntimeLayout.viewByteCount)))
        m.a.mov(.x9, imm: address)
    }

    /// What a load of `access` reads from memory byte `target` on.
    static func loaded(_ access: MemoryAccess, target: Int) -> UInt64 {
        var raw: UInt64 = 0
        for k in (0..<access.bytes).reversed() { raw = raw << 8 | UInt64(pattern(target + k)) }
        let bits = access.bytes * 8
        if access.signed && bits < 64 && raw >> (bits - 1) & 1 == 1 { raw |= ~0 << bits }
        return access.to64 || access.float ? raw : raw & 0xFFFF_FFFF
    }

    @Test(arguments: addressings)
    func loads(_ addressing: MemoryAddressing) throws {
        let emu = try Emulated()
        Self.fill(emu)
        var m = Masm(addressing: addressing)
        var expected: [(String, UInt64)] = []
        for (name, access) in Self.loadKinds {
            for address in Self.addresses {
                for offset in Self.offsets {
                    let target = (expected.count * 24) % (Emulated.memoryBytes - 8)
                    Self.prepare(&m, emu, case: expected.count, addressing, address: address, offset: offset,
                                 bytes: access.bytes, target: target)
                    if access.float {
                        m.loadFloat(access, dst: ARM64FPRegister(20), address: .x9, offset: offset)
                        m.a.fmov(.x10, ARM64FPRegister(20), .f64)
                    } else {
                        m.load(access, dst: .x10, address: .x9, offset: offset)
                    }
                    m.a.storePair(.x10, .x9, .postIndex(Self.results, 16))
                    expected.append(("\(name) \(hex(address)) + \(hex(offset))", Self.loaded(access, target: target)))
                }
            }
        }
        m.a.ret()
        try emu.runBatch(&m, inputs: [], "loads \(addressing)")
        for (i, (what, want)) in expected.enumerated() {
            #expect(emu.result(2 * i) == want, "\(addressing) \(what)")
            #expect(emu.result(2 * i + 1) == Self.addresses[i / Self.offsets.count % Self.addresses.count], "address kept")
        }
    }

    @Test(arguments: addressings)
    func stores(_ addressing: MemoryAddressing) throws {
        let emu = try Emulated()
        for (name, access) in Self.storeKinds {
            Self.fill(emu)
            var m = Masm(addressing: addressing)
            var cases: [(what: String, target: Int, value: UInt64)] = []
            for address in Self.addresses {
                for offset in Self.offsets {
                    let i = cases.count, target = 16 + 16 * i
                    let value: UInt64 = 0x8899_AABB_CCDD_EEFF &* UInt64(i + 1)
                    Self.prepare(&m, emu, case: i, addressing, address: address, offset: offset,
                                 bytes: access.bytes, target: target)
                    // Value forms in turn: register, immediate, zero, slot.
                    var form = "reg"
                    if access.float {
                        m.a.mov(.x10, imm: value)
                        m.a.fmov(ARM64FPRegister(20), .x10, .f64)
                        m.storeFloat(access, address: .x9, offset: offset, value: ARM64FPRegister(20))
                    } else {
                        m.a.mov(.x10, imm: value)
                        let operand: MacroOperand<ARM64Register>
                        switch i % 4 {
                        case 0: operand = .reg(.x10)
                        case 1: (operand, form) = (.imm(Int64(bitPattern: value)), "imm")
                        case 2: (operand, form) = (.imm(0), "zero")
                        default:
                            m.storeSlot(Self.farSlot, register: .x10)
                            (operand, form) = (.slot(Self.farSlot), "slot")
                        }
                        m.store(access, address: .x9, offset: offset, value: operand)
                    }
                    m.a.store(.x9, .postIndex(Self.results, 8))
                    cases.append(("\(name) \(form) \(hex(address)) + \(hex(offset))", target, form == "zero" ? 0 : value))
                }
            }
            m.a.ret()
            try emu.runBatch(&m, inputs: [], "stores \(addressing)")
            for (i, c) in cases.enumerated() {
                let window = (c.target - 4 ..< c.target + 12).map { emu.memory.load(fromByteOffset: $0, as: UInt8.self) }
                let want = (c.target - 4 ..< c.target + 12).map { k in
                    k >= c.target && k < c.target + access.bytes ? UInt8(truncatingIfNeeded: c.value >> (8 * (k - c.target)))
                                                               : Self.pattern(k)
                }
                #expect(window == want, "\(addressing) \(c.what)")
                #expect(emu.result(i) == Self.addresses[i / Self.offsets.count], "address kept")
            }
        }
    }

    /// One byte past byteCount traps before any byte is written, for every width and for
    /// ends past 4 GiB (no 32-bit wrap in the check).
    @Test func explicitChecksTrapOneBytePastTheEnd() throws {
        let emu = try Emulated()
        Self.fill(emu)
        let target = 64
        for (address, offset) in [(0, 0), (5, 4096), (0x1234, 0x8000_0000), (0xFFFF_FFF0, 0xFFFF_FFFF), (0xFFFF_FFFF, 0)]
            as [(UInt64, UInt64)] {
            for (name, access) in Self.loadKinds + Self.storeKinds {
                for outOfBounds in [true, false] {
                    var m = Masm(addressing: .explicitCheck)
                    Self.prepare(&m, emu, case: 0, .explicitCheck, address: address, offset: offset,
                                 bytes: access.bytes, target: target, outOfBounds: outOfBounds)
                    let isStore = Self.storeKinds.contains { $0.name == name }
                    switch (isStore, access.float) {
                    case (false, false): m.load(access, dst: .x10, address: .x9, offset: offset)
                    case (false, true): m.loadFloat(access, dst: ARM64FPRegister(20), address: .x9, offset: offset)
                    case (true, false): m.store(access, address: .x9, offset: offset, value: .imm(-1))
                    case (true, true): m.storeFloat(access, address: .x9, offset: offset, value: ARM64FPRegister(20))
                    }
                    m.a.mov(.x0, imm: 7)
                    m.a.ret()
                    let outcome = try emu.run(&m, d: [20: ~0])
                    let what = "\(name) \(hex(address)) + \(hex(offset)) \(outOfBounds ? "one byte out" : "in bounds")"
                    #expect(outcome == (outOfBounds ? .trap(.outOfBoundsMemoryAccess) : .returned(7)), "\(what)")
                    if isStore && outOfBounds {
                        let bytes = (target..<target + 8).map { emu.memory.load(fromByteOffset: $0, as: UInt8.self) }
                        #expect(bytes == (target..<target + 8).map(Self.pattern), "\(what): nothing written")
                    }
                    Self.fill(emu)
                }
            }
        }
    }

    /// Without a compare, an access to a refused page faults; the trap table holds a site
    /// in the faulting block (unicorn reports the block's start), the access itself. Under
    /// guard pages a store of more than one byte first loads its last byte (the probe that
    /// keeps a faulting store from writing part of itself), which is then the first site
    /// and faults at the store's last byte.
    @Test(arguments: [MemoryAddressing.guardRegion, .mask32, .none])
    func uncheckedAccessesFaultAtRecordedSites(_ addressing: MemoryAddressing) throws {
        let emu = try Emulated()
        let guardPage = Emulated.address(emu.memory) + UInt64(Emulated.memoryBytes)
        for (address, offset) in [(0x2040, 0), (0x40, 0x2000), (0, 0x2040), (0x40, 0x8000_0000), (0x8000_0040, 0x7FFF_FFFF)]
            as [(UInt64, UInt64)] {
            for (name, access) in Self.loadKinds + Self.storeKinds {
                var m = Masm(addressing: addressing)
                let isStore = Self.storeKinds.contains { $0.name == name }
                switch (isStore, access.float) {
                case (false, false): m.load(access, dst: .x10, address: .x9, offset: offset)
                case (false, true): m.loadFloat(access, dst: ARM64FPRegister(20), address: .x9, offset: offset)
                case (true, false): m.store(access, address: .x9, offset: offset, value: .reg(.x10))
                case (true, true): m.storeFloat(access, address: .x9, offset: offset, value: ARM64FPRegister(20))
                }
                let end = m.offset
                m.a.ret()
                let base = Self.base(emu, addressing, address: address, offset: offset, target: Emulated.memoryBytes + 0x40)
                let outcome = try emu.run(&m, x: [9: address, 21: base])
                let what = "\(addressing) \(name) \(hex(address)) + \(hex(offset))"
                guard case .fault(let pc, let faultAddress) = outcome else {
                    Issue.record("\(what): \(outcome)")
                    continue
                }
                let probed = isStore && addressing != .none && access.bytes > 1
                #expect(faultAddress == guardPage + 0x40 + (probed ? UInt64(access.bytes - 1) : 0), "\(what)")
                let sites = m.trapTable.sites.map { Int($0.offset) }
                if probed {
                    #expect(sites.count == 2 && sites.last == end - 4, "\(what): the probe and the store are the sites")
                } else {
                    #expect(sites == [end - 4], "\(what): the access is the site")
                }
                #expect(sites.allSatisfy { $0 >= pc && $0 < end }, "\(what): a site in the faulting block")
            }
        }
    }

    /// A store that starts inside the memory and ends on the guard page faults before it
    /// writes anything, for every width and every start that crosses (A64 may write part
    /// of an unaligned store that faults; the probe of its last byte comes first).
    @Test(arguments: [MemoryAddressing.guardRegion, .mask32])
    func aStoreCrossingIntoTheGuardPageWritesNothing(_ addressing: MemoryAddressing) throws {
        let emu = try Emulated()
        let guardPage = Emulated.address(emu.memory) + UInt64(Emulated.memoryBytes)
        for (name, access) in Self.storeKinds where access.bytes > 1 {
            for inside in 1 ..< access.bytes {
                Self.fill(emu)
                var m = Masm(addressing: addressing)
                if access.float {
                    m.storeFloat(access, address: .x9, offset: 0, value: ARM64FPRegister(20))
                } else {
                    m.store(access, address: .x9, offset: 0, value: .reg(.x10))
                }
                m.a.ret()
                let target = Emulated.memoryBytes - inside
                let outcome = try emu.run(&m, x: [9: UInt64(target), 10: ~0, 21: Emulated.address(emu.memory)])
                guard case .fault(_, let faultAddress) = outcome else {
                    Issue.record("\(name) at end - \(inside): \(outcome)")
                    continue
                }
                #expect(faultAddress == guardPage + UInt64(access.bytes - inside - 1), "\(name) at end - \(inside)")
                let bytes = (target ..< Emulated.memoryBytes).map { emu.memory.load(fromByteOffset: $0, as: UInt8.self) }
                #expect(bytes == (target ..< Emulated.memoryBytes).map(Self.pattern), "\(name) at end - \(inside): nothing written")
            }
        }
    }

    /// Listing marks: the bounds check's instructions, the address mask, the guarded access.
    @Test func isolationMarks() {
        typealias Kind = JITListing.IsolationSite.Kind
        func marks(_ addressing: MemoryAddressing, offset: UInt64) -> (marks: [String], sites: [Int], words: Int) {
            var m = Masm(addressing: addressing)
            m.recordsListing = true
            m.load(.init(bytes: 4), dst: .x10, address: .x9, offset: offset)
            return (m.isolation.map { "\($0.codeOffset / 4) \($0.kind.rawValue)" },
                    m.trapTable.sites.map { Int($0.offset) / 4 }, m.offset / 4)
        }
        let check = Kind.boundsCheck.rawValue, mask = Kind.addressMask.rawValue, guarded = Kind.guardedAccess.rawValue
        // add x16, x9, #4; ldr x17, [x20, #8]; cmp; b.hi; ldr w10, [x21, x9]
        #expect(marks(.explicitCheck, offset: 0) == (["0 \(check)", "1 \(check)", "2 \(check)", "3 \(check)"], [], 5))
        // movz/movk x16; add x16, x9, x16; ldr; cmp; b.hi; add x16, x21, x16; ldur w10, [x16, #-4]
        #expect(marks(.explicitCheck, offset: 0x8000_0000).marks.count == 6)
        #expect(marks(.explicitCheck, offset: 0x8000_0000).words == 8)
        #expect(marks(.guardRegion, offset: 0) == (["0 \(guarded)"], [0], 1))
        #expect(marks(.guardRegion, offset: 16) == (["1 \(guarded)"], [1], 2))
        #expect(marks(.mask32, offset: 16) == (["0 \(mask)", "1 \(guarded)"], [1], 2))
        #expect(marks(.none, offset: 16) == ([], [1], 2))
    }

    @Test func memorySizeAndReload() throws {
        let emu = try Emulated()
        for pages in [0, 1, 3, 0x8000, 0x1_0000] as [UInt64] {
            emu.setView(base: emu.memory, byteCount: pages << 16)
            var m = Masm()
            m.memorySize(.x10, memory: 0)
            m.a.mov(.x0, .x10)
            m.a.ret()
            #expect(try emu.run(&m) == .returned(pages))
        }
        emu.setView(base: emu.frame, byteCount: 0)
        var m = Masm()
        m.reloadMemory()
        m.a.mov(.x0, ARM64Regs.memoryBase)
        m.a.ret()
        #expect(try emu.run(&m) == .returned(Emulated.address(emu.frame)))
    }
}
