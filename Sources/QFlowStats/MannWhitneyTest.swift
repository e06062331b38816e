import Foundation

/// The Mann–Whitney U test (Wilcoxon rank-sum), normal approximation with tie and continuity correction,
/// as R `wilcox.test(a, b, exact = FALSE, correct = TRUE)`.
///
/// If every observation is tied the variance is 0 and `z` and `p` are undefined (`nil`).
public struct MannWhitneyTest: Sendable, Equatable {
    /// U of sample a: the rank sum of a minus na(na+1)/2 (R's W).
    public let u: Double
    /// The continuity-corrected z statistic.
    public let z: Double?
    /// Two-sided p-value.
    public let p: Double?
    /// Sizes of the samples.
    public let countA: Int
    /// Size of sample b.
    public let countB: Int
    /// Mean rank of sample a in the pooled ranking.
    public let meanRankA: Double
    /// Mean rank of sample b.
    public let meanRankB: Double

    /// Runs the test; throws `.invalidInput` for an empty sample or a non-finite value.
    public init(a: [Double], b: [Double]) throws(StatsError) {
        for (name, sample) in [("a", a), ("b", b)] {
            guard !sample.isEmpty else { throw .invalid("sample \(name) is empty") }
            guard sample.allSatisfy(\.isFinite) else { throw .invalid("sample \(name) contains a non-finite value") }
        }
        let na = Double(a.count)
        let nb = Double(b.count)
        let (rankSumA, tieTerm) = Self.rankSum(a, b)
        let n = na + nb
        u = rankSumA - na * (na + 1) / 2
        countA = a.count
        countB = b.count
        meanRankA = rankSumA / na
        meanRankB = (n * (n + 1) / 2 - rankSumA) / nb
        let centred = u - na * nb / 2
        let sigma = (na * nb / 12 * ((n + 1) - tieTerm / (n * (n - 1)))).squareRoot()
        guard sigma > 0 else {
            z = nil
            p = nil
            return
        }
        let correction = centred > 0 ? 0.5 : (centred < 0 ? -0.5 : 0)
        let zValue = (centred - correction) / sigma
        z = zValue
        p = min(1, 2 * Normal.survival(abs(zValue)))
    }

    /// The rank sum of sample a in the pooled samples (midranks for ties) and Σ(t³ − t) over the ties.
    static func rankSum(_ a: [Double], _ b: [Double]) -> (rankSumA: Double, tieTerm: Double) {
        let pooled = (a.map { ($0, true) } + b.map { ($0, false) }).sorted { $0.0 < $1.0 }
        var rankSumA = 0.0
        var tieTerm = 0.0
        var i = 0
        while i < pooled.count {
            var j = i
            while j + 1 < pooled.count && pooled[j + 1].0 == pooled[i].0 { j += 1 }
            let rank = Double(i + j + 2) / 2
            let t = Double(j - i + 1)
            if t > 1 { tieTerm += t * t * t - t }
            for k in i...j where pooled[k].1 { rankSumA += rank }
            i = j + 1
        }
        return (rankSumA, tieTerm)
    }
}
