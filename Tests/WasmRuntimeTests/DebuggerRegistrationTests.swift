import Testing
@testable import WasmRuntime

@Suite struct DebuggerRegistrationTests {
    @Test func symbolFilesJoinAndLeaveTheList() {
        let changes = debuggerListChanges.load(ordering: .relaxed)
        let first = DebuggerRegistration.add([1, 2, 3]), second = DebuggerRegistration.add([4, 5])
        func listed(_ entry: DebuggerRegistration.Entry) -> Bool {
            DebuggerRegistration.listed().contains { $0.address == UInt(bitPattern: entry.image.baseAddress) && $0.size == UInt64(entry.image.count) }
        }
        #expect(listed(first) && listed(second))
        #expect(Array(second.image) == [4, 5])
        // Other tests may register code meanwhile: each change calls the debugger's hook.
        #expect(debuggerListChanges.load(ordering: .relaxed) >= changes + 2)
        DebuggerRegistration.remove(first)
        #expect(!listed(first) && listed(second))
        DebuggerRegistration.remove(second)
        #expect(!listed(second))
        #expect(jitDebugDescriptor.0 == 1, "protocol version")
        #expect(jitDebugDescriptor.1 == 2 || jitDebugDescriptor.1 == 1, "the last action")
    }

    @Test func theCallFrameSectionIsWellFormed() {
        var frames = CallFrameInfo.x64()
        frames.addRange(address: 0x1000, length: 0x40, changes: CallFrameInfo.x64Push(.r14, depth: 16).map { (2, $0) })
        let bytes = frames.bytes
        // A CIE (id 0xffffffff, version 4) and an FDE pointing back at it, each a whole
        // number of 8-byte words with its length in front.
        let cieLength = Int(bytes[0]) | Int(bytes[1]) << 8
        #expect(Array(bytes[4 ..< 9]) == [0xFF, 0xFF, 0xFF, 0xFF, 4])
        #expect((cieLength + 4) % 8 == 0)
        let fde = cieLength + 4
        #expect(Array(bytes[fde + 4 ..< fde + 8]) == [0, 0, 0, 0])
        #expect(Array(bytes[fde + 8 ..< fde + 16]) == [0x00, 0x10, 0, 0, 0, 0, 0, 0])
        #expect(Array(bytes[fde + 16 ..< fde + 24]) == [0x40, 0, 0, 0, 0, 0, 0, 0])
        // advance_loc 2, def_cfa_offset 16, offset_extended_sf r14 at 2 * -8.
        #expect(Array(bytes[fde + 24 ..< fde + 31]) == [0x42, 0x0E, 16, 0x11, 14, 2, 0])
        #expect(bytes.count == fde + 4 + (Int(bytes[fde]) | Int(bytes[fde + 1]) << 8))
    }
}
