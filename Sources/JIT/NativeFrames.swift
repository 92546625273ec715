/// The walk over compiled code's native frames that both backends' layouts allow
/// (`X64Frames`, `ARM64Frames`): every Wasm frame is `frameBytes` long with its return
/// address at `returnAddressOffset` from the body's stack pointer, and bodies never move
/// the stack pointer, so frames are walked without frame pointers.
enum NativeFrames {
    /// The PCs of the frames of a trap, innermost first: `pc` in the function whose body
    /// stack pointer is `sp`, then each caller's return address, up to the entry at
    /// `entrySP`. Reads only stack words in `[sp, entrySP)`; runs of one PC (recursion) are
    /// counted, and frames past `capacity` runs are only counted (`omitted`).
    static func walk(pc: UInt, sp: UInt, entrySP: UInt, frameBytes: UInt, returnAddressOffset: UInt,
                     capacity: Int = 256) -> (frames: [(pc: UInt, count: Int)], omitted: Int) {
        var frames: [(pc: UInt, count: Int)] = []
        var omitted = 0
        var pc = pc, sp = sp
        while sp != 0 && sp & 7 == 0 && sp &+ frameBytes <= entrySP {
            if let last = frames.last, last.pc == pc {
                frames[frames.count - 1].count += 1
            } else if frames.count < capacity {
                frames.append((pc, 1))
            } else {
                omitted += 1
            }
            pc = UnsafePointer<UInt>(bitPattern: sp + returnAddressOffset)!.pointee
            sp += frameBytes
        }
        return (frames, omitted)
    }
}
