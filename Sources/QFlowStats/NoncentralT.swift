import Foundation

/// The noncentral t distribution, by Lenth's algorithm AS 243 as in R's `pt(q, df, ncp)` (the basis of
/// `power.t.test` and of the Welch power here).
public enum NoncentralT {
    /// P(T ≤ t) for T ~ t(df, ncp); absolute accuracy about 1e-12 (AS 243's error bound, as R).
    public static func cdf(_ t: Double, degreesOfFreedom df: Double, noncentrality ncp: Double) -> Double {
        cdf(t, degreesOfFreedom: df, noncentrality: ncp, central: nil)
    }

    /// The same, given I_x(½, df/2) at x = t²/(t² + df) and log B(½, df/2) when the caller already has them: at
    /// the critical value t of a two-sided level-α t-test the former is 1 − α, so a power calculation needs no
    /// incomplete beta function of its own.
    static func cdf(
        _ t: Double, degreesOfFreedom df: Double, noncentrality ncp: Double,
        central: (lowerIncompleteBeta: Double, logBeta: Double)?
    ) -> Double {
        guard df > 0, !t.isNaN, !ncp.isNaN else { return .nan }
        if ncp == 0 { return 1 - StudentT.survival(t, degreesOfFreedom: df) }
        if t.isInfinite { return t > 0 ? 1 : 0 }
        let negative = t < 0
        let tt = negative ? -t : t
        let del = negative ? -ncp : ncp
        if negative && ncp > 40 { return 0 }
        if df > 4e5 || del * del > 2 * M_LN2 * 1021 {
            // Abramowitz & Stegun 26.7.10, as R for huge df or ncp.
            let s = 1 / (4 * df)
            let z = (tt * (1 - s) - del) / (1 + tt * tt * 2 * s).squareRoot()
            let lower = Normal.cdf(z)
            return negative ? 1 - lower : lower
        }
        var tnc = 0.0
        let x = t * t / (t * t + df)
        if x > 0 {
            let lambda = del * del
            var p = 0.5 * exp(-0.5 * lambda)
            if p == 0 { return negative ? 1 : 0 }
            var q = (2 / Double.pi).squareRoot() * p * del
            var s = 0.5 - p
            if s < 1e-7 { s = -0.5 * expm1(-0.5 * lambda) }
            var a = 0.5
            let b = 0.5 * df
            let y = df / (t * t + df)
            let rxb = pow(y, b)
            let albeta = central?.logBeta ?? GammaFunction.logBeta(0.5, b)
            var xodd =
                central?.lowerIncompleteBeta ?? IncompleteBeta.both(x: x, y: y, a: a, b: b, logBeta: albeta).value
            var godd = 2 * rxb * exp(a * log(x) - albeta)
            var tncTerm = b * x
            var xeven = tncTerm < Double.ulpOfOne ? tncTerm : 1 - rxb
            var geven = tncTerm * rxb
            tncTerm = p * xodd + q * xeven
            for it in 1...1000 {
                a += 1
                xodd -= godd
                xeven -= geven
                godd *= x * (a + b - 1) / a
                geven *= x * (a + b - 0.5) / (a + 0.5)
                p *= lambda / Double(2 * it)
                q *= lambda / Double(2 * it + 1)
                tncTerm += p * xodd + q * xeven
                s -= p
                if s < -1e-10 { break }
                if s <= 0 && it > 1 { break }
                let errbd = 2 * s * (xodd - godd)
                if abs(errbd) < 1e-12 { break }
            }
            tnc = tncTerm
        }
        tnc += Normal.cdf(-del)
        let lower = min(tnc, 1)
        return negative ? 1 - lower : lower
    }

    /// P(T > t) for T ~ t(df, ncp).
    public static func survival(_ t: Double, degreesOfFreedom df: Double, noncentrality ncp: Double) -> Double {
        1 - cdf(t, degreesOfFreedom: df, noncentrality: ncp)
    }
}
