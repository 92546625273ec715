// The C library of the host, under one name: `import Platform` instead of an
// `#if canImport(Glibc) ... #elseif canImport(Darwin)` block in every file.
#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Darwin)
@_exported import Darwin
#endif
