import Foundation
import Testing
@testable import WASI

/// fd_readdir on the preopen (fd 3) into a caller-sized buffer at 1000, and fd_renumber.
private let lister = """
(module
  (import "wasi_snapshot_preview1" "fd_readdir" (func $readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_renumber" (func $renumber (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_set_rights" (func $set_rights (param i32 i64 i64) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $mkdir (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 500) "newdir")
  (func (export "readdir") (param $len i32) (param $cookie i64) (result i32)
    (call $readdir (i32.const 3) (i32.const 1000) (local.get $len) (local.get $cookie) (i32.const 0)))
  (func (export "renumber") (param i32 i32) (result i32) (call $renumber (local.get 0) (local.get 1)))
  (func (export "dropRights") (param $fd i32) (param $base i64) (result i32)
    (call $set_rights (local.get $fd) (local.get $base) (i64.const 0)))
  (func (export "mkdir") (param $fd i32) (result i32) (call $mkdir (local.get $fd) (i32.const 500) (i32.const 6)))
)
"""

@Suite struct DirectoryTests {
    /// Reads the whole directory with buffers of `size` bytes, following d_next cookies.
    private func names(_ run: GuestRun, bufferSize size: Int) throws -> [String] {
        var names: [String] = []
        var cookie: UInt64 = 0
        while true {
            #expect(try run.errno("readdir", [.i32(UInt32(size)), .i64(cookie)]) == .success)
            let used = Int(try run.memory(0, 4).withUnsafeBytes { $0.load(as: UInt32.self) })
            let bytes = try run.memory(1000, used)
            var offset = 0
            var progressed = false
            while offset + 24 <= used {
                let next = bytes[offset..<offset + 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                let length = Int(bytes[offset + 16]) | Int(bytes[offset + 17]) << 8
                guard offset + 24 + length <= used else { break }  // a cut entry: read again from its cookie
                names.append(String(decoding: bytes[(offset + 24)..<(offset + 24 + length)], as: UTF8.self))
                cookie = next
                offset += 24 + length
                progressed = true
            }
            if used < size { return names }
            #expect(progressed, "buffer too small for one entry")
            if !progressed { return names }
        }
    }

    @Test func readdirListsEveryEntryWhateverTheBufferSize() throws {
        let box = try Sandbox()
        let run = try GuestRun(wat: lister, preopens: [.init(hostPath: box.box)])
        let expected = [".", "..", "abs", "file.txt", "loop", "out", "sub", "subsym"]
        #expect(try names(run, bufferSize: 4096).sorted() == expected)
        #expect(try names(run, bufferSize: 40).sorted() == expected)
        #expect(try run.errno("readdir", [.i32(10), .i64(1000)]) == .success)  // past the end: nothing
        #expect(try run.memory(0, 4) == [0, 0, 0, 0])
    }

    @Test func renumberMovesADescriptor() throws {
        let box = try Sandbox()
        let run = try GuestRun(wat: lister, preopens: [.init(hostPath: box.box), .init(hostPath: box.box + "/sub")])
        #expect(try run.errno("renumber", [.i32(4), .i32(9)]) == .badf)  // target must be open
        #expect(try run.errno("renumber", [.i32(4), .i32(3)]) == .success)
        #expect(try run.errno("mkdir", [.i32(3)]) == .success)
        #expect(FileManager.default.fileExists(atPath: box.box + "/sub/newdir"))
        #expect(try run.errno("mkdir", [.i32(4)]) == .badf)
    }

    @Test func rightsOnlyShrink() throws {
        let box = try Sandbox()
        let run = try GuestRun(wat: lister, preopens: [.init(hostPath: box.box)])
        let readdirOnly = WASIRights.fdReaddir.rawValue
        #expect(try run.errno("dropRights", [.i32(3), .i64(readdirOnly)]) == .success)
        #expect(try run.errno("mkdir", [.i32(3)]) == .notcapable)
        #expect(try run.errno("dropRights", [.i32(3), .i64(WASIRights.directoryBase.rawValue)]) == .notcapable)
        #expect(!FileManager.default.fileExists(atPath: box.box + "/newdir"))
    }
}
