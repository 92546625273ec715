import Foundation
import Testing
@testable import WASI

/// Wrappers around the sock_* calls; fd 3 is the socket handed to the guest.
private let sockets = """
(module
  (import "wasi_snapshot_preview1" "sock_send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_recv" (func $recv (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_shutdown" (func $shutdown (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_accept" (func $accept (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fdstat (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "ping")
  (func (export "send") (param $fd i32) (result i32)
    (i32.store (i32.const 0) (i32.const 100))
    (i32.store (i32.const 4) (i32.const 4))
    (call $send (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 8)))
  (func (export "recv") (param $fd i32) (result i32)
    (i32.store (i32.const 16) (i32.const 200))
    (i32.store (i32.const 20) (i32.const 16))
    (call $recv (local.get $fd) (i32.const 16) (i32.const 1) (i32.const 0) (i32.const 24) (i32.const 28)))
  (func (export "shutdown") (param $fd i32) (param $how i32) (result i32) (call $shutdown (local.get $fd) (local.get $how)))
  (func (export "accept") (param $fd i32) (result i32) (call $accept (local.get $fd) (i32.const 0) (i32.const 32)))
  (func (export "fdstat") (param $fd i32) (result i32) (call $fdstat (local.get $fd) (i32.const 40)))
)
"""

@Suite struct SocketTests {
    private func makePair() -> (Int32, Int32) {
        var pair: [Int32] = [0, 0]
        _ = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair)
        return (pair[0], pair[1])
    }

    private func run(with socket: Int32) throws -> GuestRun {
        try GuestRun(wat: sockets, configure: { $0.sockets = [socket] })
    }

    @Test func sendReceiveAndShutdownOnAHandedOverSocket() throws {
        let (guestEnd, hostEnd) = makePair()
        defer { close(guestEnd); close(hostEnd) }
        let run = try run(with: guestEnd)
        #expect(try run.errno("fdstat", [.i32(3)]) == .success)
        #expect(try run.memory(40, 1) == [WASIFileType.socketStream.rawValue])

        #expect(try run.errno("send", [.i32(3)]) == .success)
        #expect(try run.memory(8, 4) == [4, 0, 0, 0])
        var buffer = [UInt8](repeating: 0, count: 16)
        #expect(read(hostEnd, &buffer, 16) == 4)
        #expect(Array(buffer[0..<4]) == Array("ping".utf8))

        #expect(write(hostEnd, "pong!", 5) == 5)
        #expect(try run.errno("recv", [.i32(3)]) == .success)
        #expect(try run.memory(24, 4) == [5, 0, 0, 0])
        #expect(try run.memory(200, 5) == Array("pong!".utf8))

        #expect(try run.errno("shutdown", [.i32(3), .i32(2)]) == .success)
        #expect(read(hostEnd, &buffer, 16) == 0)  // end of stream after the guest's shutdown
        #expect(try run.errno("shutdown", [.i32(3), .i32(7)]) == .inval)
    }

    @Test func socketCallsOnOtherDescriptorsAreNotsock() throws {
        let (guestEnd, hostEnd) = makePair()
        defer { close(guestEnd); close(hostEnd) }
        let run = try run(with: guestEnd)
        #expect(try run.errno("send", [.i32(1)]) == .notsock)
        #expect(try run.errno("recv", [.i32(9)]) == .badf)
    }

    @Test func acceptTakesALoopbackConnection() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                try #require(bind(listener, sa, length) == 0)
                try #require(getsockname(listener, sa, &length) == 0)
            }
        }
        try #require(listen(listener, 1) == 0)
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(client) }
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, length) }
        }
        try #require(connected == 0)

        let run = try run(with: listener)
        #expect(try run.errno("accept", [.i32(3)]) == .success)
        let accepted = try run.memory(32, 4)
        #expect(accepted == [4, 0, 0, 0])
        #expect(write(client, "hi", 2) == 2)
        #expect(try run.errno("recv", [.i32(4)]) == .success)
        #expect(try run.memory(200, 2) == Array("hi".utf8))
        // An accepted connection cannot accept.
        #expect(try run.errno("accept", [.i32(4)]) == .notcapable)
    }
}
