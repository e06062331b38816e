import Foundation

/// McNemar's test for paired binary data, from the discordant pairs b (no → yes) and c (yes → no).
public struct McNemarTest: Sendable, Equatable {
    /// Discordant pairs of one kind.
    public let b: Int
    /// Discordant pairs of the other kind.
    public let c: Int
    /// χ² with continuity correction, (|b − c| − 1)² / (b + c); 0 when b = c (as R `mcnemar.test`).
    public let chi2: Double
    /// p-value of the corrected χ², df 1.
    public let p: Double
    /// χ² without correction, (b − c)² / (b + c); 0 when b = c.
    public let uncorrectedChi2: Double
    /// p-value of the uncorrected χ².
    public let uncorrectedP: Double
    /// Exact two-sided binomial p: 2·P(X ≤ min(b, c)) for X ~ Binomial(b + c, ½), capped at 1.
    public let exactP: Double
    /// Mid-p: the uncapped exact p minus P(X = min(b, c)), capped at 1 (Fagerland et al. 2013).
    public let midP: Double

    /// Runs the test; throws `.invalidInput` for negative counts.
    public init(b: Int, c: Int) throws(StatsError) {
        guard b >= 0, c >= 0 else { throw .invalid("discordant counts must be non-negative (b = \(b), c = \(c))") }
        self.b = b
        self.c = c
        let n = b + c
        if b == c {
            chi2 = 0
            p = 1
            uncorrectedChi2 = 0
            uncorrectedP = 1
        } else {
            let diff = Double(abs(b - c))
            chi2 = (diff - 1) * (diff - 1) / Double(n)
            p = ChiSquareDistribution.survival(chi2, degreesOfFreedom: 1)
            uncorrectedChi2 = diff * diff / Double(n)
            uncorrectedP = ChiSquareDistribution.survival(uncorrectedChi2, degreesOfFreedom: 1)
        }
        let k = min(b, c)
        let tail = Binomial.lowerTailHalf(k, trials: n)
        let point = exp(Binomial.logProbability(k, trials: n, probability: 0.5))
        exactP = min(1, 2 * tail)
        midP = min(1, 2 * tail - point)
    }
}
