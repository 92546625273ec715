import Foundation
import Interpreter
import Testing
import WAT
import WasmRuntime
@testable import WASI

/// Runs WASI guests on the interpreter with stdout captured in a temporary file.
final class GuestRun {
    let linker: Linker
    let wasi: WASI
    let instance: Instance
    private let stdoutPath: String
    private let stdoutFD: Int32

    init(wat: String? = nil, binary: [UInt8]? = nil, arguments: [String] = ["prog"], environment: [String] = [],
         preopens: [WASIConfiguration.Preopen] = [], configure: (inout WASIConfiguration) -> Void = { _ in }) throws {
        InterpreterTier.register()
        linker = Linker(store: Store(configuration: StoreConfiguration()))
        stdoutPath = FileManager.default.temporaryDirectory.appendingPathComponent("wasi-out-\(UUID().uuidString)").path
        stdoutFD = open(stdoutPath, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        var configuration = WASIConfiguration(arguments: arguments, environment: environment, preopens: preopens)
        configuration.stdout = stdoutFD
        configure(&configuration)
        wasi = try WASI(configuration: configuration)
        wasi.define(into: linker)
        let bytes = try binary ?? WAT.encode(wat ?? "(module)")
        instance = try linker.instantiate(CompiledModule(bytes: bytes, store: linker.store))
        wasi.bind(instance)
    }

    deinit {
        close(stdoutFD)
        unlink(stdoutPath)
    }

    var output: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }

    func call(_ name: String, _ args: [Value] = []) throws -> [Value] {
        try #require(instance.function(name)).invoke(args)
    }

    func errno(_ name: String, _ args: [Value] = []) throws -> WASIErrno? {
        guard case .i32(let v)? = try call(name, args).first else { return nil }
        return WASIErrno(rawValue: UInt16(v))
    }

    func memory(_ address: Int, _ count: Int) throws -> [UInt8] {
        guard case .memory(let m)? = instance.export("memory") else { return [] }
        return try m.read(at: UInt64(address), count: count)
    }
}

/// A module exporting memory and thin wrappers around a few preview1 calls.
private let probe = """
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "hello\\n")
  (data (i32.const 200) "/etc/passwd")
  (data (i32.const 220) "../x")
  (func (export "write") (param $iov i32) (param $count i32) (result i32)
    (i32.store (i32.const 0) (i32.const 100))
    (i32.store (i32.const 4) (i32.const 6))
    (call $fd_write (i32.const 1) (local.get $iov) (local.get $count) (i32.const 8)))
  (func (export "sizes") (result i32) (call $args_sizes_get (i32.const 16) (i32.const 20)))
  (func (export "args") (result i32) (call $args_get (i32.const 300) (i32.const 400)))
  (func (export "open") (param $path i32) (param $len i32) (result i32)
    (call $path_open (i32.const 3) (i32.const 1) (local.get $path) (local.get $len) (i32.const 0)
      (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 24)))
  (func (export "prestat") (param $fd i32) (result i32) (call $fd_prestat_get (local.get $fd) (i32.const 32)))
  (func $deep (param i32) (call $proc_exit (local.get 0)))
  (func (export "exit") (param i32) (call $deep (local.get 0)))
  (func (export "_start") (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
)
"""

@Suite struct WASIHostTests {
    @Test func fdWriteReachesStdout() throws {
        let run = try GuestRun(wat: probe)
        #expect(try run.errno("write", [.i32(0), .i32(1)]) == .success)
        #expect(run.output == "hello\n")
        #expect(try run.memory(8, 4) == [6, 0, 0, 0])
    }

    @Test func badGuestPointersAreEFAULTNotCrashes() throws {
        let box = try Sandbox()
        let run = try GuestRun(wat: probe, preopens: [.init(hostPath: box.box)])
        // iovec list beyond the end of memory, and a huge count.
        #expect(try run.errno("write", [.i32(65532), .i32(1)]) == .fault)
        #expect(try run.errno("write", [.i32(0), .i32(0x7FFF_FFFF)]) == .fault)
        #expect(try run.errno("open", [.i32(0xFFFF_FFF0), .i32(100)]) == .fault)
        #expect(run.output == "")
    }

