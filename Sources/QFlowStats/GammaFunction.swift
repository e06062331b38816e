import Foundation

/// The gamma family: log-gamma, log-factorial, log-beta and the regularised incomplete gamma functions P and Q.
///
/// ```swift
/// GammaFunction.logFactorial(10)            // log(3628800)
/// GammaFunction.regularizedQ(0.5, 2.071111) // chi-square (df 1) survival at 4.142222
/// ```
public enum GammaFunction {
    /// log Γ(x) for x > 0 (Stirling series with recurrence; absolute error about 1e-15 for moderate x).
    public static func logGamma(_ x: Double) -> Double {
        guard x > 0 else { return x == 0 ? .infinity : .nan }
        // log Γ(½) = log √π: every t probability's B(df/2, ½) asks for it.
        if x == 0.5 { return 0.572_364_942_924_700_087_071_713_675_677 }
        if x >= 10 {
            return (x - 0.5) * log(x) - x + Saddlepoint.lnSqrt2Pi + Saddlepoint.lgammaCorrection(x)
        }
        var y = x
        var product = 1.0
        while y < 10 {
            product *= y
            y += 1
        }
        return (y - 0.5) * log(y) - y + Saddlepoint.lnSqrt2Pi + Saddlepoint.lgammaCorrection(y) - log(product)
    }

    /// log(n!) for n ≥ 0.
    public static func logFactorial(_ n: Int) -> Double {
        precondition(n >= 0, "logFactorial needs n >= 0")
        if n < 2 { return 0 }
        return logGamma(Double(n) + 1)
    }

    /// log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a+b), computed without cancellation for large arguments.
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        let p = min(a, b)
        let q = max(a, b)
        if p >= 10 {
            let corr =
                Saddlepoint.lgammaCorrection(p) + Saddlepoint.lgammaCorrection(q)
                - Saddlepoint.lgammaCorrection(p + q)
            return -0.5 * log(q) + Saddlepoint.lnSqrt2Pi + corr + (p - 0.5) * log(p / (p + q))
                + q * log1p(-p / (p + q))
        }
        if q >= 10 {
            let corr = Saddlepoint.lgammaCorrection(q) - Saddlepoint.lgammaCorrection(p + q)
            return logGamma(p) + corr + p - p * log(p + q) + (q - 0.5) * log1p(-p / (p + q))
        }
        return logGamma(p) + logGamma(q) - logGamma(p + q)
    }

    /// The regularised lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a), for a > 0, x ≥ 0.
    public static func regularizedP(_ a: Double, _ x: Double) -> Double {
        incomplete(a, x).p
    }

    /// The regularised upper incomplete gamma function Q(a, x) = Γ(a, x)/Γ(a), computed directly (no 1 − P)
    /// in the upper tail, so it stays accurate far below 1e-100.
    public static func regularizedQ(_ a: Double, _ x: Double) -> Double {
        incomplete(a, x).q
    }

    /// Both P and Q; the smaller one is computed directly (series for x < a+1, continued fraction otherwise).
    static func incomplete(_ a: Double, _ x: Double) -> (p: Double, q: Double) {
        guard a > 0, x >= 0, !x.isNaN else { return (.nan, .nan) }
        if x == 0 { return (0, 1) }
        if x.isInfinite { return (1, 0) }
        let maxIterations = 10_000 + Int(min(1e7, 20 * sqrt(a)))
        if x < a + 1 {
            // Series: P = xᵃe⁻ˣ/Γ(a+1) · Σₙ xⁿ / ((a+1)…(a+n)).
            var sum = 1.0
            var term = 1.0
            var ap = a
            for _ in 0..<maxIterations {
                ap += 1
                term *= x / ap
                sum += term
                if term < sum * 1e-17 { break }
            }
            let p = exp(Saddlepoint.logPoissonRaw(a, x) + log(sum))
            return (p, 1 - p)
        }
        // Continued fraction for Q (modified Lentz), prefactor xᵃe⁻ˣ/Γ(a) = a·xᵃe⁻ˣ/Γ(a+1).
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        var i = 1.0
        for _ in 0..<maxIterations {
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
            i += 1
        }
        let q = exp(log(a) + Saddlepoint.logPoissonRaw(a, x) + log(h))
        return (1 - q, q)
    }
}
