import Foundation

/// Brent's method for a root of a continuous function on a bracketing interval (the iterative core of the power,
/// sample-size, exact-interval and quantile routines).
enum RootFinding {
    /// The x in [a, b] where f changes sign, to an absolute tolerance of `tolerance` + 4·ε·|x|; nil when f(a) and
    /// f(b) have the same sign or a value is not finite. `fa0` and `fb0` are f(a) and f(b) when the caller has
    /// already evaluated them while bracketing (an evaluation can be the whole cost).
    static func brent(
        _ a0: Double, _ b0: Double, fa0: Double? = nil, fb0: Double? = nil, tolerance: Double = 0,
        maxIterations: Int = 300, _ f: (Double) -> Double
    ) -> Double? {
        var a = a0
        var b = b0
        var fa = fa0 ?? f(a)
        var fb = fb0 ?? f(b)
        guard fa.isFinite, fb.isFinite else { return nil }
        if fa == 0 { return a }
        if fb == 0 { return b }
        guard (fa < 0) != (fb < 0) else { return nil }
        var c = a
        var fc = fa
        var d = b - a
        var e = d
        for _ in 0..<maxIterations {
            if (fb < 0) == (fc < 0) {
                c = a
                fc = fa
                d = b - a
                e = d
            }
            if abs(fc) < abs(fb) {
                a = b
                b = c
                c = a
                fa = fb
                fb = fc
                fc = fa
            }
            let tol = 2 * Double.ulpOfOne * abs(b) + 0.5 * tolerance
            let m = 0.5 * (c - b)
            if abs(m) <= tol || fb == 0 { return b }
            if abs(e) >= tol && abs(fa) > abs(fb) {
                let s = fb / fa
                var p: Double
                var q: Double
                if a == c {
                    p = 2 * m * s
                    q = 1 - s
                } else {
                    let qa = fa / fc
                    let r = fb / fc
                    p = s * (2 * m * qa * (qa - r) - (b - a) * (r - 1))
                    q = (qa - 1) * (r - 1) * (s - 1)
                }
                if p > 0 { q = -q } else { p = -p }
                if 2 * p < min(3 * m * q - abs(tol * q), abs(e * q)) {
                    e = d
                    d = p / q
                } else {
                    d = m
                    e = m
                }
            } else {
                d = m
                e = m
            }
            a = b
            fa = fb
            b += abs(d) > tol ? d : (m > 0 ? tol : -tol)
            fb = f(b)
            guard fb.isFinite else { return nil }
        }
        return b
    }
}
