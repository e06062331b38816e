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
        guard a > 0, b > 0, x >= 0, y >= 0, !x.isNaN, !y.isNaN else { return (.nan, .nan) }
        if x == 0 { return (0, 1) }
        if y == 0 { return (1, 0) }
        if x < (a + 1) / (a + b + 2) {
            let v = direct(x: x, y: y, a: a, b: b)
            return (v, 1 - v)
        }
        let w = direct(x: y, y: x, a: b, b: a)
        return (1 - w, w)
    }

    /// xᵃ yᵇ / (a B(a,b)) · CF, valid (fast convergence) for x < (a+1)/(a+b+2).
    private static func direct(x: Double, y: Double, a: Double, b: Double) -> Double {
        let lnX = x < 0.5 ? log(x) : log1p(-y)
        let lnY = y < 0.5 ? log(y) : log1p(-x)
        let logPrefactor = a * lnX + b * lnY - GammaFunction.logBeta(a, b) - log(a)
        let cf = continuedFraction(x: x, a: a, b: b)
        return exp(logPrefactor + log(cf))
    }

    private static func continuedFraction(x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b
        let qap = a + 1
        let qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        let maxIterations = 10_000 + Int(min(1e7, 20 * sqrt(max(a, b))))
        var m = 1.0
        for _ in 0..<maxIterations {
            let m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
            m += 1
        }
        return h
    }
}
