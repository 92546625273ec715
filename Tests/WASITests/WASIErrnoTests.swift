import Glibc
import Testing
@testable import WASI

@Suite struct WASIErrnoTests {
    @Test func numberingFollowsTheWitx() {
        #expect(WASIErrno.success.rawValue == 0)
        #expect(WASIErrno.toobig.rawValue == 1)
        #expect(WASIErrno.badf.rawValue == 8)
        #expect(WASIErrno.exist.rawValue == 20)
        #expect(WASIErrno.fault.rawValue == 21)
        #expect(WASIErrno.inval.rawValue == 28)
        #expect(WASIErrno.noent.rawValue == 44)
        #expect(WASIErrno.nosys.rawValue == 52)
        #expect(WASIErrno.notdir.rawValue == 54)
        #expect(WASIErrno.perm.rawValue == 63)
        #expect(WASIErrno.xdev.rawValue == 75)
        #expect(WASIErrno.notcapable.rawValue == 76)
        #expect(WASIErrno.allCases.count == 77)
    }

    @Test func hostErrnosMapByMeaning() {
        #expect(WASIErrno(hostErrno: ENOENT) == .noent)
        #expect(WASIErrno(hostErrno: EACCES) == .acces)
        #expect(WASIErrno(hostErrno: EEXIST) == .exist)
        #expect(WASIErrno(hostErrno: ENOTEMPTY) == .notempty)
        #expect(WASIErrno(hostErrno: ELOOP) == .loop)
        #expect(WASIErrno(hostErrno: EWOULDBLOCK) == .again)
        #expect(WASIErrno(hostErrno: EOPNOTSUPP) == .notsup)
        #expect(WASIErrno(hostErrno: EXDEV) == .xdev)
        #expect(WASIErrno(hostErrno: EPIPE) == .pipe)
    }

    @Test func unknownHostErrnosBecomeIO() {
        #expect(WASIErrno(hostErrno: 0) == .io)
        #expect(WASIErrno(hostErrno: 9999) == .io)
        #expect(WASIErrno(hostErrno: -1) == .io)
    }

    @Test func realFailuresMapThroughErrno() {
        #expect(throws: WASIErrno.noent) { try sys { open("/definitely/not/here", O_RDONLY) } }
        #expect(throws: WASIErrno.badf) { try sys { close(-1) } }
    }
}
