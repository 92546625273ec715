extension SchedulerBenchmark {
    /// The results as text tables.
    func table() -> String {
        func ms(_ ns: UInt64) -> String { Self.fixed(Double(ns) / 1e6, 3) }
        func us(_ ns: UInt64) -> String { Self.fixed(Double(ns) / 1e3, 1) }
        func middle(_ values: [Int]) -> Int { values.isEmpty ? 0 : values.sorted()[values.count / 2] }
        var out = ""
        if let s = results.switches {
            out += "fiber switch (ns per switch, median of \(runs))\n"
            out += "  emitted switch  " + Self.fixed(s.raw, 1) + "\n"
            out += "  swapcontext     " + Self.fixed(s.swapcontext, 1)
                + "   (" + Self.fixed(s.swapcontext / max(s.raw, 0.001), 1) + "x the emitted switch)\n"
            out += "  Fiber.yield     " + Self.fixed(s.yield, 1) + "   (fiber -> worker -> fiber, queue included)\n\n"
        }
        if !results.latency.isEmpty {
            out += "preemption (quantum \(ms(quantum)) ms, one runaway sandbox per worker, 2 workers)\n"
            out += "  tier    mechanism  requests  redirected  latency p50/p99/max (µs)      slice p50/p99/max (ms)\n"
            for l in results.latency {
                out += "  " + Self.pad(l.tier, 8) + Self.pad(l.preemption, 11) + Self.pad(String(l.preemptions), 10) + Self.pad(String(l.redirects), 12)
                    + Self.pad("\(us(l.latency.p50)) / \(us(l.latency.p99)) / \(us(l.latency.max))", 30)
                    + "\(ms(l.slice.p50)) / \(ms(l.slice.p99)) / \(ms(l.slice.max))\n"
            }
            out += "\n"
        }
        if !results.slowdown.isEmpty {
            out += "preempted kernel (\(kernel) \(kernelSize), \(slowdownSandboxes) sandboxes on 1 worker: rr every quantum vs fifo)\n"
            for s in results.slowdown {
                out += "  " + Self.pad(s.tier, 8) + Self.pad(s.preemption, 8) + "alone " + Self.fixed(Self.median(s.aloneSeconds), 3) + " s  preempted "
                    + Self.fixed(Self.median(s.preemptedSeconds), 3) + " s  ratio " + Self.fixed(s.medianRatio, 4)
                    + "  (\(middle(s.preemptions)) preemptions)\n"
            }
            out += "\n"
        }
        if !results.density.isEmpty {
            out += "density (idle sandboxes: instantiated, fiber parked, one touched page)\n"
            for d in results.density {
                out += "  " + Self.pad(d.bounds, 9) + Self.pad(d.tier, 5) + "\(d.parked) parked of \(d.attempted)  "
                    + Self.fixed(d.spawnMicroseconds, 1) + " µs/spawn  " + Self.fixed(d.residentBytesPerSandbox / 1024, 1)
                    + " KiB resident each" + (d.failure.map { "  stopped: \($0)" } ?? "") + "\n"
            }
            out += "\n"
        }
        if !results.mixed.isEmpty {
            out += "mixed workload (1 worker: short 0.5 ms / deadline 5 ms every 4 ms, long 20 ms / 200 ms every 50 ms)\n"
            out += "  policy  short missed      short p50/p99 (ms)   long missed\n"
            for m in results.mixed {
                out += "  " + Self.pad(m.policy, 8) + Self.pad("\(m.shortMissed)/\(m.shortCount)", 18)
                    + Self.pad("\(ms(m.shortLatency.p50)) / \(ms(m.shortLatency.p99))", 21) + "\(m.longMissed)/\(m.longCount)\n"
            }
            out += "\n"
        }
        if let s = results.steal {
            out += "work stealing (\(s.sandboxes) sandboxes queued on one worker)\n"
            out += "  1 worker " + Self.fixed(s.oneWorkerPerSecond, 0) + "/s  2 workers " + Self.fixed(s.twoWorkersPerSecond, 0)
                + "/s  speedup " + Self.fixed(s.speedup, 2) + "x  steals \(middle(s.steals))\n\n"
        }
        return out
    }
}
