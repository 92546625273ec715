import WasmCore
import WasmRuntime

// Handlers of the fused forms (IOp.swift, Translator+Fusion.swift) and the branch step
// shared by every branching op. All of them inline into the dispatch loop; the closures
// kinds are constants at each use, so each handler compiles to its one operation.
//
//   binary imm      [op | dst | a | imm]          dst = a <op> imm  (i64: Executor+Fused64)
//   compare-branch  [op | a | b | rel]            if a <op> b { pc += rel } else { pc += 4 }
//   imm variant     [op | a | imm | rel]
extension Executor {
    /// Takes a branch of `rel` words. A backward branch is a loop's back edge: it polls the
    /// interrupt word and spends one unit of fuel, so every loop iteration is interruptible
    /// without an op of its own. A branch of zero words is a back edge too (`loop br 0 end`
    /// branches to itself).
    @inline(__always)
    static func jump(_ pc: inout UnsafePointer<UInt32>, _ relWord: UInt32, _ fuel: inout UInt64,
                     _ interrupt: UnsafeMutablePointer<UInt32>) throws(TrapReason) {
        guard leap(&pc, relWord, &fuel, interrupt) else { throw .interrupted }
    }

    /// `jump` for `runHot`, which must not throw (a `throw` is a runtime call): false,
    /// with `pc` unmoved and the interrupt word cleared, where `jump` throws `interrupted`.
    @inline(__always)
    static func leap(_ pc: inout UnsafePointer<UInt32>, _ relWord: UInt32, _ fuel: inout UInt64,
                     _ interrupt: UnsafeMutablePointer<UInt32>) -> Bool {
        let rel = Int(Int32(bitPattern: relWord))
        if rel <= 0 {
            if fuel == 0 || interrupt.pointee != 0 {
                // A yield request is served and the branch taken; anything else stops.
                guard fuel != 0 && ExecutionStack.servicePoll(interrupt) else {
                    interrupt.pointee = 0
                    return false
                }
            }
            fuel &-= 1
        }
        pc += rel
        return true
    }

    /// A float result as a slot. `Double.bitPattern` is only `@inlinable`, and the dispatch
    /// loop is past the inliner's size budget, so it became a call per float op; these are
    /// forced inline.
    @inline(__always)
    static func bits(_ value: Double) -> UInt64 { reinterpret(value, as: UInt64.self) }

    @inline(__always)
    static func bits(_ value: Float) -> UInt64 { UInt64(reinterpret(value, as: UInt32.self)) }

    /// Same-size reinterpretation (generic so that it reads as what it is, a bit cast).
    @inline(__always)
    static func reinterpret<T, R>(_ value: T, as _: R.Type) -> R { unsafeBitCast(value, to: R.self) }

    @inline(__always)
    static func binaryI32(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer, _ kind: FusedArithmetic) {
        let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self), b = pc[3]
        let r: UInt32
        switch kind {
        case .add: r = a &+ b
        case .mul: r = a &* b
        case .and: r = a & b
        case .or: r = a | b
        case .xor: r = a ^ b
        case .shl: r = a &<< b
        case .shrS: r = UInt32(bitPattern: Int32(bitPattern: a) &>> b)
        case .shrU: r = a &>> b
        case .rotl: r = a &<< b | a &>> (32 &- b)  // Swift masks both counts to 0...31
        }
        fp.hotStore(of: UInt64(r), toByteOffset: Int(pc[1]), as: UInt64.self)
    }

    @inline(__always)
    static func holds(_ kind: FusedCompare, _ a: UInt32, _ b: UInt32) -> Bool {
        switch kind {
        case .eq: a == b
        case .ne: a != b
        case .ltS: Int32(bitPattern: a) < Int32(bitPattern: b)
        case .ltU: a < b
        case .gtS: Int32(bitPattern: a) > Int32(bitPattern: b)
        case .gtU: a > b
        case .leS: Int32(bitPattern: a) <= Int32(bitPattern: b)
        case .leU: a <= b
        case .geS: Int32(bitPattern: a) >= Int32(bitPattern: b)
        case .geU: a >= b
        case .anyBit: a & b != 0
        case .noBit: a & b == 0
        }
    }

    @inline(__always)
    static func compareI32(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer, _ kind: FusedCompare) {
        let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)
        fp.hotStore(of: holds(kind, a, pc[3]) ? 1 : 0, toByteOffset: Int(pc[1]), as: UInt64.self)
    }

    /// `x += imm` then a compare-and-branch on the new `x`; `y` is read after the store
    /// (it may be `x` itself).
    @inline(__always)
    static func incrementBranchI32(_ pc: inout UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer,
                                   _ fuel: inout UInt64, _ interrupt: UnsafeMutablePointer<UInt32>, immediate: Bool,
                                   _ kind: FusedCompare) -> Bool {
        let x = fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt32.self) &+ pc[2]
        fp.hotStore(of: UInt64(x), toByteOffset: Int(pc[1]), as: UInt64.self)
        let y = immediate ? pc[3] : fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt32.self)
        if holds(kind, x, y) {
            return leap(&pc, pc[4], &fuel, interrupt)
        }
        pc += 5
        return true
    }

    /// `select` on a compare of `x` (a slot) and `y` (a slot, or an immediate).
    @inline(__always)
    static func selectI32(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer, immediate: Bool, _ kind: FusedCompare) {
        let x = fp.hotLoad(fromByteOffset: Int(pc[4]), as: UInt32.self)
        let y = immediate ? pc[5] : fp.hotLoad(fromByteOffset: Int(pc[5]), as: UInt32.self)
        let chosen = holds(kind, x, y) ? pc[2] : pc[3]
        fp.hotStore(of: fp.hotLoad(fromByteOffset: Int(chosen), as: UInt64.self), toByteOffset: Int(pc[1]), as: UInt64.self)
    }

    @inline(__always)
    static func branchI32(_ pc: inout UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer,
                          _ fuel: inout UInt64, _ interrupt: UnsafeMutablePointer<UInt32>, immediate: Bool,
                          _ kind: FusedCompare) -> Bool {
        let a = fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt32.self)
        let b = immediate ? pc[2] : fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt32.self)
        if holds(kind, a, b) {
            return leap(&pc, pc[3], &fuel, interrupt)
        }
        pc += 4
        return true
    }
}

/// The operation of a fused binary-immediate op; a constant at each use, so the switch
/// folds away after inlining (closures here were not reliably inlined into the loop).
enum FusedArithmetic { case add, mul, and, or, xor, shl, shrS, shrU, rotl }

/// The predicate of a fused compare (i32), or of a bit test (`a & b` nonzero or zero).
enum FusedCompare { case eq, ne, ltS, ltU, gtS, gtU, leS, leU, geS, geU, anyBit, noBit }
