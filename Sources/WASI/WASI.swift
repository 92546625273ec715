import Platform
import WasmCore
import WasmRuntime

/// What a WASI program sees of the host.
public struct WASIConfiguration: Sendable {
    /// A host directory the guest may use, and the name it sees it under.
    public struct Preopen: Sendable {
        /// The host directory.
        public var hostPath: String
        /// The name the guest sees it under (the host path when not given).
        public var guestPath: String
        /// Whether the guest may only read: no rights to write, create, rename or remove
        /// below it.
        public var readOnly: Bool
        /// A preopen of `hostPath`, seen by the guest as `guestPath` (default: the same path).
        public init(hostPath: String, guestPath: String? = nil, readOnly: Bool = false) {
            self.hostPath = hostPath
            self.guestPath = guestPath ?? hostPath
            self.readOnly = readOnly
        }
    }

    /// `argv`, program name first.
    public var arguments: [String] = []
    /// `argv` as bytes (any bytes but NUL, which would end an argument early), used
    /// instead of `arguments` when set: a payload passed as an argument goes in as it is.
    public var argumentBytes: [[UInt8]]?
    /// `KEY=VALUE` strings.
    public var environment: [String] = []
    /// Directories the guest may reach, numbered from fd 3 in this order.
    public var preopens: [Preopen] = []
    /// Host descriptors behind the guest's fds 0, 1 and 2 (duplicated, never closed).
    public var stdin: Int32 = 0, stdout: Int32 = 1, stderr: Int32 = 2
    /// Memory streams standing in for stdin, stdout or stderr (they win over the host
    /// descriptors above): no host file per sandbox.
    public var stdinStream: MemoryStream?, stdoutStream: MemoryStream?, stderrStream: MemoryStream?
    /// Already-listening host sockets handed to the guest after the preopens (for `sock_accept`).
    public var sockets: [Int32] = []
    /// How `poll_oneoff` waits, with `poll(2)`'s contract: `(descriptors, timeout ms)` ->
    /// number ready, 0 on timeout, -1 with `errno`. Nil: `poll(2)` itself, which blocks the
    /// thread; code on a green-thread scheduler passes a wait that suspends only its fiber.
    public var wait: (@Sendable (UnsafeMutableBufferPointer<pollfd>, Int32) -> Int32)?

    /// The guest's argv, its `NAME=VALUE` environment and its preopened directories; stdio is the host's.
    public init(arguments: [String] = [], environment: [String] = [], preopens: [Preopen] = []) {
        self.arguments = arguments
        self.environment = environment
        self.preopens = preopens
    }
}

/// The guest asked to exit (`proc_exit`); unwinds the Wasm stack as a trap and is
/// turned back into an exit status by `WASI.start`.
public struct WASIExit: Error, CustomStringConvertible {
    /// The status the guest exited with.
    public let code: UInt32
    /// "exit with status N".
    public var description: String { "exit with status \(code)" }
}

/// A `wasi_snapshot_preview1` host: defines every preview1 function into a `Linker` and
/// runs commands (`_start`).
///
/// ```swift
/// let wasi = try WASI(configuration: .init(arguments: ["prog"], preopens: [.init(hostPath: "/tmp/box", guestPath: "/")]))
/// wasi.define(into: linker)
/// let instance = try linker.instantiate(module)
/// let status = try wasi.start(instance)   // the guest's exit status
/// ```
///
/// The guest sees only its descriptors: stdio, its preopened directories and what it
/// opens below them (see `PathResolver` for why paths cannot leave a preopen).
public final class WASI {
    /// What the guest sees: arguments, environment, preopens, stdio.
    public let configuration: WASIConfiguration
    var table = FileDescriptorTable()
    /// The memory host calls read and write: the instance's export "memory".
    public var memory: Memory?
    /// The store whose `interrupt()` also ends host calls that wait (set by `define(into:)`).
    var store: Store? { storeLink?.store }
    private var storeLink: StoreLink?
    /// Set by `proc_exit` (and fatal `proc_raise`) before unwinding the guest.
    public private(set) var exitCode: UInt32?
    /// Whether a write already got EPIPE (see `brokenPipe()`).
    var wroteToBrokenPipe = false
    /// The strings of `args_get` and `environ_get`, without their NULs (added as they are
    /// written: a large argument is not copied to append one).
    private(set) var arguments: [[UInt8]]
    /// The argument after `arguments`, borrowed (see `setArguments(_:borrowing:)`).
    private(set) var borrowedArgument: UnsafeRawBufferPointer?
    let environment: [[UInt8]]

