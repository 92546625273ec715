import CUnicorn
import Platform

/// An AArch64 CPU (unicorn) that runs code in this process's own memory: host pages are
/// mapped into the emulated address space at their host addresses (`uc_mem_map_ptr`), so a
/// pointer means the same to emulated code and to the host, and no byte is copied.
///
/// Pages are mapped on first touch: an access to an unmapped page asks `resolve` for the
/// region there (its permissions included); nil makes the access a fault that ends `run`
/// with `.fault`, which is how guard pages trap. Host code is reached through the bridge
/// page: a call (`blr`) to `bridgeAddress(k)` runs `hostCall(machine, k)` on the host
/// and returns to the caller's `lr`. `run` starts at a PC with `lr` set to the return
/// sentinel and ends when code returns there.
///
/// One machine runs one thing at a time: a host call that needs to run emulated code
/// again uses another machine (`run` throws when called while running).
public final class ARM64Machine {
    /// Emulated access rights of a mapped region (the host's must allow at least as much:
    /// the emulator reads and writes host memory directly).
    public struct Permissions: OptionSet, Sendable {
        /// unicorn's `UC_PROT_*` bits.
        public let rawValue: UInt32
        /// Rights from `UC_PROT_*` bits.
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// Loads.
        public static let read = Permissions(rawValue: 1)
        /// Stores.
        public static let write = Permissions(rawValue: 2)
        /// Instruction fetches.
        public static let execute = Permissions(rawValue: 4)
        /// Data pages.
        public static let readWrite: Permissions = [.read, .write]
        /// Code pages.
        public static let readExecute: Permissions = [.read, .execute]
    }

    /// The kind of access that reached an unmapped or forbidden page.
    public enum Access: Sendable, Equatable { case read, write, fetch }

    /// A host region to map: `start` and `count` multiples of `pageSize`.
    public struct Region: Sendable, Equatable {
        /// First address.
        public var start: UInt64
        /// Bytes.
        public var count: Int
        /// What emulated code may do there.
        public var permissions: Permissions
        /// Kept by `unmapAll` (host memory the client knows to outlive the mapping).
        public var pinned: Bool
        /// The region of `count` bytes at `start`.
        public init(start: UInt64, count: Int, permissions: Permissions, pinned: Bool = false) {
            self.start = start
            self.count = count
            self.permissions = permissions
            self.pinned = pinned
        }
    }

    /// Why `run` returned.
    public enum Stop: Sendable, Equatable {
        /// The code returned to the sentinel.
        case returned
        /// An access `resolve` refused (or that the mapped permissions forbid). `pc` is the
        /// first instruction of the translated block holding the access (a straight-line
        /// run of one function up to a branch), not necessarily the faulting one: unicorn
        /// 2.0 leaves its own PC at the last block it left through an unchained exit, so
        /// the machine keeps the block start from its block hook instead.
        case fault(pc: UInt64, address: UInt64, access: Access)
        /// A host call called `stop()`.
        case stopped
    }

    /// Whether unicorn can be loaded on this host.
    public static var isAvailable: Bool { (try? UnicornLibrary.shared.get()) != nil }

    /// The emulator's page size: regions are mapped in multiples of it.
    public static let pageSize = 4096
    /// Host-call entries of the bridge page (the page's last word is the return sentinel).
    public static let bridgeEntries = pageSize / 4 - 1

    /// The region to map for an access to `address` (not mapped yet), nil for a fault.
    public var resolve: (_ address: UInt64, _ access: Access) -> Region? = { _, _ in nil }
    /// Runs host entry `k` of the bridge: arguments and results in the registers.
    public var hostCall: (_ machine: ARM64Machine, _ entry: Int) -> Void = { _, _ in }

    /// Instructions executed while `countsInstructions` was on (whole translated blocks
    /// entered: a block left early by a fault counts in full).
    public private(set) var instructionCount: UInt64 = 0

    private let library: UnicornLibrary
    private let engine: OpaquePointer
    private let bridge: UnsafeMutableRawPointer
    private var mapped: [(start: UInt64, end: UInt64, permissions: Permissions, pinned: Bool)] = []
    private var fault: (address: UInt64, access: Access)?
    private var stopRequested = false
    private var running = false
    private var counting = false
    /// The start of the translated block running now (the block hook's last address).
    private var blockStart: UInt64 = 0

