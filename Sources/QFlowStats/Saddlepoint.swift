import Foundation

/// Loader's saddle-point building blocks (stirlerr, bd0), as used by R's nmath for binomial, Poisson and
/// hypergeometric densities: they keep log-densities accurate without subtracting large log-factorials.
enum Saddlepoint {
    /// log(√(2π)).
    static let lnSqrt2Pi = 0.9189385332046728
    /// log(2π).
    static let ln2Pi = 1.8378770664093456

    /// stirlerr(n) for n = 0, 0.5, 1, …, 15, computed once with mpmath (40 digits):
    /// lgamma(n+1) − (n+½)·log(n) + n − log√(2π); stirlerr(0) = 0 by convention.
    private static let halfIntegerTable: [Double] = [
        0.0, 0.15342640972002736, 0.08106146679532726, 0.05481412105191765, 0.0413406959554093,
        0.03316287351993629, 0.02767792568499834, 0.023746163656297496, 0.020790672103765093,
        0.018488450532673187, 0.016644691189821193, 0.015134973221917378, 0.013876128823070748,
        0.012810465242920227, 0.01189670994589177, 0.011104559758206917, 0.010411265261972096,
        0.009799416126158804, 0.009255462182712733, 0.008768700134139386, 0.00833056343336287,
        0.00793411456431402, 0.007573675487951841, 0.007244554301320383, 0.00694284010720953,
        0.006665247032707682, 0.006408994188004207, 0.006171712263039458, 0.0059513701127588475,
        0.0057462165130101155, 0.005554733551962801,
    ]

    /// The Stirling-series remainder lgamma(x) − ((x−½)·log x − x + log√(2π)), for x ≥ 10 (error < 1e-17).
    static func lgammaCorrection(_ x: Double) -> Double {
        let r = 1 / x
        let r2 = r * r
        // Σ B₂ₖ / (2k(2k−1) x^(2k−1)), k = 1…8, in Horner form in 1/x².
        var s = -3617.0 / 122_400.0
        s = s * r2 + 1.0 / 156.0
        s = s * r2 - 691.0 / 360_360.0
        s = s * r2 + 1.0 / 1188.0
        s = s * r2 - 1.0 / 1680.0
        s = s * r2 + 1.0 / 1260.0
        s = s * r2 - 1.0 / 360.0
        s = s * r2 + 1.0 / 12.0
        return s * r
    }

    /// stirlerr(n) = log(n!) − log(√(2πn)·(n/e)ⁿ), accurate in absolute terms for all n ≥ 0.
    static func stirlerr(_ n: Double) -> Double {
        if n <= 15, (2 * n).rounded() == 2 * n {
            return halfIntegerTable[Int(2 * n)]
        }
        if n >= 10 { return lgammaCorrection(n) }
        // Recur upward: stirlerr(n) − stirlerr(n+1) = (n+½)·log1p(1/n) − 1.
        var m = n
        var acc = 0.0
        while m < 10 {
            acc += (m + 0.5) * log1p(1 / m) - 1
            m += 1
        }
        return acc + lgammaCorrection(m)
    }

    /// bd0(x, np) = x·log(x/np) + np − x, computed without cancellation when x ≈ np.
    static func bd0(_ x: Double, _ np: Double) -> Double {
        if x == 0 { return np }
        if abs(x - np) < 0.1 * (x + np) {
            var v = (x - np) / (x + np)
            var s = (x - np) * v
            if abs(s) < Double.leastNormalMagnitude { return s }
            var ej = 2 * x * v
            v *= v
            var j = 1
            while j < 1000 {
                ej *= v
                let s1 = s + ej / Double(2 * j + 1)
                if s1 == s { return s1 }
                s = s1
                j += 1
            }
        }
        return x * log(x / np) + np - x
    }

    /// log of the binomial probability C(n,x) pˣ qⁿ⁻ˣ (q = 1 − p supplied separately to keep precision).
    static func logBinomialRaw(_ x: Double, _ n: Double, _ p: Double, _ q: Double) -> Double {
        if p == 0 { return x == 0 ? 0 : -.infinity }
        if q == 0 { return x == n ? 0 : -.infinity }
        if x == 0 {
            if n == 0 { return 0 }
            return p < 0.1 ? -bd0(n, n * q) - n * p : n * log(q)
        }
        if x == n {
            return q < 0.1 ? -bd0(n, n * p) - n * q : n * log(p)
        }
        if x < 0 || x > n { return -.infinity }
        let lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) - bd0(n - x, n * q)
        let lf = ln2Pi + log(x) + log1p(-x / n)
        return lc - 0.5 * lf
    }

    /// log of the Poisson-type density xᵃ e⁻ˣ / Γ(a+1) for real a ≥ 0 (R's dpois_raw on the log scale).
    static func logPoissonRaw(_ a: Double, _ lambda: Double) -> Double {
        if lambda == 0 { return a == 0 ? 0 : -.infinity }
        if a == 0 { return -lambda }
        return -stirlerr(a) - bd0(a, lambda) - 0.5 * (ln2Pi + log(a))
    }
}
