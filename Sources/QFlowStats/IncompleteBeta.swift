import Foundation

/// The regularised incomplete beta function Iₓ(a, b), by Lentz's continued fraction.
public enum IncompleteBeta {
    /// Iₓ(a, b) for 0 ≤ x ≤ 1, a, b > 0.
    public static func regularized(_ x: Double, a: Double, b: Double) -> Double {
        both(x: x, y: 1 - x, a: a, b: b).value
    }

    /// Iₓ(a, b) and its complement 1 − Iₓ(a, b) = I₁₋ₓ(b, a), with `y` = 1 − x supplied by the caller
    /// (so that it can be computed without cancellation). The side that is small is computed directly.
    static func both(x: Double, y: Double, a: Double, b: Double) -> (value: Double, complement: Double) {
        both(x: x, y: y, a: a, b: b, logBeta: GammaFunction.logBeta(a, b))
    }

    /// The same, with log B(a, b) supplied by a caller that evaluates many points of one distribution.
    static func both(x: Double, y: Double, a: Double, b: Double, logBeta: Double) -> (value: Double, complement: Double)
    {
        guard a > 0, b > 0, x >= 0, y >= 0, !x.isNaN, !y.isNaN else { return (.nan, .nan) }
        if x == 0 { return (0, 1) }
        if y == 0 { return (1, 0) }
        if x < (a + 1) / (a + b + 2) {
            let v = direct(x: x, y: y, a: a, b: b, logBeta: logBeta)
            return (v, 1 - v)
        }
        let w = direct(x: y, y: x, a: b, b: a, logBeta: logBeta)
        return (1 - w, w)
    }

    /// xᵃ yᵇ / (a B(a,b)) · CF, valid (fast convergence) for x < (a+1)/(a+b+2).
    private static func direct(x: Double, y: Double, a: Double, b: Double, logBeta: Double) -> Double {
        let lnX = x < 0.5 ? log(x) : log1p(-y)
        let lnY = y < 0.5 ? log(y) : log1p(-x)
        let logPrefactor = a * lnX + b * lnY - logBeta - log(a)
        let cf = continuedFraction(x: x, a: a, b: b)
        return exp(logPrefactor + log(cf))
    }

    /// The continued fraction 1/(1 + d₁/(1 + d₂/(1 + …))) of Iₓ(a, b) (Abramowitz & Stegun 26.5.8) by the forward
    /// recurrence of its convergents, (A, B)ₖ₊₁ = (A, B)ₖ + dₖ·(A, B)ₖ₋₁, rescaled when B leaves [1e-100, 1e100].
    ///
    /// Lentz's method puts two divisions on the critical path of every half-step; here the only divisions are the
    /// coefficients dₖ, which do not depend on the previous step and overlap (about four times faster at the Welch
    /// df of a power calculation, the same number of terms). The stopping rule reads the difference of the last two
    /// convergents from the determinant Dₖ = AₖBₖ₋₁ − Aₖ₋₁Bₖ = −dₖ₋₁Dₖ₋₁, which is exact, instead of subtracting
    /// two nearly equal products.
    private static func continuedFraction(x: Double, a: Double, b: Double) -> Double {
        let qab = a + b
        let qap = a + 1
        let qam = a - 1
        // A₁ = B₁ = 1; A₂ = 1, B₂ = 1 + d₁ with d₁ = −(a+b)x/(a+1), which is > 0 below the switch point.
        var (aPrevious, bPrevious) = (1.0, 1.0)
        var (aCurrent, bCurrent) = (1.0, 1 - qab * x / qap)
        var determinant = qab * x / qap
        let maxIterations = 10_000 + Int(min(1e7, 20 * sqrt(max(a, b))))
        var m = 1.0
        for _ in 0..<maxIterations {
            let m2 = 2 * m
            let even = m * (b - m) * x / ((qam + m2) * (a + m2))
            (aPrevious, aCurrent) = (aCurrent, aCurrent + even * aPrevious)
            (bPrevious, bCurrent) = (bCurrent, bCurrent + even * bPrevious)
            determinant *= -even
            let odd = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            (aPrevious, aCurrent) = (aCurrent, aCurrent + odd * aPrevious)
            (bPrevious, bCurrent) = (bCurrent, bCurrent + odd * bPrevious)
            determinant *= -odd
            // |Aₖ/Bₖ − Aₖ₋₁/Bₖ₋₁| relative to Aₖ/Bₖ is |Dₖ| / |AₖBₖ₋₁|.
            if abs(determinant) <= 1e-16 * abs(aCurrent * bPrevious) { break }
            let magnitude = abs(bCurrent)
            if magnitude > 1e100 || magnitude < 1e-100 {
                let scale = 1 / bCurrent
                aPrevious *= scale
                bPrevious *= scale
                aCurrent *= scale
                bCurrent = 1
                determinant *= scale * scale
            }
            m += 1
        }
        return aCurrent / bCurrent
    }
}
