import Foundation

/// Student's t distribution with real degrees of freedom, through the regularised incomplete beta function.
public enum StudentT {
    /// The two-sided p-value P(|T| ≥ |t|) = I_{df/(df+t²)}(df/2, ½), accurate far into the tail.
    public static func twoSidedP(_ t: Double, degreesOfFreedom df: Double) -> Double {
        if t.isNaN || df.isNaN || df <= 0 { return .nan }
        if t.isInfinite { return 0 }
        let t2 = t * t
        let x = df / (df + t2)
        let y = t2 / (df + t2)
        return IncompleteBeta.both(x: x, y: y, a: df / 2, b: 0.5).value
    }

    /// P(T > t).
    public static func survival(_ t: Double, degreesOfFreedom df: Double) -> Double {
        let half = 0.5 * twoSidedP(t, degreesOfFreedom: df)
        return t >= 0 ? half : 1 - half
    }

    /// The density of T at t.
    public static func density(_ t: Double, degreesOfFreedom df: Double) -> Double {
        exp(-GammaFunction.logBeta(df / 2, 0.5) - 0.5 * log(df) - (df + 1) / 2 * log1p(t * t / df))
    }

    /// The upper-tail quantile: the t > 0 with P(T > t) = q, for 0 < q < ½ (e.g. q = 0.025 for a 95% interval).
    ///
    /// Starts from the normal quantile (or the Cauchy-like tail for small df) and refines with Newton steps on
    /// the accurate tail probability until the relative change is below 1e-15.
    public static func upperQuantile(_ q: Double, degreesOfFreedom df: Double) -> Double {
        guard q > 0, q < 0.5, df > 0 else { return q == 0.5 ? 0 : .nan }
        // Start: a Cornish–Fisher expansion around the normal quantile for df ≥ 3, else the power-law tail
        // S(t) ≈ df^(df/2) t^(−df) / (df·B(df/2, ½)). S is convex for t > 0, so Newton then converges monotonically.
        var t: Double
        if df >= 3 {
            let z = Normal.upperQuantile(q)
            let g1 = (z * z * z + z) / 4
            let g2 = (5 * pow(z, 5) + 16 * z * z * z + 3 * z) / 96
            t = z + g1 / df + g2 / (df * df)
        } else {
            t = sqrt(df) * pow(q * df * exp(GammaFunction.logBeta(df / 2, 0.5)), -1 / df)
        }
        for _ in 0..<200 {
            let f = survival(t, degreesOfFreedom: df) - q
            let d = density(t, degreesOfFreedom: df)
            guard d > 0, d.isFinite else { break }
            var step = f / d
            // Keep t positive: never step further than halving.
            if t + step <= 0 { step = -t / 2 }
            let next = t + step
            if abs(next - t) <= 1e-15 * abs(next) {
                t = next
                break
            }
            t = next
        }
        return t
    }
}