    /// Opens the preopened directories and duplicates the stdio descriptors.
    ///
    /// - Throws: `WASIErrno` when a preopen cannot be opened as a directory.
    public init(configuration: WASIConfiguration) throws(WASIErrno) {
        self.configuration = configuration
        arguments = configuration.argumentBytes ?? configuration.arguments.map { Array($0.utf8) }
        environment = configuration.environment.map { Array($0.utf8) }
        let streams = [configuration.stdinStream, configuration.stdoutStream, configuration.stderrStream]
        for (index, (host, mode)) in [(configuration.stdin, O_RDONLY), (configuration.stdout, O_WRONLY),
                                      (configuration.stderr, O_WRONLY)].enumerated() {
            if let stream = streams[index] {
                _ = try table.insert(FileDescriptorEntry(stream: stream, rights: .fileBase))
                continue
            }
            // A closed host stdio descriptor (a daemon, CI without stdin) reads as /dev/null.
            var fd = fcntl(host, F_DUPFD_CLOEXEC, 0)
            if fd < 0 { fd = try sys { open("/dev/null", mode | O_CLOEXEC) } }
            _ = try table.insert(FileDescriptorEntry(hostFD: fd, fileType: nil, rights: .fileBase, inheriting: []))
        }
        for preopen in configuration.preopens {
            let fd = try sys { open(preopen.hostPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            // A read-only preopen passes no right that writes, creates, renames or removes
            // to itself or to anything opened below it.
            let cut: WASIRights = preopen.readOnly ? .writing : []
            _ = try table.insert(FileDescriptorEntry(
                hostFD: fd, fileType: .directory, rights: WASIRights.directoryBase.subtracting(cut),
                inheriting: WASIRights.directoryBase.union(.fileBase).subtracting(cut),
                preopenName: Array(preopen.guestPath.utf8)))
        }
        for socket in configuration.sockets {
            let fd = try sys { fcntl(socket, F_DUPFD_CLOEXEC, 0) }
            _ = try table.insert(FileDescriptorEntry(
                hostFD: fd, fileType: try wasiFileType(hostFD: fd), rights: .socketBase, inheriting: .socketBase))
        }
    }

    /// Replaces the arguments the guest reads (`args_get`), for an instance called again
    /// with other arguments (a function embedded in its caller).
    public func setArguments(_ arguments: [[UInt8]]) {
        self.arguments = arguments
        borrowedArgument = nil
    }

    /// `setArguments` with one more argument after them, read where it lies instead of
    /// copied first (a payload in another memory of the store). Unsafe: `last` must stay
    /// valid and unchanged until the arguments are replaced again.
    public func setArguments(_ arguments: [[UInt8]], borrowing last: UnsafeRawBufferPointer) {
        self.arguments = arguments
        borrowedArgument = last
    }

    /// Uses the instance's exported memory for host calls.
    public func bind(_ instance: Instance) {
        if case .memory(let m)? = instance.export("memory") { memory = m }
    }

    /// Runs a command: binds its memory and calls `_start`.
    ///
    /// - Returns: the exit status (0 when `_start` returns, the `proc_exit` code otherwise).
    /// - Throws: `Trap` when the guest traps (or has no `_start`).
    public func start(_ instance: Instance) throws(Trap) -> UInt32 {
        bind(instance)
        guard let entry = instance.function("_start") else {
            throw Trap(.hostError, detail: "the module exports no _start function")
        }
        guard entry.type.parameters.isEmpty, entry.type.results.isEmpty else {
            throw Trap(.hostError, detail: "_start must take and return nothing")
        }
        return try run { () throws(Trap) in _ = try entry.invoke([]) }
    }

    /// Runs `body` (which calls into the guest), mapping a `proc_exit` to its status.
    public func run(_ body: () throws(Trap) -> Void) throws(Trap) -> UInt32 {
        exitCode = nil
        do {
            try body()
        } catch {
            if let exitCode { return exitCode }
            throw error
        }
        return exitCode ?? 0
    }

    /// The guest memory for one host call.
    func guestMemory() throws(WASIErrno) -> GuestMemory {
        guard let memory else { throw .fault }
        return GuestMemory(memory.linear)
    }

    /// A write found its pipe without a reader. The first such write fails with EPIPE, as
    /// for a native process that ignores SIGPIPE; a program that writes on regardless (most
    /// do not check) would run to its end for nothing, so the next one ends it with the
    /// status SIGPIPE's default action gives (128 + 13).
    func brokenPipe() -> any Error {
        if wroteToBrokenPipe { return requestExit(128 + 13) }
        wroteToBrokenPipe = true
        return WASIErrno.pipe
    }

    func requestExit(_ code: UInt32) -> WASIExit {
        exitCode = code
        return WASIExit(code: code)
    }
}

// MARK: - Definition into a linker

/// The arguments of one host call, by position (read in place, no allocation).
struct WASIArguments {
    let call: HostCall
    func u32(_ i: Int) -> UInt32 { UInt32(truncatingIfNeeded: call.bits(i)) }
    func u64(_ i: Int) -> UInt64 { call.bits(i) }
}

extension WASI {
    /// The module name preview1 programs import from.
    public static let moduleName = "wasi_snapshot_preview1"

    /// Defines every preview1 function as `wasi_snapshot_preview1.NAME` in `linker`; the
    /// linker makes the ones a module imports when it instantiates it.
    public func define(into linker: Linker) {
        storeLink = linker.store.link
        linker.define(module: Self.moduleName, lazily: WASIDefinitions(self))
    }

    /// A preview1 function's body, given the WASI it serves; its one result is an errno.
    typealias HostBody = @Sendable (WASI, WASIArguments) throws -> Void
}
