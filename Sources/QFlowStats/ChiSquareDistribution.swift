/// The chi-square distribution, through the regularised incomplete gamma function.
public enum ChiSquareDistribution {
    /// P(X > x) for X ~ χ²(df): Q(df/2, x/2), computed directly in the upper tail (no 1 − cdf).
    public static func survival(_ x: Double, degreesOfFreedom df: Double) -> Double {
        if x <= 0 { return 1 }
        return GammaFunction.regularizedQ(df / 2, x / 2)
    }

    /// P(X ≤ x) for X ~ χ²(df).
    public static func cdf(_ x: Double, degreesOfFreedom df: Double) -> Double {
        if x <= 0 { return 0 }
        return GammaFunction.regularizedP(df / 2, x / 2)
    }
}
