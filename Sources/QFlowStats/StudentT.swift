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
    /// Starts from the Cornish–Fisher expansion in 1/df (Abramowitz & Stegun 26.7.5, four terms) for df ≥ 3, or
    /// the power-law tail for small df, and refines with Halley steps on the accurate tail probability.
    public static func upperQuantile(_ q: Double, degreesOfFreedom df: Double) -> Double {
        upperQuantileSolution(q, degreesOfFreedom: df).t
    }

    /// The quantile and log B(df/2, ½), which the caller can reuse (the noncentral t of a power calculation needs
    /// the same beta function at the same point).
    static func upperQuantileSolution(_ q: Double, degreesOfFreedom df: Double) -> (t: Double, logBeta: Double) {
        let logB = GammaFunction.logBeta(df / 2, 0.5)
        guard q > 0, q < 0.5, df > 0 else { return (q == 0.5 ? 0 : .nan, logB) }
        var t: Double
        if df >= 3 {
            let z = Normal.upperQuantile(q)
            let z2 = z * z
            let g1 = z * (z2 + 1) / 4
            let g2 = z * ((5 * z2 + 16) * z2 + 3) / 96
            let g3 = z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / 384
            let g4 = z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / 92160
            let r = 1 / df
            t = z + r * (g1 + r * (g2 + r * (g3 + r * g4)))
        } else {
            t = sqrt(df) * pow(q * df * exp(logB), -1 / df)
        }
        // f(t) = S(t) − q with f′ = −density and f″/f′ = −(df+1)t/(df+t²): the Halley step is u/(1 − u·k/2) for the
        // Newton step u = (S − q)/density and k = (df+1)t/(df+t²). Its error is cubic in the step, so a step below
        // 1e-7·t leaves an error far below one ulp and ends the iteration without another tail evaluation (1e-9·t
        // after a Newton step, whose error is quadratic).
        let logDensityConstant = -logB - 0.5 * log(df)
        for _ in 0..<100 {
            let t2 = t * t
            let x = df / (df + t2)
            let tail = 0.5 * IncompleteBeta.both(x: x, y: t2 / (df + t2), a: df / 2, b: 0.5, logBeta: logB).value
            let density = exp(logDensityConstant - (df + 1) / 2 * log1p(t2 / df))
            guard density > 0, density.isFinite else { break }
            let u = (tail - q) / density
            let k = (df + 1) * t / (df + t2)
            let halley = 1 - u * k / 2
            // Far from the root (the small-df start) Halley's denominator can vanish: fall back to Newton there.
            let cubic = halley > 0.5
            var step = cubic ? u / halley : u
            // Keep t positive: never step further than halving.
            if t + step <= 0 { step = -t / 2 }
            t += step
            if abs(step) <= (cubic ? 1e-7 : 1e-9) * t { break }
        }
        return (t, logB)
    }
}
