#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Testing
import WAT
@testable import SpecRunner
import FuzzTargets

/// Modules the fuzzers found (Tests/FuzzRegressions/, see Docs/Fuzzing.md): each must load
/// and run the same under every tier x safe strategy, without taking the host down.
@Suite struct FuzzRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("FuzzRegressions")

    static var inputs: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".wasm") }.sorted()
    }

    @Test func theCorpusIsThere() {
        #expect(Self.inputs.contains("jit-unbound-label.wasm"))
    }

    @Test(arguments: inputs)
    func runsTheSameEverywhere(_ name: String) throws {
        let data = try #require(FileManager.default.contents(atPath: Self.folder.appendingPathComponent(name).path))
        let runner = DifferentialRun()
        let configurations = DifferentialRun.Configuration.allSafe
        #expect(configurations.count >= 2)
        let reference = runner.outcome(of: [UInt8](data), under: configurations[0]).lines
        #expect(reference.first?.hasPrefix("instantiate") == true)
        for c in configurations.dropFirst() {
            let other = runner.outcome(of: [UInt8](data), under: c).lines
            #expect(DifferentialRun.firstDifference(reference, other) == nil, "\(c) vs \(configurations[0])")
        }
    }

    /// Branches inside a block entered from dead code name labels no live code binds: the
    /// JIT once linked them and died ("unbound label"). Nothing there may be compiled.
    @Test func deadCodeBranchesToDeadLabels() throws {
        let bytes = try WAT.encode("""
            (module (func (export "f") (param i32) (result i32)
              (block $out (result i32)
                (return (i32.const 7))
                (loop $l
                  (block $b (br_table $l $b $b (local.get 0)))
                  (if (local.get 0) (then (br $l)) (else (br_if $out (i32.const 3) (i32.const 1)) (drop))))
                (i32.const 1))))
            """)
        for c in DifferentialRun.Configuration.allSafe {
            let lines = DifferentialRun().outcome(of: bytes, under: c).lines
            #expect(lines.first == "instantiate ok", "\(c)")
            #expect(lines.dropFirst().allSatisfy { $0.hasSuffix("-> i32:00000007") }, "\(c): \(lines)")
        }
    }

    @Test func outcomesCompareUntilTheStackRunsOut() {
        #expect(DifferentialRun.firstDifference(["a", "b"], ["a", "c"]) == 1)
        #expect(DifferentialRun.firstDifference(["a", "b"], ["a"]) == 1)
        #expect(DifferentialRun.firstDifference(["a", "x -> trap call stack exhausted", "b"], ["a", "x -> i32:0", "c"]) == nil)
        #expect(DifferentialRun.firstDifference(["a"], ["a"]) == nil)
    }

    @Test func configurationsParse() {
        #expect(DifferentialRun.Configuration("jit:guard")?.description == "jit:guard")
        #expect(DifferentialRun.Configuration("jit") == nil)
        #expect(DifferentialRun.Configuration("jit:nope") == nil)
    }
}

/// The libFuzzer targets replay what they found (Tests/FuzzRegressions/decode and wat)
/// and the differential corpus without the fuzzer: each input must return normally.
@Suite struct FuzzTargetReplayTests {
    static func files(_ sub: String) -> [URL] {
        let folder = FuzzRegressionTests.folder.appendingPathComponent(sub)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }
    }

    @Test func decodeAndWATTargetsReturnOnEveryInput() throws {
        var ran = 0
        for (target, sub) in [(FuzzTarget.decode, "decode"), (.decode, ""), (.wat, "wat")] {
            for url in Self.files(sub) where sub != "" || url.pathExtension == "wasm" {
                let data = try #require(FileManager.default.contents(atPath: url.path))
                target.run([UInt8](data))
                ran += 1
            }
        }
        #expect(ran >= FuzzRegressionTests.inputs.count)
    }
}
