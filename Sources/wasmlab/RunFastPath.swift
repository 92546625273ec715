import SpecRunner
import WasmRuntime

/// A direct parser for the plain forms of `wasmlab run`, used before ArgumentParser.
///
/// ArgumentParser builds its argument sets by reflecting over every command's properties
/// (Mirror, dynamic casts, protocol-conformance lookups): about 12 M instructions, most of
/// the process's start-up once the runtime is linked statically. `run` is the command whose
/// start-up users and benchmarks feel, so its common command lines are parsed here.
/// Anything unusual — help, unknown or repeated options, values that look like options,
/// `--`, invalid values, failed validation — returns nil and the caller hands the whole
/// command line to ArgumentParser, so usage and error messages stay exactly its own.
enum RunFastPath {
    /// Options taking one value, by long name.
    private static let valueOptions: Set<Substring> = ["tier", "bounds", "features", "invoke", "dir", "env", "fuel", "timeout"]

    /// Parses the arguments after `run`; nil when ArgumentParser must decide.
    static func parse(_ arguments: ArraySlice<String>) -> RunInvocation? {
        var run = RunInvocation()
        var seen: Set<Substring> = []
        var index = arguments.startIndex
        var file: String?
        while index < arguments.endIndex {
            let argument = arguments[index]
            // The first positional is the module; everything after it belongs to the program.
            guard argument.hasPrefix("-") else {
                file = argument
                run.arguments = Array(arguments[(index + 1)...])
                break
            }
            guard argument.hasPrefix("--"), argument.count > 2 else { return nil }
            var name = argument.dropFirst(2)
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = name[..<equals]
            }
            if name == "allow-unsafe" {
                guard value == nil, !run.allowUnsafe else { return nil }
                run.allowUnsafe = true
                index += 1
                continue
            }
            guard valueOptions.contains(name) else { return nil }
            if value == nil {
                guard index + 1 < arguments.endIndex, !arguments[index + 1].hasPrefix("-") else { return nil }
                value = arguments[index + 1]
                index += 2
            } else {
                index += 1
            }
            guard let value, !value.hasPrefix("-") else { return nil }
            // Repeatable options accumulate; a repeated single option is left to ArgumentParser.
            if name != "dir" && name != "env" {
                guard seen.insert(name).inserted else { return nil }
            }
            switch name {
            case "tier": run.tier = value
            case "bounds":
                guard let bounds = BoundsStrategy(rawValue: value) else { return nil }
                run.bounds = bounds
            case "features":
                guard let features = FeatureSetOption(rawValue: value) else { return nil }
                run.features = features
            case "invoke": run.invoke = value
            case "dir": run.directories.append(value)
            case "env": run.environment.append(value)
            case "fuel":
                guard let fuel = UInt64(value) else { return nil }
                run.fuel = fuel
            default: run.timeout = value
            }
        }
        guard let file, !file.isEmpty, !run.arguments.contains("--") else { return nil }
        run.file = file
        // EngineOptions.validate and RunCommand.validate: on failure ArgumentParser reports.
        if run.bounds.isUnsafe && !run.allowUnsafe { return nil }
        if !BuiltinTiers.names.contains(run.tier) { return nil }
        if run.fuel != nil && run.timeout != nil { return nil }
        if let timeout = run.timeout, RunCommand.seconds(timeout) == nil { return nil }
        if run.environment.contains(where: { !$0.contains("=") }) { return nil }
        return run
    }
}
