import Foundation

/// The standard normal distribution: Φ, its complement and its inverse, accurate far into the tails.
///
/// ```swift
/// let z = Normal.quantile(0.975)   // 1.959963984540054
/// let p = 2 * Normal.survival(z)   // 0.05
/// ```
public enum Normal {
    /// 1/√2 split into a double and its rounding error, so that x/√2 can be formed with a correction term.
    private static let invSqrt2Hi = 0.7071067811865476
    private static let invSqrt2Lo = -4.833646656726457e-17
    private static let twoOverSqrtPi = 1.1283791670955126

    /// Φ(x), the lower-tail probability.
    public static func cdf(_ x: Double) -> Double { survival(-x) }

    /// 1 − Φ(x), computed with erfc (no cancellation), relative accuracy ~1e-15 even at 1e-300.
    public static func survival(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        let y = x * invSqrt2Hi
        let e = erfc(y)
        if e == 0 || !x.isFinite { return 0.5 * e }
        // The exact argument is y + δ; erfc(y + δ) ≈ erfc(y)·(1 − δ·(2/√π)e^(−y²)/erfc(y)).
        let delta = fma(x, invSqrt2Hi, -y) + x * invSqrt2Lo
        let ratio = twoOverSqrtPi * exp(-y * y) / e
        return 0.5 * e * (1 - delta * ratio)
    }

    /// The standard normal density φ(x).
    public static func density(_ x: Double) -> Double {
        exp(-0.5 * x * x - Saddlepoint.lnSqrt2Pi)
    }

    /// Φ⁻¹(p) for 0 < p < 1: Wichura's AS 241 followed by one Halley step on the accurate tail probability.
    public static func quantile(_ p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        var x = as241(p)
        // Halley refinement, using whichever tail is smaller so the residual is accurate.
        let residual: Double
        if p < 0.5 {
            residual = cdf(x) - p
        } else {
            residual = (1 - p) - survival(x)  // 1 − p is exact for p ≥ 0.5
        }
        let u = residual * sqrt(2 * Double.pi) * exp(0.5 * x * x)
        if u.isFinite {
            x -= u / (1 + 0.5 * x * u)
        }
        return x
    }

    /// The upper-tail quantile: the x with 1 − Φ(x) = q (accurate for tiny q).
    public static func upperQuantile(_ q: Double) -> Double { -quantile(q) }

    /// Wichura (1988), Algorithm AS 241 (PPND16), accurate to about 1e-16.
    private static func as241(_ p: Double) -> Double {
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            let num =
                ((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r
                    + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                    + 133.14166789178437745) * r + 3.387132872796366608
            let den =
                ((((((r * 5226.495278852854561 + 28729.085735721942674) * r + 39307.89580009271061) * r
                    + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
                    + 42.313330701600911252) * r + 1
            return q * num / den
        }
        var r = q < 0 ? p : 0.5 - p + 0.5
        r = sqrt(-log(r))
        var value: Double
        if r <= 5 {
            r -= 1.6
            let num =
                ((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                    + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                    + 4.6303378461565452959) * r + 1.42343711074968357734
            let den =
                ((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                    + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                    + 2.05319162663775882187) * r + 1
            value = num / den
        } else {
            r -= 5
            let num =
                ((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
                    + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                    + 5.4637849111641143699) * r + 6.6579046435011037772
            let den =
                ((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                    + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                    + 0.59983220655588793769) * r + 1
            value = num / den
        }
        return q < 0 ? -value : value
    }
}
