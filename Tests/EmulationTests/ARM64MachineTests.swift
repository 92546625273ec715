import Testing
import Foundation
@testable import Emulation

/// Runs hand-assembled AArch64 words (encodings from `llvm-mc --triple=aarch64`) in host
/// memory: arithmetic, loads and stores through pages mapped on first touch, a refused
/// access as a fault, a host call through the bridge, FP, instruction counts.
@Suite(.enabled(if: (try? UnicornLibrary.shared.get()) != nil)) struct ARM64MachineTests {
    static let add: UInt32 = 0x8B01_0000            // add x0, x0, x1
    static let ret: UInt32 = 0xD65F_03C0            // ret
    static let load: UInt32 = 0xF940_0000           // ldr x0, [x0]
    static let store: UInt32 = 0xF900_0001          // str x1, [x0]
    static let pushFrame: UInt32 = 0xA9BF_7BFD      // stp x29, x30, [sp, #-16]!
    static let callX2: UInt32 = 0xD63F_0040         // blr x2
    static let addOne: UInt32 = 0x9100_0400         // add x0, x0, #1
    static let popFrame: UInt32 = 0xA8C1_7BFD       // ldp x29, x30, [sp], #16
    static let fadd: UInt32 = 0x1E61_2800           // fadd d0, d0, d1

    /// Code in a page of its own (read+execute for the machine), and the region table the
    /// resolver serves: `regions` are mapped on first touch, anything else faults.
    final class Setup {
        let machine: ARM64Machine
        let code: UnsafeMutableRawPointer
        var regions: [ARM64Machine.Region] = []
        var resolved = 0

        init(_ words: [UInt32]) throws {
            machine = try ARM64Machine()
            code = UnsafeMutableRawPointer.allocate(byteCount: ARM64Machine.pageSize, alignment: ARM64Machine.pageSize)
            code.initializeMemory(as: UInt32.self, repeating: 0, count: ARM64Machine.pageSize / 4)
            for (i, w) in words.enumerated() { code.storeBytes(of: w, toByteOffset: i * 4, as: UInt32.self) }
            regions.append(.init(start: address(code), count: ARM64Machine.pageSize, permissions: .readExecute))
            machine.resolve = { [unowned self] address, _ in
                resolved += 1
                return regions.first { $0.start <= address && address < $0.start + UInt64($0.count) }
            }
        }

        deinit { code.deallocate() }

        var entry: UInt64 { address(code) }

        /// A page-aligned host buffer the code may read and write.
        func buffer(pages: Int = 1) -> UnsafeMutableRawPointer {
            let p = UnsafeMutableRawPointer.allocate(byteCount: pages * ARM64Machine.pageSize, alignment: ARM64Machine.pageSize)
            p.initializeMemory(as: UInt8.self, repeating: 0, count: pages * ARM64Machine.pageSize)
            regions.append(.init(start: address(p), count: pages * ARM64Machine.pageSize, permissions: .readWrite))
            return p
        }
    }

    @Test func addsAndReturns() throws {
        let s = try Setup([Self.add, Self.ret])
        s.machine.setX(0, 5)
        s.machine.setX(1, 37)
        #expect(try s.machine.run(from: s.entry) == .returned)
        #expect(s.machine.x(0) == 42)
    }

    @Test func loadsAndStoresHostMemoryMappedOnFirstTouch() throws {
        let s = try Setup([Self.store, Self.load, Self.ret])
        let data = s.buffer()
        defer { data.deallocate() }
        s.machine.setX(0, address(data) + 64)
        s.machine.setX(1, 0x1122_3344_5566_7788)
        #expect(try s.machine.run(from: s.entry) == .returned)
        #expect(s.machine.x(0) == 0x1122_3344_5566_7788)
        // The host sees the store: the emulated page is the host's page.
        #expect(data.load(fromByteOffset: 64, as: UInt64.self) == 0x1122_3344_5566_7788)
        #expect(s.resolved == 2)  // the code page, then the data page
    }

    @Test func aRefusedAccessIsAFaultAtItsInstruction() throws {
        let s = try Setup([Self.addOne, Self.load, Self.ret])
        let data = s.buffer()
        defer { data.deallocate() }
        s.regions.removeLast()  // not mappable: a guard page
        s.machine.setX(0, address(data) + 7)
        let stop = try s.machine.run(from: s.entry)
        // The pc is the start of the translated block that holds the load.
        #expect(stop == .fault(pc: s.entry, address: address(data) + 8, access: .read))
    }

    @Test func writesToReadOnlyCodeFault() throws {
        let s = try Setup([Self.store, Self.ret])
        s.machine.setX(0, s.entry + 8)
        s.machine.setX(1, 0)
        #expect(try s.machine.run(from: s.entry) == .fault(pc: s.entry, address: s.entry + 8, access: .write))
    }

    @Test func callsTheHostThroughTheBridge() throws {
        let s = try Setup([Self.pushFrame, Self.callX2, Self.addOne, Self.popFrame, Self.ret])
        let stack = s.buffer(pages: 2)
        defer { stack.deallocate() }
        var calls: [Int] = []
        s.machine.hostCall = { machine, entry in
            calls.append(entry)
            machine.setX(0, machine.x(0) * 10)
        }
        s.machine.sp = address(stack) + UInt64(2 * ARM64Machine.pageSize)
        s.machine.setX(0, 4)
        s.machine.setX(2, s.machine.bridgeAddress(7))
        #expect(try s.machine.run(from: s.entry) == .returned)
        #expect(calls == [7])
        #expect(s.machine.x(0) == 41)
        #expect(s.machine.sp == address(stack) + UInt64(2 * ARM64Machine.pageSize))
    }

    @Test func aHostCallCanStopTheRun() throws {
        let s = try Setup([Self.pushFrame, Self.callX2, Self.addOne, Self.popFrame, Self.ret])
        let stack = s.buffer()
        defer { stack.deallocate() }
        s.machine.hostCall = { machine, _ in machine.stop() }
        s.machine.sp = address(stack) + UInt64(ARM64Machine.pageSize)
        s.machine.setX(0, 4)
        s.machine.setX(2, s.machine.bridgeAddress(0))
        #expect(try s.machine.run(from: s.entry) == .stopped)
        #expect(s.machine.x(0) == 4)
        // The machine runs again afterwards.
        s.machine.hostCall = { _, _ in }
        #expect(try s.machine.run(from: s.entry) == .returned)
        #expect(s.machine.x(0) == 5)
    }

    @Test func floatingPointRuns() throws {
        let s = try Setup([Self.fadd, Self.ret])
        s.machine.setD(0, (1.5).bitPattern)
        s.machine.setD(1, (2.25).bitPattern)
        #expect(try s.machine.run(from: s.entry) == .returned)
        #expect(Double(bitPattern: s.machine.d(0)) == 3.75)
    }

    @Test func countsInstructions() throws {
        let s = try Setup([Self.add, Self.add, Self.add, Self.ret])
        s.machine.countsInstructions = true
        _ = try s.machine.run(from: s.entry)
        #expect(s.machine.instructionCount == 4)
        s.machine.countsInstructions = false
        _ = try s.machine.run(from: s.entry)
        #expect(s.machine.instructionCount == 4)
    }

    @Test func aNestedRunIsRefused() throws {
        let s = try Setup([Self.pushFrame, Self.callX2, Self.popFrame, Self.ret])
        let stack = s.buffer()
        defer { stack.deallocate() }
        var nested: String?
        s.machine.hostCall = { machine, _ in
            do { _ = try machine.run(from: s.entry) } catch { nested = "\(error)" }
        }
        s.machine.sp = address(stack) + UInt64(ARM64Machine.pageSize)
        s.machine.setX(2, s.machine.bridgeAddress(1))
        #expect(try s.machine.run(from: s.entry) == .returned)
        #expect(nested?.contains("already running") == true)
    }

    @Test func unmapAllForgetsTheMappings() throws {
        let s = try Setup([Self.load, Self.ret])
        let data = s.buffer()
        defer { data.deallocate() }
        s.machine.setX(0, address(data))
        _ = try s.machine.run(from: s.entry)
        s.machine.unmapAll()
        s.regions.removeLast()
        s.machine.setX(0, address(data))
        #expect(try s.machine.run(from: s.entry) == .fault(pc: s.entry, address: address(data), access: .read))
    }
}

private func address(_ p: UnsafeMutableRawPointer) -> UInt64 { UInt64(UInt(bitPattern: p)) }
