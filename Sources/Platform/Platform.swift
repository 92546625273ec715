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
#endif
