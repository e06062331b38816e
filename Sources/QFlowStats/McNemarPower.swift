import Foundation

/// The power of McNemar's test for n pairs whose discordant cells have probabilities p₀₁ (no → yes, McNemar's b)
/// and p₁₀ (yes → no, c), and the number of pairs for a target power.
///
/// - `power`: Connor's (1987) normal approximation Φ((√n·|δ| − z·√ψ) / √(ψ − δ²)), δ = p₀₁ − p₁₀, ψ = p₀₁ + p₁₀
///   (the far tail ignored, as `power.prop.test`), and its closed-form sample size
///   n = (z·√ψ + z_β·√(ψ − δ²))² / δ².
/// - `exactPower`: the exact power of the exact (binomial) McNemar test that `McNemarTest.exactP` computes,
///   rejecting when its p ≤ α: Σ_D P(D discordant) · P(reject | D), D ~ Binomial(n, ψ), b | D ~ Binomial(D, p₀₁/ψ).
///
/// ```swift
/// try McNemarPower(pairs: 32, p01: 4.0 / 32, p10: 1.0 / 32).exactPower   // the staff survey's power
/// ```
public struct McNemarPower: Sendable, Equatable {
    /// The number of pairs.
    public let pairs: Int
    /// P(no → yes) per pair (McNemar's b / n).
    public let p01: Double
    /// P(yes → no) per pair (McNemar's c / n).
    public let p10: Double
    /// The two-sided significance level.
    public let alpha: Double
    /// Connor's normal-approximation power.
    public let power: Double
    /// The exact power of the exact binomial McNemar test.
    public let exactPower: Double

    /// Computes both powers; throws `.invalidInput` for probabilities outside [0, 1] or summing above 1, fewer
    /// than 1 pair, or α outside (0, 1).
    public init(pairs: Int, p01: Double, p10: Double, alpha: Double = 0.05) throws(StatsError) {
        try Self.check(p01: p01, p10: p10, alpha: alpha)
        guard pairs >= 1 else { throw .invalid("power needs at least 1 pair (got \(pairs))") }
        self.pairs = pairs
        self.p01 = p01
        self.p10 = p10
        self.alpha = alpha
        let z = Normal.upperQuantile(alpha / 2)
        let delta = abs(p01 - p10)
        let psi = p01 + p10
        let spread = (psi - delta * delta).squareRoot()
        let numerator = Double(pairs).squareRoot() * delta - z * psi.squareRoot()
        if spread > 0 {
            power = Normal.cdf(numerator / spread)
        } else {
            power = numerator > 0 ? 1 : 0
        }
        exactPower = Self.exact(pairs: pairs, p01: p01, p10: p10, alpha: alpha)
    }

    /// The pairs needed for a target power by Connor's closed form (fractional, and rounded up with its power).
    public static func sampleSize(p01: Double, p10: Double, power: Double, alpha: Double = 0.05) throws(StatsError)
        -> (n: Double, pairs: Int, achieved: McNemarPower)
    {
        try check(p01: p01, p10: p10, alpha: alpha)
        guard p01 != p10 else { throw .invalid("no number of pairs detects p01 = p10") }
        guard power > alpha / 2, power < 1 else {
            throw .invalid("the target power must be between alpha/2 and 1 (got \(power))")
        }
        let delta = p01 - p10
        let psi = p01 + p10
        let root =
            Normal.upperQuantile(alpha / 2) * psi.squareRoot()
            + Normal.quantile(power) * max(0, psi - delta * delta).squareRoot()
        let n = root * root / (delta * delta)
        guard n.isFinite, n < 1e9 else { throw .invalid("the number of pairs is too large to plan (more than 1e9)") }
        let pairs = max(1, Int(n.rounded(.up)))
        return (n, pairs, try McNemarPower(pairs: pairs, p01: p01, p10: p10, alpha: alpha))
    }

    static func check(p01: Double, p10: Double, alpha: Double) throws(StatsError) {
        for (name, p) in [("p01", p01), ("p10", p10)] where !(p >= 0 && p <= 1) {
            throw .invalid("\(name) must be a probability between 0 and 1 (got \(p))")
        }
        guard p01 + p10 <= 1 else { throw .invalid("p01 + p10 must not exceed 1 (got \(p01 + p10))") }
        guard alpha > 0, alpha < 1 else { throw .invalid("alpha must be between 0 and 1 (got \(alpha))") }
    }

    /// Σ_D P(D) · [P(b ≤ k_D) + P(b ≥ D − k_D)], k_D the largest k with 2·P(X ≤ k | D, ½) ≤ α.
    static func exact(pairs n: Int, p01: Double, p10: Double, alpha: Double) -> Double {
        let psi = p01 + p10
        guard psi > 0 else { return 0 }
        let discordant = BinomialMass(n: n, p: min(1, psi))
        let pi = p01 / psi
        let rho = p10 / psi
        var k = -1
        var power = 0.0
        for d in discordant.range where d > 0 {
            while k + 1 < d && 2 * Binomial.lowerTailHalf(k + 1, trials: d) <= alpha { k += 1 }
            guard k >= 0 else { continue }
            // P(b ≤ k) = I_{ρ}(d − k, k + 1) and P(b ≥ d − k) = I_{π}(d − k, k + 1) for b ~ Binomial(d, π).
            let lower = IncompleteBeta.both(x: rho, y: pi, a: Double(d - k), b: Double(k + 1)).value
            let upper = IncompleteBeta.both(x: pi, y: rho, a: Double(d - k), b: Double(k + 1)).value
            power += discordant[d] * (lower + upper)
        }
        return min(1, power)
    }
}
