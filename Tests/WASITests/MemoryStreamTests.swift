import Testing
@testable import WASI

/// A guest that copies stdin to stdout through one buffer, plus the calls a stream takes.
private let copier = """
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_get" (func $filestat (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fdstat (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; iovec at 0: buffer 100, length $len; the count at 8
  (func $iov (param $len i32) (i32.store (i32.const 0) (i32.const 100)) (i32.store (i32.const 4) (local.get $len)))
  (func (export "read") (param $len i32) (result i32)
    (call $iov (local.get $len)) (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
  (func (export "write") (param $fd i32) (param $len i32) (result i32)
    (call $iov (local.get $len)) (call $write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
  (func (export "seek") (param $fd i32) (param $offset i64) (param $whence i32) (result i32)
    (call $seek (local.get $fd) (local.get $offset) (local.get $whence) (i32.const 16)))
  (func (export "filestat") (param $fd i32) (result i32) (call $filestat (local.get $fd) (i32.const 200)))
  (func (export "fdstat") (param $fd i32) (result i32) (call $fdstat (local.get $fd) (i32.const 200)))
)
"""

@Suite struct MemoryStreamTests {
    func run(input: [UInt8], limit: Int) throws -> (GuestRun, stdout: MemoryStream) {
        let stdout = MemoryStream(limit: limit)
        let run = try GuestRun(wat: copier) { configuration in
            configuration.stdinStream = MemoryStream(contents: input)
            configuration.stdoutStream = stdout
        }
        return (run, stdout)
    }

    func count(_ run: GuestRun) throws -> Int {
        Int(try run.memory(8, 4).withUnsafeBytes { $0.load(as: UInt32.self) })
    }

    @Test func stdinReadsTheContentsAndStdoutCollectsWrites() throws {
        let (run, stdout) = try run(input: Array("hello, stream".utf8), limit: 100)
        #expect(try run.errno("read", [.i32(5)]) == .success)
        #expect(try count(run) == 5)
        #expect(try run.errno("write", [.i32(1), .i32(5)]) == .success)
        #expect(try run.errno("read", [.i32(64)]) == .success)
        #expect(try count(run) == 8)
        #expect(try run.errno("write", [.i32(1), .i32(8)]) == .success)
        #expect(try run.errno("read", [.i32(64)]) == .success)
        #expect(try count(run) == 0)  // end of the stream
        #expect(stdout.bytes == Array("hello, stream".utf8) && !stdout.isTruncated)
        // A regular file: its size, seekable; stdout is not a terminal (wasi-libc buffers fully).
        #expect(try run.errno("filestat", [.i32(1)]) == .success)
        #expect(try run.memory(216, 1) == [WASIFileType.regularFile.rawValue])
        #expect(try run.memory(232, 8) == [13, 0, 0, 0, 0, 0, 0, 0])
        #expect(try run.errno("fdstat", [.i32(1)]) == .success)
        #expect(try run.memory(200, 1) == [WASIFileType.regularFile.rawValue])
    }

    @Test func seeksRewriteInPlace() throws {
        let (run, stdout) = try run(input: Array("abcdef".utf8), limit: 100)
        #expect(try run.errno("read", [.i32(6)]) == .success)
        #expect(try run.errno("write", [.i32(1), .i32(6)]) == .success)
        #expect(try run.errno("seek", [.i32(1), .i64(2), .i32(0)]) == .success)
        #expect(try run.errno("write", [.i32(1), .i32(2)]) == .success)
        #expect(stdout.bytes == Array("ababef".utf8))
        #expect(try run.errno("seek", [.i32(0), .i64(UInt64(bitPattern: -1)), .i32(0)]) == .inval)
        #expect(try run.errno("seek", [.i32(1), .i64(0), .i32(2)]) == .success)
        #expect(try run.memory(16, 8) == [6, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func writesPastTheLimitAreCutAndThenRefused() throws {
        let (run, stdout) = try run(input: Array(repeating: 7, count: 50), limit: 30)
        #expect(try run.errno("read", [.i32(50)]) == .success)
        #expect(try run.errno("write", [.i32(1), .i32(20)]) == .success)
        #expect(try run.errno("write", [.i32(1), .i32(20)]) == .success)
        #expect(try count(run) == 10)
        #expect(try run.errno("write", [.i32(1), .i32(20)]) == .fbig)
        #expect(stdout.bytes.count == 30 && stdout.isTruncated)
        // A seek far past the limit allocates nothing and writes nothing.
        #expect(try run.errno("seek", [.i32(1), .i64(1 << 30), .i32(0)]) == .success)
        #expect(try run.errno("write", [.i32(1), .i32(1)]) == .fbig)
        #expect(stdout.bytes.count == 30)
    }
}
