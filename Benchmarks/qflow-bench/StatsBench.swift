import Foundation
import QFlowStats

/// Times the full 2×2 `proportions` block (every statistic of the machine contract: Pearson, Yates, G, Fisher
/// two- and one-sided, risk difference with Newcombe interval, odds ratio with Woolf interval, two Wilson
/// intervals, expected counts) over `calls` calls on 1,000 varied tables, then runs the SciPy peer
/// (`fisher_exact` + `chi2_contingency`) in the same invocation and prints µs per call and the ratio.
func runStatsBenchmark(calls: Int) {
    defer { runPlanningBenchmark() }
    let calls = max(1, calls)
    print("== stats: full 2×2 proportions block, \(calls) calls over 1,000 tables (n 50–500 per group)")
    let tables = StatsBenchTables.make(count: 1000)
    _ = StatsBenchTables.time(tables, calls: max(1, calls / 10))  // warm-up
    let (ours, checksum) = StatsBenchTables.time(tables, calls: calls)
    print(String(format: "  qflow stats       %9.2f µs per block (checksum %.6g)", ours, checksum))

    guard let shared = Peers.sharedBench else {
        print("  SciPy peer skipped: ../shared/bench not found")
        return
    }
    // Same kind of tables on both sides: the peer's own "varied" mode cycles 1,000 random tables of this size.
    guard
        let output = Peers.shell(
            ["bash", shared + "/run-peers.sh", "stats", "--calls", String(calls), "--reps", "1", "--table", "varied"])
    else {
        print("  SciPy peer failed (see the messages above)")
        return
    }
    var perFunction: [String: Double] = [:]
    for line in output.split(separator: "\n") where line.hasPrefix("{") {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let name = object["fn"] as? String, let us = object["us_per_call"] as? Double
        else { continue }
        perFunction[name] = us
    }
    guard let fisher = perFunction["fisher_exact"], let chi2 = perFunction["chi2_contingency"] else {
        print("  SciPy peer printed no figures")
        return
    }
    let peer = fisher + chi2
    print(String(format: "  SciPy fisher_exact %8.2f µs per call", fisher))
    print(String(format: "  SciPy chi2_contingency %4.2f µs per call", chi2))
    print(String(format: "  SciPy block       %9.2f µs (fisher_exact + chi2_contingency, same invocation)", peer))
    print(String(format: "  ratio             %9.1f× faster (target ≥ 20×)", peer / ours))
}

/// Inputs, timing and process helpers for the statistics benchmark.
private enum StatsBenchTables {
    /// Deterministic tables like the peer's: n₁, n₂ in 50…500, event rates in 2%…30%.
    static func make(count: Int) -> [(x1: Int, n1: Int, x2: Int, n2: Int)] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        return (0..<count).map { _ in
            let n1 = 50 + Int(next() * 451)
            let n2 = 50 + Int(next() * 451)
            let p1 = 0.02 + 0.28 * next()
            let p2 = 0.02 + 0.28 * next()
            return (min(n1, Int((Double(n1) * p1).rounded())), n1, min(n2, Int((Double(n2) * p2).rounded())), n2)
        }
    }

    /// µs per block, and a checksum that keeps the work observable.
    static func time(_ tables: [(x1: Int, n1: Int, x2: Int, n2: Int)], calls: Int) -> (Double, Double) {
        var checksum = 0.0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for i in 0..<calls {
                let t = tables[i % tables.count]
                if let r = try? ProportionsComparison(x1: t.x1, n1: t.n1, x2: t.x2, n2: t.n2) {
                    checksum +=
                        r.fisher.twoSidedP + (r.pearsonP ?? 0) + r.riskDifferenceInterval.low
                        + r.oddsRatioInterval.high + r.wilsonA.low
                }
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (seconds * 1e6 / Double(calls), checksum)
    }

}
