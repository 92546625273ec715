// libFuzzer's driver, for the fuzz-* executables when tools/fuzz builds them with
// -sanitize=fuzzer -DLIBFUZZER; without LIBFUZZER they only replay files.
#if LIBFUZZER
/// Starts libFuzzer on an executable's target.
public enum FuzzDriver {
    /// Runs libFuzzer's driver with the program's arguments, feeding inputs to `test`
    /// (the executable's `LLVMFuzzerTestOneInput`).
    public static func run(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                           _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32 {
        var argc = argc
        var argv = argv
        return LLVMFuzzerRunDriver(&argc, &argv, test)
    }
}

extension FuzzTarget {
    /// Runs the target on libFuzzer's input (`size` bytes at `data`); always 0, as
    /// `LLVMFuzzerTestOneInput` must return.
    public func run(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        run(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }
}

@_extern(c, "LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32
#endif
