import Foundation

extension McNemarTest {
    /// The conditional odds ratio b / c of a change, with the exact interval from the Clopper–Pearson limits of
    /// b out of b + c mapped through p / (1 − p) (as `exact2x2::mcnemar.exact`); nil when b + c = 0. An infinite
    /// estimate (c = 0) or upper limit is nil.
    public var conditionalOddsRatio: (estimate: Double?, low: Double, high: Double?)? {
        guard b + c > 0 else { return nil }
        let cp = IncompleteBeta.clopperPearson(successes: b, trials: b + c)
        let high = cp.high >= 1 ? nil : cp.high / (1 - cp.high)
        return (c == 0 ? nil : Double(b) / Double(c), cp.low / (1 - cp.low), high)
    }

    /// The power this test had for its own observed discordant shares among `pairs` pairs (α = 0.05).
    public func observedPower(pairs: Int) -> McNemarPower? {
        guard pairs >= b + c, pairs > 0 else { return nil }
        return try? McNemarPower(pairs: pairs, p01: Double(b) / Double(pairs), p10: Double(c) / Double(pairs))
    }
}
