// The C library of the host, under one name: `import Platform` instead of an
// `#if canImport(Glibc) ... #elseif canImport(Darwin)` block in every file.
#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Darwin)
@_exported import Darwin
#endif

#if os(Linux)
/// memfd_create(2): an anonymous file in memory (Glibc's Swift module hides it behind
/// `_GNU_SOURCE`). Flags: `MFD_CLOEXEC`, `MFD_ALLOW_SEALING`.
@_extern(c, "memfd_create") public func memfd_create(_ name: UnsafePointer<CChar>, _ flags: UInt32) -> Int32
/// Closes the file on exec (`<sys/mman.h>`).
public let MFD_CLOEXEC: UInt32 = 1
/// Lets `fcntl(F_ADD_SEALS)` seal the file (`<sys/mman.h>`).
public let MFD_ALLOW_SEALING: UInt32 = 2

/// mremap(2) with its new-address argument (`MREMAP_FIXED`: where to; otherwise nil). The
/// C function is variadic, which Swift does not import; on x86-64 and AArch64 Linux a
/// variadic pointer argument travels in the same register as a fixed one, so this fixed
/// signature calls it correctly.
@_extern(c, "mremap") public func mremap(_ old: UnsafeMutableRawPointer, _ oldSize: Int, _ newSize: Int,
                                         _ flags: Int32, _ new: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer?
/// The mapping may move (`<sys/mman.h>`).
public let MREMAP_MAYMOVE: Int32 = 1
/// The mapping moves to the given address, replacing what is there (`<sys/mman.h>`).
public let MREMAP_FIXED: Int32 = 2
/// The pages move and the old range stays mapped, empty: private anonymous memory there
/// reads as zero again (Linux 5.7 on; `<linux/mman.h>`).
public let MREMAP_DONTUNMAP: Int32 = 4
#endif
