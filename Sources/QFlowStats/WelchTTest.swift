import Foundation

/// Welch's two-sample t-test (unequal variances), as R `t.test(a, b, var.equal = FALSE)`.
///
/// When both samples are constant the standard error is 0 and `t`, `degreesOfFreedom`, `p` and the
/// interval are undefined (`nil`); R stops with "data are essentially constant" in that case.
public struct WelchTTest: Sendable, Equatable {
    /// Size, mean and standard deviation of sample a.
    public let summaryA: SampleSummary
    /// Size, mean and standard deviation of sample b.
    public let summaryB: SampleSummary
    /// The t statistic (mean a − mean b) / SE.
    public let t: Double?
    /// Welch–Satterthwaite degrees of freedom.
    public let degreesOfFreedom: Double?
    /// Two-sided p-value.
    public let p: Double?
    /// mean a − mean b.
    public let meanDifference: Double
    /// 95% interval for the mean difference, using the t quantile at the Welch df.
    public let interval: ConfidenceInterval?

    /// Runs the test; throws `.invalidInput` if a sample has fewer than 2 values or a value is not finite.
    public init(a: [Double], b: [Double]) throws(StatsError) {
        for (name, sample) in [("a", a), ("b", b)] {
            guard !sample.isEmpty else { throw .invalid("sample \(name) is empty") }
            guard sample.count >= 2 else {
                throw .invalid("sample \(name) has only 1 value; Welch's test needs at least 2 per sample")
            }
            guard sample.allSatisfy(\.isFinite) else { throw .invalid("sample \(name) contains a non-finite value") }
        }
        summaryA = SampleSummary(a)
        summaryB = SampleSummary(b)
        meanDifference = summaryA.mean - summaryB.mean
        let va = summaryA.variance / Double(summaryA.count)
        let vb = summaryB.variance / Double(summaryB.count)
        let se2 = va + vb
        guard se2 > 0 else {
            t = nil
            degreesOfFreedom = nil
            p = nil
            interval = nil
            return
        }
        let se = se2.squareRoot()
        let df = se2 * se2 / (va * va / Double(summaryA.count - 1) + vb * vb / Double(summaryB.count - 1))
        let tValue = meanDifference / se
        t = tValue
        degreesOfFreedom = df
        p = StudentT.twoSidedP(tValue, degreesOfFreedom: df)
        let q = StudentT.upperQuantile(0.025, degreesOfFreedom: df)
        interval = ConfidenceInterval(low: meanDifference - q * se, high: meanDifference + q * se)
    }
}
