import WasmCore
import WasmRuntime

// Handlers of the fused i64 and f64 forms. Their immediates are full 64-bit constants
// (two words, low first), so `i64.const 0x9FB21C651E98DF25; i64.mul` and
// `f64.const 4; f64.le; br_if` each become one op.
//
//   binary imm          [op | dst | a | lo | hi]        dst = a <op> imm
//   compare-branch      [op | a | b | rel]              if a <op> b { pc += rel } else { pc += 4 }
//   imm compare-branch  [op | a | lo | hi | rel]        else pc += 5
//
// Float branches come in both senses: `!(a < b)` is not `a >= b` when a NaN is involved,
// so the translator branches on a false compare with the `Not` forms instead of negating.
extension Executor {
    @inline(__always)
    static func immediate64(_ pc: UnsafePointer<UInt32>, _ index: Int) -> UInt64 {
        UInt64(pc[index]) | UInt64(pc[index &+ 1]) << 32
    }

    @inline(__always)
    static func double(_ bits: UInt64) -> Double { reinterpret(bits, as: Double.self) }

    @inline(__always)
    static func binaryI64(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer, _ kind: FusedArithmetic) {
        let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)
        let b = immediate64(pc, 3)
        let r: UInt64
        switch kind {
        case .add: r = a &+ b
        case .mul: r = a &* b
        case .and: r = a & b
        case .or: r = a | b
        case .xor: r = a ^ b
        case .shl: r = a &<< b
        case .shrS: r = UInt64(bitPattern: Int64(bitPattern: a) &>> b)
        case .shrU: r = a &>> b
        case .rotl: r = a &<< b | a &>> (64 &- b)  // Swift masks both counts to 0...63
        }
        fp.hotStore(of: r, toByteOffset: Int(pc[1]), as: UInt64.self)
    }

    @inline(__always)
    static func holds(_ kind: FusedCompare, _ a: UInt64, _ b: UInt64) -> Bool {
        switch kind {
        case .eq: a == b
        case .ne: a != b
        case .ltS: Int64(bitPattern: a) < Int64(bitPattern: b)
        case .ltU: a < b
        case .gtS: Int64(bitPattern: a) > Int64(bitPattern: b)
        case .gtU: a > b
        case .leS: Int64(bitPattern: a) <= Int64(bitPattern: b)
        case .leU: a <= b
        case .geS: Int64(bitPattern: a) >= Int64(bitPattern: b)
        case .geU: a >= b
        case .anyBit: a & b != 0
        case .noBit: a & b == 0
        }
    }

    @inline(__always)
    static func compareI64(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer, _ kind: FusedCompare) {
        let a = fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)
        fp.hotStore(of: holds(kind, a, immediate64(pc, 3)) ? 1 : 0, toByteOffset: Int(pc[1]), as: UInt64.self)
    }

    @inline(__always)
    static func branchI64(_ pc: inout UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer,
                          _ fuel: inout UInt64, _ interrupt: UnsafeMutablePointer<UInt32>, immediate: Bool,
                          _ kind: FusedCompare) -> Bool {
        let a = fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt64.self)
        let b = immediate ? immediate64(pc, 2) : fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self)
        let relIndex = immediate ? 4 : 3
        if holds(kind, a, b) {
            return leap(&pc, pc[relIndex], &fuel, interrupt)
        }
        pc += relIndex &+ 1
        return true
    }

    @inline(__always)
    static func holds(_ kind: FloatCompare, _ a: Double, _ b: Double) -> Bool {
        switch kind {
        case .eq: a == b
        case .ne: a != b
        case .lt: a < b
        case .gt: a > b
        case .le: a <= b
        case .ge: a >= b
        case .notLt: !(a < b)
        case .notGt: !(a > b)
        case .notLe: !(a <= b)
        case .notGe: !(a >= b)
        }
    }

    @inline(__always)
    static func compareF64(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer, _ kind: FloatCompare) {
        let a = double(fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
        fp.hotStore(of: holds(kind, a, double(immediate64(pc, 3))) ? 1 : 0, toByteOffset: Int(pc[1]), as: UInt64.self)
    }

    @inline(__always)
    static func branchF64(_ pc: inout UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer,
                          _ fuel: inout UInt64, _ interrupt: UnsafeMutablePointer<UInt32>, immediate: Bool,
                          _ kind: FloatCompare) -> Bool {
        let a = double(fp.hotLoad(fromByteOffset: Int(pc[1]), as: UInt64.self))
        let b = double(immediate ? immediate64(pc, 2) : fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
        let relIndex = immediate ? 4 : 3
        if holds(kind, a, b) {
            return leap(&pc, pc[relIndex], &fuel, interrupt)
        }
        pc += relIndex &+ 1
        return true
    }

    @inline(__always)
    static func binaryF64(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer, _ kind: FloatArithmetic) {
        let a = double(fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
        let b = double(immediate64(pc, 3))
        let r: Double
        switch kind {
        case .add: r = a + b
        case .sub: r = a - b
        case .mul: r = a * b
        case .div: r = a / b
        }
        fp.hotStore(of: bits(r), toByteOffset: Int(pc[1]), as: UInt64.self)
    }
}

extension Executor {
    /// `x*y + c` and friends: the product is rounded before the addition, exactly as the
    /// two Wasm instructions (no fused multiply-add).
    @inline(__always)
    static func multiplyAdd(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer, _ kind: MultiplyAdd) {
        let x = double(fp.hotLoad(fromByteOffset: Int(pc[2]), as: UInt64.self))
        let y = double(fp.hotLoad(fromByteOffset: Int(pc[3]), as: UInt64.self))
        let c = double(fp.hotLoad(fromByteOffset: Int(pc[4]), as: UInt64.self))
        let product = x * y
        let r: Double
        switch kind {
        case .mulAdd: r = product + c
        case .mulSub: r = product - c
        case .subMul: r = c - product
        }
        fp.hotStore(of: bits(r), toByteOffset: Int(pc[1]), as: UInt64.self)
    }

    /// The wrapped 32-bit sum of the slots at words 2 and 3 (a load's address).
    @inline(__always)
    static func sum(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer) -> UInt32 {
        sumFrom(pc, fp, 2)
    }

    /// The wrapped 32-bit sum of the slots at words `first` and `first + 1`.
    @inline(__always)
    static func sumFrom(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer, _ first: Int) -> UInt32 {
        fp.hotLoad(fromByteOffset: Int(pc[first]), as: UInt32.self) &+ fp.hotLoad(fromByteOffset: Int(pc[first &+ 1]), as: UInt32.self)
    }

    /// The wrapped 32-bit sum of the slot at word `first` and the immediate after it.
    @inline(__always)
    static func sumImmediate(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer, _ first: Int) -> UInt32 {
        fp.hotLoad(fromByteOffset: Int(pc[first]), as: UInt32.self) &+ pc[first &+ 1]
    }

    /// The wrapped 32-bit `a + (x << s)` of the slots at words `first`, `first + 1` and the
    /// shift count after them.
    @inline(__always)
    static func scaledSum(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer, _ first: Int) -> UInt32 {
        fp.hotLoad(fromByteOffset: Int(pc[first]), as: UInt32.self)
            &+ (fp.hotLoad(fromByteOffset: Int(pc[first &+ 1]), as: UInt32.self) &<< pc[first &+ 2])
    }

    /// `select` on an i64 compare: op dst a b x y (dst = x <op> y ? a : b).
    @inline(__always)
    static func selectI64(_ pc: UnsafePointer<UInt32>, _ fp: UnsafeMutableRawPointer, _ kind: FusedCompare) {
        let x = fp.hotLoad(fromByteOffset: Int(pc[4]), as: UInt64.self)
        let y = fp.hotLoad(fromByteOffset: Int(pc[5]), as: UInt64.self)
        let chosen = holds(kind, x, y) ? pc[2] : pc[3]
        fp.hotStore(of: fp.hotLoad(fromByteOffset: Int(chosen), as: UInt64.self), toByteOffset: Int(pc[1]), as: UInt64.self)
    }
}

/// Which of the fused multiply-then-add forms.
enum MultiplyAdd { case mulAdd, mulSub, subMul }

/// The predicate of a fused float compare; the `not` kinds hold when the compare is false.
enum FloatCompare { case eq, ne, lt, gt, le, ge, notLt, notGt, notLe, notGe }

/// The operation of a fused float op with an immediate.
enum FloatArithmetic { case add, sub, mul, div }
