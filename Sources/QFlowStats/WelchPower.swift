import Foundation

/// The power of Welch's two-sided t-test for a true mean difference δ with standard deviations σ₁, σ₂, and the
/// size per group for a target power.
///
/// power = P(T′ > t_{α/2, ν}) with T′ noncentral t(ν, |δ|/SE), SE = √(σ₁²/n₁ + σ₂²/n₂) and ν the
/// Welch–Satterthwaite degrees of freedom of the true variances; the far tail is ignored (`strict = FALSE`). With
/// σ₁ = σ₂ and n₁ = n₂ this is exactly R's `power.t.test(n, delta, sd)` (ν = 2n − 2).
///
/// ```swift
/// try WelchPower(delta: 1, sd1: 1, sd2: 1, n1: 20, n2: 20).power   // 0.8689528… = power.t.test(20, 1, 1)$power
/// ```
public struct WelchPower: Sendable, Equatable {
    /// The true mean difference.
    public let delta: Double
    /// The standard deviation in group A.
    public let sd1: Double
    /// The standard deviation in group B.
    public let sd2: Double
    /// The size of group A (fractional sizes are allowed, as in `power.t.test`).
    public let n1: Double
    /// The size of group B.
    public let n2: Double
    /// The two-sided significance level.
    public let alpha: Double
    /// Welch–Satterthwaite degrees of freedom.
    public let degreesOfFreedom: Double
    /// The noncentrality |δ| / SE.
    public let noncentrality: Double
    /// The power.
    public let power: Double

    /// Computes the power; throws `.invalidInput` for a group smaller than 2, a standard deviation ≤ 0, a
    /// non-finite δ or α outside (0, 1).
    public init(delta: Double, sd1: Double, sd2: Double, n1: Double, n2: Double, alpha: Double = 0.05)
        throws(StatsError)
    {
        try Self.check(delta: delta, sd1: sd1, sd2: sd2, alpha: alpha)
        guard n1 >= 2, n2 >= 2, n1.isFinite, n2.isFinite else {
            throw .invalid("Welch power needs at least 2 per group (n1 = \(n1), n2 = \(n2))")
        }
        self.delta = delta
        self.sd1 = sd1
        self.sd2 = sd2
        self.n1 = n1
        self.n2 = n2
        self.alpha = alpha
        let va = sd1 * sd1 / n1
        let vb = sd2 * sd2 / n2
        let se2 = va + vb
        let df = se2 * se2 / (va * va / (n1 - 1) + vb * vb / (n2 - 1))
        degreesOfFreedom = df
        noncentrality = abs(delta) / se2.squareRoot()
        let critical = StudentT.upperQuantileSolution(alpha / 2, degreesOfFreedom: df)
        power =
            1
            - NoncentralT.cdf(
                critical.t, degreesOfFreedom: df, noncentrality: noncentrality,
                central: (lowerIncompleteBeta: 1 - alpha, logBeta: critical.logBeta))
    }

    /// The equal size per group at which the power reaches the target (as `power.t.test(power =, delta =, sd =)`
    /// finds with `uniroot`, here with Brent's method to full precision), and that size rounded up; 2 when two per
    /// group already reach it.
    public static func sampleSize(delta: Double, sd1: Double, sd2: Double, power: Double, alpha: Double = 0.05)
        throws(StatsError) -> (n: Double, perGroup: Int, achieved: WelchPower)
    {
        try check(delta: delta, sd1: sd1, sd2: sd2, alpha: alpha)
        guard delta != 0 else { throw .invalid("no sample size detects a difference of 0 (delta = 0)") }
        guard power > alpha / 2, power < 1 else {
            throw .invalid("the target power must be between alpha/2 and 1 (got \(power))")
        }
        func f(_ n: Double) -> Double {
            ((try? WelchPower(delta: delta, sd1: sd1, sd2: sd2, n1: n, n2: n, alpha: alpha))?.power ?? .nan) - power
        }
        // Start at Guenther's (1981) size, the normal-approximation 2·((z_α/2 + z_β)·σ̄/δ)² plus z_α/2²/4, which is
        // within a fraction of one of the t-test's; bracket it by ±½, widening fourfold until the power crosses the
        // target (it increases with n), then Brent from the evaluated ends. Each evaluation is a whole power
        // calculation, so none is repeated.
        let zAlpha = Normal.upperQuantile(alpha / 2)
        let z = zAlpha + Normal.quantile(power)
        let guess = max(2, (sd1 * sd1 + sd2 * sd2) * z * z / (delta * delta) + zAlpha * zAlpha / 4)
        var width = 0.5
        var (low, high) = (max(2, guess - width), guess + width)
        var (fLow, fHigh) = (f(low), f(high))
        while fLow > 0 {
            if low == 2 {
                return (2, 2, try WelchPower(delta: delta, sd1: sd1, sd2: sd2, n1: 2, n2: 2, alpha: alpha))
            }
            (high, fHigh) = (low, fLow)
            width *= 4
            low = max(2, guess - width)
            fLow = f(low)
        }
        while fHigh < 0 && high < 1e9 {
            (low, fLow) = (high, fHigh)
            width *= 4
            high = min(1e9, guess + width)
            fHigh = f(high)
        }
        guard fHigh >= 0, let n = RootFinding.brent(low, high, fa0: fLow, fb0: fHigh, tolerance: 1e-12, f) else {
            throw StatsError(.noConvergence, "no sample size up to 1e9 per group reaches power \(power)")
        }
        let perGroup = Int(n.rounded(.up))
        let achieved = try WelchPower(
            delta: delta, sd1: sd1, sd2: sd2, n1: Double(perGroup), n2: Double(perGroup), alpha: alpha)
        return (n, perGroup, achieved)
    }

    static func check(delta: Double, sd1: Double, sd2: Double, alpha: Double) throws(StatsError) {
        guard delta.isFinite else { throw .invalid("delta must be a finite number") }
        guard sd1 > 0, sd2 > 0, sd1.isFinite, sd2.isFinite else {
            throw .invalid("standard deviations must be positive (sd1 = \(sd1), sd2 = \(sd2))")
        }
        guard alpha > 0, alpha < 1 else { throw .invalid("alpha must be between 0 and 1 (got \(alpha))") }
    }
}
