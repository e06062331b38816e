import Foundation

extension IncompleteBeta {
    /// The x with Iₓ(a, b) = p (R's `qbeta(p, a, b)`), by Brent's method on [0, 1] to full precision.
    public static func quantile(_ p: Double, a: Double, b: Double) -> Double {
        guard p >= 0, p <= 1, a > 0, b > 0 else { return .nan }
        if p == 0 { return 0 }
        if p == 1 { return 1 }
        return RootFinding.brent(0, 1, tolerance: 0) { regularized($0, a: a, b: b) - p } ?? .nan
    }

    /// The Clopper–Pearson (exact) interval for x successes in n trials (R `binom.test(x, n)$conf.int`).
    public static func clopperPearson(successes x: Int, trials n: Int, confidence: Double = 0.95)
        -> ConfidenceInterval
    {
        precondition(n > 0 && x >= 0 && x <= n, "Clopper–Pearson needs 0 <= x <= n, n > 0")
        let alpha = (1 - confidence) / 2
        let low = x == 0 ? 0 : quantile(alpha, a: Double(x), b: Double(n - x + 1))
        let high = x == n ? 1 : quantile(1 - alpha, a: Double(x + 1), b: Double(n - x))
        return ConfidenceInterval(low: low, high: high)
    }
}