    @Test func argumentsAreCopiedIn() throws {
        let run = try GuestRun(wat: probe, arguments: ["prog", "x", "yz"])
        #expect(try run.errno("sizes") == .success)
        #expect(try run.memory(16, 8) == [3, 0, 0, 0, 10, 0, 0, 0])
        #expect(try run.errno("args") == .success)
        #expect(try run.memory(400, 10) == Array("prog\0x\0yz\0".utf8))
        #expect(try run.memory(300, 12) == [144, 1, 0, 0, 149, 1, 0, 0, 151, 1, 0, 0])
    }

    @Test func pathsOutsideThePreopenAreNotCapable() throws {
        let box = try Sandbox()
        let run = try GuestRun(wat: probe, preopens: [.init(hostPath: box.box, guestPath: "/box")])
        #expect(try run.errno("prestat", [.i32(3)]) == .success)
        #expect(try run.memory(32, 8) == [0, 0, 0, 0, 4, 0, 0, 0])
        #expect(try run.errno("prestat", [.i32(4)]) == .badf)
        #expect(try run.errno("open", [.i32(200), .i32(11)]) == .notcapable)
        #expect(try run.errno("open", [.i32(220), .i32(4)]) == .notcapable)
    }

    @Test func procExitUnwindsWithItsStatus() throws {
        let run = try GuestRun(wat: probe)
        let exitFunction = try #require(run.instance.function("exit"))
        let status = try run.wasi.run { () throws(Trap) in _ = try exitFunction.invoke([.i32(42)]) }
        #expect(status == 42)
        // The store is usable afterwards.
        #expect(try run.wasi.start(run.instance) == 0)
        #expect(run.output == "hello\n" || run.output == "")
    }

    @Test func closedHostStdioReadsAsDevNull() throws {
        var configuration = WASIConfiguration()
        configuration.stdin = -1
        configuration.stderr = -1
        let wasi = try WASI(configuration: configuration)
        #expect(try wasi.table.get(0).fileType == .characterDevice)
        #expect(try wasi.table.get(2).fileType == .characterDevice)
    }

    @Test func everyPreview1FunctionIsDefined() throws {
        let linker = Linker(store: Store())
        try WASI(configuration: .init()).define(into: linker)
        let names = """
            args_get args_sizes_get environ_get environ_sizes_get clock_res_get clock_time_get fd_advise \
            fd_allocate fd_close fd_datasync fd_fdstat_get fd_fdstat_set_flags fd_fdstat_set_rights \
            fd_filestat_get fd_filestat_set_size fd_filestat_set_times fd_pread fd_prestat_get \
            fd_prestat_dir_name fd_pwrite fd_read fd_readdir fd_renumber fd_seek fd_sync fd_tell fd_write \
            path_create_directory path_filestat_get path_filestat_set_times path_link path_open \
            path_readlink path_remove_directory path_rename path_symlink path_unlink_file poll_oneoff \
            proc_exit proc_raise sched_yield random_get sock_accept sock_recv sock_send sock_shutdown
            """.split(separator: " ").map(String.init)
        #expect(names.count == 46)
        for name in names { #expect(linker.resolve(module: WASI.moduleName, name: name) != nil, "\(name)") }
    }

    /// The C program of Tests/WASIPrograms, compiled to wasm32-wasi and committed.
    @Test func cTestProgramPasses() throws {
        let wasm = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../WASIPrograms/wasi-test.wasm").standardized.path
        let bytes = try #require(FileManager.default.contents(atPath: wasm), "missing \(wasm)")
        let box = try Sandbox()
        let sandbox = box.root + "/sandbox"
        try FileManager.default.createDirectory(atPath: sandbox, withIntermediateDirectories: false)
        try "SECRET".write(toFile: box.root + "/outside.txt", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: sandbox + "/link_out", withDestinationPath: "../outside.txt")
        try FileManager.default.createSymbolicLink(atPath: sandbox + "/abs_link", withDestinationPath: "/etc")
        let run = try GuestRun(binary: [UInt8](bytes), arguments: ["wasi-test.wasm", "one", "exit=9"],
                               environment: ["GREETING=hi"], preopens: [.init(hostPath: sandbox, guestPath: "/sandbox")])
        let status = try run.wasi.start(run.instance)
        let output = run.output
        #expect(output.contains("== done: 0 failure(s)"), "\(output)")
        #expect(output.contains("argv[1] = one"))
        #expect(output.contains("GREETING = hi"))
        #expect(!output.contains("ESCAPED"))
        #expect(status == 9)
        #expect(try String(contentsOfFile: box.root + "/outside.txt", encoding: .utf8) == "SECRET")
    }
}
