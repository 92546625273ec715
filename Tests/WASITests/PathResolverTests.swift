import Foundation
import Testing
@testable import WASI

/// A scratch directory tree, removed when the test ends:
///
/// ```
/// ROOT/secret.txt
/// ROOT/box/            <- the "preopen"
///          file.txt
///          sub/inner.txt
///          sub/up -> ..            (stays inside)
///          out -> ../secret.txt    (leaves)
///          abs -> /etc             (absolute)
///          loop -> loop            (self loop)
///          subsym -> sub
/// ```
final class Sandbox {
    let root: String
    let box: String
    let fd: Int32

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("wasi-\(UUID().uuidString)").path
        box = root + "/box"
        let fm = FileManager.default
        try fm.createDirectory(atPath: box + "/sub", withIntermediateDirectories: true)
        try "secret".write(toFile: root + "/secret.txt", atomically: false, encoding: .utf8)
        try "file".write(toFile: box + "/file.txt", atomically: false, encoding: .utf8)
        try "inner".write(toFile: box + "/sub/inner.txt", atomically: false, encoding: .utf8)
        try fm.createSymbolicLink(atPath: box + "/sub/up", withDestinationPath: "..")
        try fm.createSymbolicLink(atPath: box + "/out", withDestinationPath: "../secret.txt")
        try fm.createSymbolicLink(atPath: box + "/abs", withDestinationPath: "/etc")
        try fm.createSymbolicLink(atPath: box + "/loop", withDestinationPath: "loop")
        try fm.createSymbolicLink(atPath: box + "/subsym", withDestinationPath: "sub")
        fd = open(box, O_RDONLY | O_DIRECTORY)
    }

    deinit {
        close(fd)
        try? FileManager.default.removeItem(atPath: root)
    }

    func resolve(_ path: String, follow: Bool = true) throws(WASIErrno) -> ResolvedPath {
        try PathResolver.resolve(Array(path.utf8), in: fd, followFinalSymlink: follow)
    }

    /// The contents of the file `path` resolves to, read through the resolver's result.
    func read(_ path: String) throws -> String {
        let resolved = try resolve(path)
        let file = openat(resolved.directory, resolved.name, O_RDONLY | O_NOFOLLOW)
        guard file >= 0 else { throw WASIErrno(hostErrno: errno) }
        defer { close(file) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = Glibc.read(file, &buffer, 64)
        return String(decoding: buffer[0..<max(n, 0)], as: UTF8.self)
    }
}

@Suite struct PathResolverTests {
    @Test func plainPathsResolveToTheirParentAndName() throws {
        let box = try Sandbox()
        #expect(try box.read("file.txt") == "file")
        #expect(try box.read("sub/inner.txt") == "inner")
        #expect(try box.read("./sub//inner.txt") == "inner")
        let resolved = try box.resolve("sub/inner.txt")
        #expect(resolved.name == "inner.txt")
        #expect(resolved.directory != box.fd)
    }

    @Test func dotDotWithinThePreopenIsAllowed() throws {
        let box = try Sandbox()
        #expect(try box.read("sub/../file.txt") == "file")
        #expect(try box.resolve("sub/..").name == ".")
        #expect(try box.resolve(".").name == ".")
    }

    @Test func dotDotAboveThePreopenIsRefused() throws {
        let box = try Sandbox()
        #expect(throws: WASIErrno.notcapable) { try box.resolve("..") }
        #expect(throws: WASIErrno.notcapable) { try box.resolve("../secret.txt") }
        #expect(throws: WASIErrno.notcapable) { try box.resolve("sub/../../secret.txt") }
        #expect(throws: WASIErrno.notcapable) { try box.resolve("sub/../sub/../../box/file.txt") }
    }

    @Test func absolutePathsAreRefused() throws {
        let box = try Sandbox()
        #expect(throws: WASIErrno.notcapable) { try box.resolve("/etc/passwd") }
        #expect(throws: WASIErrno.notcapable) { try box.resolve("/") }
    }

    @Test func symlinksInsideAreFollowed() throws {
        let box = try Sandbox()
        #expect(try box.read("subsym/inner.txt") == "inner")
        #expect(try box.read("sub/up/file.txt") == "file")
        #expect(try box.read("sub/up/sub/up/sub/inner.txt") == "inner")
    }

    @Test func symlinksLeavingThePreopenAreRefused() throws {
        let box = try Sandbox()
        #expect(throws: WASIErrno.notcapable) { try box.resolve("out") }
        #expect(throws: WASIErrno.notcapable) { try box.resolve("abs/passwd") }
        #expect(throws: WASIErrno.notcapable) { try box.resolve("abs", follow: true) }
        #expect(throws: WASIErrno.notcapable) { try box.resolve("sub/up/../secret.txt") }
    }

    @Test func finalSymlinkIsNotFollowedWithoutTheFlag() throws {
        let box = try Sandbox()
        let resolved = try box.resolve("out", follow: false)
        #expect(resolved.name == "out")
        // The no-follow open the host functions use refuses the link itself.
        #expect(openat(resolved.directory, resolved.name, O_RDONLY | O_NOFOLLOW) < 0)
        #expect(errno == ELOOP)
    }

    @Test func symlinkLoopsEnd() throws {
        let box = try Sandbox()
        #expect(throws: WASIErrno.loop) { try box.resolve("loop") }
        #expect(throws: WASIErrno.loop) { try box.resolve("loop/x") }
    }

    @Test func malformedPathsAreRejected() throws {
        let box = try Sandbox()
        #expect(throws: WASIErrno.noent) { try PathResolver.resolve([], in: box.fd, followFinalSymlink: false) }
        #expect(throws: WASIErrno.inval) { try PathResolver.resolve(Array("a\0b".utf8), in: box.fd, followFinalSymlink: false) }
        #expect(throws: WASIErrno.ilseq) { try PathResolver.resolve([0x61, 0xFF], in: box.fd, followFinalSymlink: false) }
        let long = [UInt8](repeating: UInt8(ascii: "a"), count: PathResolver.maxPathLength + 1)
        #expect(throws: WASIErrno.nametoolong) { try PathResolver.resolve(long, in: box.fd, followFinalSymlink: false) }
    }

    @Test func missingAndNonDirectoryComponentsReportHostErrors() throws {
        let box = try Sandbox()
        #expect(throws: WASIErrno.noent) { try box.resolve("nope/file.txt") }
        #expect(throws: WASIErrno.notdir) { try box.resolve("file.txt/x") }
        // A missing final name resolves (creation needs that); the open then fails.
        #expect(try box.resolve("new.txt").name == "new.txt")
    }

    @Test func trailingSlashRequiresADirectory() throws {
        let box = try Sandbox()
        #expect(try box.resolve("sub/").requiresDirectory)
        #expect(try !box.resolve("sub").requiresDirectory)
    }
}
