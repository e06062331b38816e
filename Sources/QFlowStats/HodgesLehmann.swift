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
                "the Hodges–Lehmann shift sorts na·nb = \(a.count * b.count) differences; the limit is \(Self.maximumPairs)"
            )
        }
        var diffs: [Double] = []
        diffs.reserveCapacity(a.count * b.count)
        for x in a { for y in b { diffs.append(x - y) } }
        diffs.sort()
        let m = diffs.count
        estimate = m % 2 == 1 ? diffs[m / 2] : (diffs[m / 2 - 1] + diffs[m / 2]) / 2
        let distinct = diffs.reduce(into: [Double]()) { if $0.last != $1 { $0.append($1) } }
        let z = Normal.upperQuantile((1 - confidence) / 2)
        let sortedB = b.sorted()
        let sortedA = a.sorted()
        // R's wdiff: the corrected z of (a − d) against b.
        func statistic(_ d: Double) -> Double {
            Self.correctedZ(shiftedA: sortedA.map { $0 - d }, b: sortedB)
        }
        // The first distinct difference at which the statistic falls below `level` (it is non-increasing in d).
        func crossing(_ level: Double) -> Double {
            var lo = 0
            var hi = distinct.count - 1
            func above(_ j: Int) -> Double {  // a point between distinct[j] and distinct[j + 1]
                j + 1 < distinct.count ? distinct[j] + (distinct[j + 1] - distinct[j]) / 2 : distinct[j] + 1
            }
            while lo < hi {
                let mid = (lo + hi) / 2
                if statistic(above(mid)) < level { hi = mid } else { lo = mid + 1 }
            }
            return distinct[lo]
        }
        let first = distinct[0]
        let last = distinct[distinct.count - 1]
        if statistic(first) < z || statistic(last) > -z {
            interval = nil
        } else {
            interval = ConfidenceInterval(low: crossing(z), high: crossing(-z))
        }
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
