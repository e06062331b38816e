import Foundation

/// The Hodges–Lehmann shift between two samples (the median of all differences aᵢ − bⱼ) with the confidence
/// interval that goes with the Mann–Whitney test's normal approximation.
///
/// The interval is R's `wilcox.test(a, b, exact = FALSE, correct = TRUE, conf.int = TRUE)$conf.int`: the limits
/// are where the continuity-corrected z statistic of a − d against b crosses ±z_{α/2}. That statistic is a step
/// function of d that jumps only at the differences, so each limit is one of the differences; it is found here
/// by bisection over the sorted differences rather than by `uniroot`. When the level cannot be reached (tiny
/// samples; R then widens it with a warning) the interval is nil. The estimate is the textbook median of the
/// differences (R's exact path); R's asymptotic path instead returns some root of the corrected statistic, which
/// can be any point between the two middle differences.
public struct HodgesLehmann: Sendable, Equatable {
    /// The median of the na·nb differences aᵢ − bⱼ.
    public let estimate: Double
    /// The interval for the shift, nil when the confidence level cannot be reached.
    public let interval: ConfidenceInterval?

    /// The largest na·nb handled (the differences are sorted in memory).
    public static let maximumPairs = 4_000_000

    /// Computes the shift; throws `.invalidInput` for an empty sample, a non-finite value, or more than
    /// `maximumPairs` differences.
    public init(a: [Double], b: [Double], confidence: Double = 0.95) throws(StatsError) {
        for (name, sample) in [("a", a), ("b", b)] {
            guard !sample.isEmpty else { throw .invalid("sample \(name) is empty") }
            guard sample.allSatisfy(\.isFinite) else { throw .invalid("sample \(name) contains a non-finite value") }
        }
        guard a.count * b.count <= Self.maximumPairs else {
            throw .invalid(
                "the Hodges–Lehmann shift sorts na·nb = \(a.count * b.count) differences; "
                    + "the limit is \(Self.maximumPairs)"
            )
        }
        var diffs: [Double] = []
        diffs.reserveCapacity(a.count * b.count)
        for x in a { for y in b { diffs.append(x - y) } }
        let m = diffs.count
        let sortedA = a.sorted()
        let sortedB = b.sorted()
        // Between two neighbouring distinct differences no aᵢ − d equals a bⱼ, so W = #{differences > d} and the tie
        // correction comes from the ties within a and within b alone: the statistic there is a function of the count
        // c of differences ≤ d, decreasing in c. The first distinct difference at which it falls below a level is
        // then the c*-th smallest difference, c* the least count in 1…m below the level — two order statistics
        // (selected, not sorted) instead of a bisection that ranks the pooled sample at every step.
        let na = Double(a.count)
        let nb = Double(b.count)
        let n = na + nb
        let tieTerm = Self.tieTerm(sortedA) + Self.tieTerm(sortedB)
        let sigma = (na * nb / 12 * ((n + 1) - tieTerm / (n * (n - 1)))).squareRoot()
        func statistic(countAtOrBelow c: Int) -> Double {
            guard sigma > 0 else { return 0 }
            let dz = Double(m - c) - Double(m) / 2
            let correction = dz > 0 ? 0.5 : (dz < 0 ? -0.5 : 0)
            return (dz - correction) / sigma
        }
        func leastCount(below level: Double) -> Int {
            var (lo, hi) = (1, m)
            while lo < hi {
                let mid = (lo + hi) / 2
                if statistic(countAtOrBelow: mid) < level { hi = mid } else { lo = mid + 1 }
            }
            return lo
        }
        var selection = OrderStatistics(diffs)
        estimate =
            m % 2 == 1
            ? selection.value(at: m / 2) : (selection.value(at: m / 2 - 1) + selection.value(at: m / 2)) / 2
        let z = Normal.upperQuantile((1 - confidence) / 2)
        let first = selection.value(at: 0)
        let last = selection.value(at: m - 1)
        // At the extreme differences themselves a pair ties: R's wdiff there, from the pooled ranks.
        if Self.correctedZ(shiftedA: sortedA.map { $0 - first }, b: sortedB) < z
            || Self.correctedZ(shiftedA: sortedA.map { $0 - last }, b: sortedB) > -z
        {
            interval = nil
        } else {
            interval = ConfidenceInterval(
                low: selection.value(at: leastCount(below: z) - 1), high: selection.value(at: leastCount(below: -z) - 1)
            )
        }
    }

    /// Σ (t³ − t) over the groups of equal values of a sorted sample.
    static func tieTerm(_ sorted: [Double]) -> Double {
        var term = 0.0
        var i = 0
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count && sorted[j + 1] == sorted[i] { j += 1 }
            let t = Double(j - i + 1)
            term += t * t * t - t
            i = j + 1
        }
        return term
    }

    /// (W − na·nb/2 − sign·½) / σ with midranks and the tie correction, as R's wdiff; 0 when σ = 0.
    static func correctedZ(shiftedA: [Double], b: [Double]) -> Double {
        let na = Double(shiftedA.count)
        let nb = Double(b.count)
        let (rankSumA, tieTerm) = MannWhitneyTest.rankSum(shiftedA, b)
        let n = na + nb
        let dz = rankSumA - na * (na + 1) / 2 - na * nb / 2
        let sigma = (na * nb / 12 * ((n + 1) - tieTerm / (n * (n - 1)))).squareRoot()
        guard sigma > 0 else { return 0 }
        let correction = dz > 0 ? 0.5 : (dz < 0 ? -0.5 : 0)
        return (dz - correction) / sigma
    }
}
