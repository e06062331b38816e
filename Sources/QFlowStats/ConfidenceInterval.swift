import Foundation

/// A two-sided confidence interval.
public struct ConfidenceInterval: Sendable, Equatable {
    /// The lower limit.
    public let low: Double
    /// The upper limit.
    public let high: Double

    /// Creates an interval from its limits.
    public init(low: Double, high: Double) {
        self.low = low
        self.high = high
    }

    /// z = Φ⁻¹(0.975) = 1.9599639845400543 (the double nearest the true value), computed, not the rounded 1.96,
    /// and used for every 95% interval.
    ///
    /// It is computed as the upper 0.025 quantile: the double nearest 0.975 lies 2.2e-17 below 0.975, which would
    /// move the result by one unit in the last place, while 0.025 is represented almost exactly. (R's
    /// `qnorm(0.975)` returns the neighbouring double 1.959963984540054; the difference is 1.1e-16 relative.)
    public static let z95: Double = Normal.upperQuantile(0.025)

    /// The Wilson score interval (no continuity correction) for x successes in n trials, at 95%.
    ///
    /// The limits are computed in a form free of cancellation: the lower limit is 2x² / (n·(2x + z² + z√(z² +
    /// 4x(1 − x/n)))), exactly 0 when x = 0; the upper limit is 1 minus the lower limit of the complement.
    public static func wilson(successes x: Int, trials n: Int) -> ConfidenceInterval {
        precondition(n > 0 && x >= 0 && x <= n, "Wilson interval needs 0 <= x <= n, n > 0")
        return ConfidenceInterval(low: wilsonLower(x, n), high: 1 - wilsonLower(n - x, n))
    }

    private static func wilsonLower(_ x: Int, _ n: Int) -> Double {
        let z = z95
        let xd = Double(x)
        let nd = Double(n)
        let a = 2 * xd + z * z
        let b = z * sqrt(z * z + 4 * xd * (1 - xd / nd))
        return 2 * xd * xd / (nd * (a + b))
    }

    /// The Newcombe hybrid score interval (method 10) for p₁ − p₂, built from the two Wilson intervals.
    public static func newcombeDifference(x1: Int, n1: Int, x2: Int, n2: Int) -> ConfidenceInterval {
        let p1 = Double(x1) / Double(n1)
        let p2 = Double(x2) / Double(n2)
        let w1 = wilson(successes: x1, trials: n1)
        let w2 = wilson(successes: x2, trials: n2)
        let delta = ((p1 - w1.low) * (p1 - w1.low) + (w2.high - p2) * (w2.high - p2)).squareRoot()
        let epsilon = ((w1.high - p1) * (w1.high - p1) + (p2 - w2.low) * (p2 - w2.low)).squareRoot()
        return ConfidenceInterval(low: p1 - p2 - delta, high: p1 - p2 + epsilon)
    }
}