    /// A machine with nothing but its bridge page mapped.
    ///
    /// - Throws: `EmulationError` when unicorn cannot be loaded or opened.
    public init() throws(EmulationError) {
        let library = try UnicornLibrary.shared.get()
        var engine: OpaquePointer?
        let status = library.open(UC_ARCH_ARM64, UC_MODE_ARM, &engine)
        guard status == UC_ERR_OK, let engine else {
            throw EmulationError("cannot open an AArch64 engine: \(library.describe(status))")
        }
        guard let page = mmap(nil, Self.pageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              page != MAP_FAILED else {
            _ = library.close(engine)
            throw EmulationError("cannot map the bridge page")
        }
        // `udf #0` everywhere: an entry's instruction never runs (its hook returns first).
        page.initializeMemory(as: UInt32.self, repeating: 0, count: Self.pageSize / 4)
        self.library = library
        self.engine = engine
        self.bridge = page
        try enableFloatingPoint()
        try addHooks()
        try map(Region(start: UInt64(UInt(bitPattern: page)), count: Self.pageSize, permissions: .readExecute, pinned: true))
    }

    deinit {
        _ = library.close(engine)
        munmap(bridge, Self.pageSize)
    }

    /// The address that calls host entry `entry` (0 ..< `bridgeEntries`).
    public func bridgeAddress(_ entry: Int) -> UInt64 {
        precondition(entry >= 0 && entry < Self.bridgeEntries, "no such bridge entry")
        return UInt64(UInt(bitPattern: bridge)) + UInt64(entry * 4)
    }

    /// Where code returns to end `run`.
    public var returnSentinel: UInt64 { UInt64(UInt(bitPattern: bridge)) + UInt64(Self.bridgeEntries * 4) }

    // MARK: memory

    /// Maps `region` (the part of it not mapped yet).
    public func map(_ region: Region) throws(EmulationError) {
        let page = UInt64(Self.pageSize)
        guard region.start % page == 0, region.count > 0, region.count % Self.pageSize == 0 else {
            throw EmulationError("regions must be whole pages")
        }
        var start = region.start
        let end = region.start + UInt64(region.count)
        // The gaps between mapped regions, in address order.
        for existing in mapped.sorted(by: { $0.start < $1.start }) where existing.end > start && existing.start < end {
            if existing.start > start { try mapRange(start, existing.start, region.permissions, pinned: region.pinned) }
            start = max(start, existing.end)
        }
        if start < end { try mapRange(start, end, region.permissions, pinned: region.pinned) }
    }

    private func mapRange(_ start: UInt64, _ end: UInt64, _ permissions: Permissions, pinned: Bool) throws(EmulationError) {
        let status = library.memMapPtr(engine, start, Int(end - start), permissions.rawValue,
                                       UnsafeMutableRawPointer(bitPattern: UInt(start)))
        guard status == UC_ERR_OK else {
            throw EmulationError("cannot map 0x\(String(start, radix: 16))..<0x\(String(end, radix: 16)): \(library.describe(status))")
        }
        mapped.append((start, end, permissions, pinned))
    }

    /// Unmaps the regions (not pinned) for which `stale` is true: a client that checks its
    /// mappings against the host's before a run keeps the rest and saves mapping them
    /// again (each unmapping makes unicorn flush its TLB, page by page).
    public func unmap(where stale: (Region) -> Bool) {
        mapped.removeAll { region in
            guard !region.pinned,
                  stale(Region(start: region.start, count: Int(region.end - region.start), permissions: region.permissions))
            else { return false }
            _ = library.memUnmap(engine, region.start, Int(region.end - region.start))
            return true
        }
    }

    /// How many regions that are not pinned are mapped.
    public var unpinnedMappingCount: Int { mapped.count { !$0.pinned } }

    /// Unmaps every region but the bridge page and, unless `includingPinned`, the pinned
    /// ones (before the host may unmap or reprotect memory the machine has mapped).
    public func unmapAll(includingPinned: Bool = false) {
        let bridgeStart = UInt64(UInt(bitPattern: bridge))
        mapped.removeAll { region in
            guard region.start != bridgeStart && (includingPinned || !region.pinned) else { return false }
            _ = library.memUnmap(engine, region.start, Int(region.end - region.start))
            return true
        }
    }

    /// Drops every translated block: code at an address may have changed since it was
    /// translated (freed code's pages reused), which unicorn does not notice by itself.
    public func flushTranslations() {
        // UC_CTL_WRITE(UC_CTL_TB_FLUSH, 0): the control number in bits 0-25, no
        // arguments (bits 26-29), write (bit 30).
        _ = library.control(engine, UC_CTL_TB_FLUSH.rawValue | 1 << 30)
    }

    /// Forgets `start ..< end`: drops the translations of code there and unmaps every
    /// region that overlaps it, pinned or not (the host freed that memory).
    public func forget(start: UInt64, end: UInt64) {
        // UC_CTL_WRITE(UC_CTL_TB_REMOVE_CACHE, 2): two arguments, the range.
        _ = library.removeCache(engine, UC_CTL_TB_REMOVE_CACHE.rawValue | 2 << 26 | 1 << 30, start, end)
        let bridgeStart = UInt64(UInt(bitPattern: bridge))
        mapped.removeAll { region in
            guard region.start != bridgeStart && region.start < end && start < region.end else { return false }
            _ = library.memUnmap(engine, region.start, Int(region.end - region.start))
            return true
        }
    }

    // MARK: registers

    /// General-purpose register `n` (0...30).
    public func x(_ n: Int) -> UInt64 { read(Self.xRegister(n)) }
    /// Sets general-purpose register `n` (0...30).
    public func setX(_ n: Int, _ value: UInt64) { write(Self.xRegister(n), value) }
    /// The low 64 bits of SIMD/FP register `n` (0...31).
    public func d(_ n: Int) -> UInt64 { read(Int32(UC_ARM64_REG_D0.rawValue) + Int32(n)) }
    /// Sets the low 64 bits of SIMD/FP register `n` (0...31).
    public func setD(_ n: Int, _ value: UInt64) { write(Int32(UC_ARM64_REG_D0.rawValue) + Int32(n), value) }

    /// The program counter.
    public var pc: UInt64 {
        get { read(Int32(UC_ARM64_REG_PC.rawValue)) }
        set { write(Int32(UC_ARM64_REG_PC.rawValue), newValue) }
    }
    /// The stack pointer.
    public var sp: UInt64 {
        get { read(Int32(UC_ARM64_REG_SP.rawValue)) }
        set { write(Int32(UC_ARM64_REG_SP.rawValue), newValue) }
    }
    /// The link register (x30).
    public var lr: UInt64 {
        get { x(30) }
        set { setX(30, newValue) }
    }

    private static func xRegister(_ n: Int) -> Int32 {
        precondition(n >= 0 && n <= 30, "x0...x30")
        switch n {
        case 29: return Int32(UC_ARM64_REG_X29.rawValue)
        case 30: return Int32(UC_ARM64_REG_X30.rawValue)
        default: return Int32(UC_ARM64_REG_X0.rawValue) + Int32(n)
        }
    }

    private func read(_ register: Int32) -> UInt64 {
        var value: UInt64 = 0
        _ = library.regRead(engine, register, &value)
        return value
    }

    private func write(_ register: Int32, _ value: UInt64) {
        var value = value
        _ = library.regWrite(engine, register, &value)
    }

    // MARK: running

    /// Counts executed instructions into `instructionCount` while on.
    public var countsInstructions: Bool {
        get { counting }
        set { counting = newValue }
    }

    /// Runs from `entry` (with `lr` set to the return sentinel) until the code returns
    /// there, faults, or a host call stops it.
    public func run(from entry: UInt64) throws(EmulationError) -> Stop {
        guard !running else { throw EmulationError("the machine is already running (use another one for nested runs)") }
        running = true
        defer { running = false }
        fault = nil
        stopRequested = false
        lr = returnSentinel
        let status = library.emuStart(engine, entry, returnSentinel, 0, 0)
        if let fault { return .fault(pc: blockStart, address: fault.address, access: fault.access) }
        if stopRequested { return .stopped }
        guard status == UC_ERR_OK else {
            throw EmulationError("emulation failed at pc 0x\(String(pc, radix: 16)): \(library.describe(status))")
        }
        return .returned
    }

    /// Ends the current `run` after the running host call (which must not change `pc` then).
    public func stop() {
        stopRequested = true
        _ = library.emuStop(engine)
    }

    // MARK: hooks (called by unicorn on the running thread)

    fileprivate func unmapped(_ address: UInt64, _ access: Access) -> Bool {
        if let region = resolve(address, access), region.start <= address, address < region.start + UInt64(region.count),
           (try? map(region)) != nil {
            return true
        }
        fault = (address, access)
        return false
    }

    fileprivate func protectionFault(_ address: UInt64, _ access: Access) {
        fault = (address, access)
    }

    fileprivate func bridgeCall(at address: UInt64) {
        let entry = Int((address - UInt64(UInt(bitPattern: bridge))) / 4)
        guard entry < Self.bridgeEntries else { return }
        let returnAddress = lr
        hostCall(self, entry)
        if !stopRequested { pc = returnAddress }
    }

    fileprivate func enterBlock(_ address: UInt64, _ size: UInt32) {
        blockStart = address
        if counting { instructionCount &+= UInt64(size / 4) }
    }

    private func enableFloatingPoint() throws(EmulationError) {
        // CPACR_EL1.FPEN = 0b11: FP and SIMD instructions do not trap.
        let cpacr = Int32(UC_ARM64_REG_CPACR_EL1.rawValue)
        write(cpacr, read(cpacr) | (3 << 20))
    }

    private func addHooks() throws(EmulationError) {
        let me = Unmanaged.passUnretained(self).toOpaque()
        var hook = 0
        let unmappedTypes = UC_HOOK_MEM_READ_UNMAPPED.rawValue | UC_HOOK_MEM_WRITE_UNMAPPED.rawValue
            | UC_HOOK_MEM_FETCH_UNMAPPED.rawValue
        let protTypes = UC_HOOK_MEM_READ_PROT.rawValue | UC_HOOK_MEM_WRITE_PROT.rawValue | UC_HOOK_MEM_FETCH_PROT.rawValue
        let bridgeStart = UInt64(UInt(bitPattern: bridge))
        for (type, callback, begin, end) in [
            (unmappedTypes, unsafeBitCast(unmappedHook, to: UnsafeRawPointer.self), UInt64(1), UInt64(0)),
            (protTypes, unsafeBitCast(protHook, to: UnsafeRawPointer.self), 1, 0),
            (UC_HOOK_CODE.rawValue, unsafeBitCast(codeHook, to: UnsafeRawPointer.self),
             bridgeStart, bridgeStart + UInt64(Self.pageSize) - 1),
            (UC_HOOK_BLOCK.rawValue, unsafeBitCast(blockHook, to: UnsafeRawPointer.self), 1, 0),
        ] {
            let status = library.hookAdd(engine, &hook, Int32(type), callback, me, begin, end)
            guard status == UC_ERR_OK else { throw EmulationError("cannot add a hook: \(library.describe(status))") }
        }
    }
}

private func access(_ type: uc_mem_type) -> ARM64Machine.Access {
    switch type {
    case UC_MEM_WRITE_UNMAPPED, UC_MEM_WRITE_PROT, UC_MEM_WRITE: .write
    case UC_MEM_FETCH_UNMAPPED, UC_MEM_FETCH_PROT, UC_MEM_FETCH: .fetch
    default: .read
    }
}

private let unmappedHook: @convention(c) (OpaquePointer?, uc_mem_type, UInt64, Int32, Int64, UnsafeMutableRawPointer?) -> Bool = {
    _, type, address, _, _, me in
    guard let me else { return false }
    return Unmanaged<ARM64Machine>.fromOpaque(me).takeUnretainedValue().unmapped(address, access(type))
}

private let protHook: @convention(c) (OpaquePointer?, uc_mem_type, UInt64, Int32, Int64, UnsafeMutableRawPointer?) -> Bool = {
    _, type, address, _, _, me in
    guard let me else { return false }
    Unmanaged<ARM64Machine>.fromOpaque(me).takeUnretainedValue().protectionFault(address, access(type))
    return false
}

private let codeHook: @convention(c) (OpaquePointer?, UInt64, UInt32, UnsafeMutableRawPointer?) -> Void = { _, address, _, me in
    guard let me else { return }
    Unmanaged<ARM64Machine>.fromOpaque(me).takeUnretainedValue().bridgeCall(at: address)
}

private let blockHook: @convention(c) (OpaquePointer?, UInt64, UInt32, UnsafeMutableRawPointer?) -> Void = { _, address, size, me in
    guard let me else { return }
    Unmanaged<ARM64Machine>.fromOpaque(me).takeUnretainedValue().enterBlock(address, size)
}

