import FuzzTargets

// Built with -sanitize=fuzzer -DLIBFUZZER (tools/fuzz), libFuzzer drives the target;
// otherwise the program replays the input files or folders given as arguments.
#if LIBFUZZER
/// The program's entry point: SwiftPM links an executable's `main` to `<module>_main`,
/// so libFuzzer's own `main` is not used and its driver is started from here.
@_cdecl("fuzz_wat_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzDriver.run(argc, argv, fuzzOneInput)
}

/// What the driver calls for each input, and what libFuzzer's own `main` calls when that
/// is the one linked (a build with -sanitize=fuzzer, where both mains exist).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 { FuzzTarget.wat.run(data, size) }
#else
@main enum FuzzWAT {
    static func main() { FuzzTarget.wat.replay(Array(CommandLine.arguments.dropFirst())) }
}
#endif
