import Foundation

/// Everything SPSS prints for a 2×2 comparison of two independent proportions, plus effect sizes.
///
/// The table is [[x1, n1 − x1], [x2, n2 − x2]]: rows are the groups, the first column the events.
/// Values that are mathematically undefined (for example a chi-square statistic when no subject had the event,
/// so an expected count is 0) are `nil`.
///
/// ```swift
/// let r = try ProportionsComparison(x1: 229, n1: 233, x2: 221, n2: 233)
/// r.pearsonChi2   // 4.142222222222222
/// r.fisher.twoSidedP // 0.0718136126105…
/// ```
public struct ProportionsComparison: Sendable, Equatable {
    /// Events in group A.
    public let x1: Int
    /// Size of group A.
    public let n1: Int
    /// Events in group B.
    public let x2: Int
    /// Size of group B.
    public let n2: Int

    /// Pearson χ² without correction (nil if an expected count is 0).
    public let pearsonChi2: Double?
    /// p-value of Pearson χ², df 1.
    public let pearsonP: Double?
    /// Yates-corrected χ² as R `chisq.test(correct = TRUE)`: correction min(0.5, |O − E|).
    public let yatesChi2: Double?
    /// p-value of the Yates-corrected χ².
    public let yatesP: Double?
    /// Likelihood-ratio statistic G = 2ΣO·ln(O/E) (no correction).
    public let likelihoodRatioChi2: Double?
    /// p-value of G, df 1.
    public let likelihoodRatioP: Double?
    /// Fisher's exact test (two-sided as R, one-sided as SPSS).
    public let fisher: FisherExactTest
    /// x1/n1 − x2/n2.
    public let riskDifference: Double
    /// Newcombe hybrid score interval (method 10) for the risk difference.
    public let riskDifferenceInterval: ConfidenceInterval
    /// Odds ratio (x1·(n2−x2)) / ((n1−x1)·x2), with 0.5 added to every cell if any cell is 0.
    public let oddsRatio: Double
    /// Woolf (logit) interval for the odds ratio, with the same 0.5 correction.
    public let oddsRatioInterval: ConfidenceInterval
    /// Relative risk (x1/n1) / (x2/n2), with 0.5 added to every cell (so 1 to each n) if any cell is 0.
    public let relativeRisk: Double
    /// Katz log interval for the relative risk: exp(log RR ± z·√(1/x1 − 1/n1 + 1/x2 − 1/n2)), same correction.
    public let relativeRiskInterval: ConfidenceInterval
    /// Cohen's h = 2·asin√p1 − 2·asin√p2.
    public let cohensH: Double
    /// h ± z·√(1/n1 + 1/n2) (the arcsine transform's variance is 1/n per group).
    public let cohensHInterval: ConfidenceInterval
    /// Wilson score interval for x1/n1.
    public let wilsonA: ConfidenceInterval
    /// Wilson score interval for x2/n2.
    public let wilsonB: ConfidenceInterval
    /// Expected counts under independence, [[E11, E12], [E21, E22]].
    public let expected: [[Double]]

    /// The observed counts [[x1, n1 − x1], [x2, n2 − x2]].
    public var observed: [[Int]] { [[x1, n1 - x1], [x2, n2 - x2]] }
    /// The total number of subjects (SPSS: N of Valid Cases).
    public var total: Int { n1 + n2 }
    /// The smallest expected count.
    public var minExpected: Double { expected.joined().min() ?? 0 }
    /// How many of the four cells have an expected count below 5.
    public var cellsBelowFive: Int { expected.joined().filter { $0 < 5 }.count }
    /// The test the conclusion rests on, and the rule that chose it.
    public var headline: HeadlineTest { HeadlineTest(self) }
    /// The conditional MLE odds ratio with its exact interval (R `fisher.test`), nil when a row or column is
    /// empty; computed on demand (it is iterative).
    public var exactOddsRatio: ConditionalOddsRatio? {
        try? ConditionalOddsRatio(a: x1, b: n1 - x1, c: x2, d: n2 - x2)
    }
    /// The power this comparison had to detect its own observed difference (α = 0.05, two-sided).
    public var observedPower: ProportionsPower? {
        try? ProportionsPower(p1: Double(x1) / Double(n1), p2: Double(x2) / Double(n2), n1: n1, n2: n2)
    }

    /// Computes the whole block; throws `StatsError` (`.invalidInput`) for n ≤ 0, negative x, or x > n.
    public init(x1: Int, n1: Int, x2: Int, n2: Int) throws(StatsError) {
        for (name, x, n) in [("a", x1, n1), ("b", x2, n2)] {
            guard n > 0 else { throw .invalid("group \(name) is empty: n must be at least 1 (got \(n))") }
            guard x >= 0 else { throw .invalid("group \(name) has a negative count x = \(x)") }
            guard x <= n else { throw .invalid("group \(name) has x = \(x) greater than n = \(n)") }
        }
        self.x1 = x1
        self.n1 = n1
        self.x2 = x2
        self.n2 = n2
        let a = x1
        let b = n1 - x1
        let c = x2
        let d = n2 - x2
        let total = n1 + n2
        let col1 = a + c
        let col2 = b + d
        let nD = Double(total)
        expected = [
            [Double(n1) * Double(col1) / nD, Double(n1) * Double(col2) / nD],
            [Double(n2) * Double(col1) / nD, Double(n2) * Double(col2) / nD],
        ]

        if col1 == 0 || col2 == 0 {
            pearsonChi2 = nil
            pearsonP = nil
            yatesChi2 = nil
            yatesP = nil
            likelihoodRatioChi2 = nil
            likelihoodRatioP = nil
        } else {
            // |O − E| = |ad − bc| / N in every cell and Σ 1/E = N³ / (r1 r2 c1 c2).
            let adbc = abs(Double(a) * Double(d) - Double(b) * Double(c))
            let marginProduct = Double(n1) * Double(n2) * Double(col1) * Double(col2)
            let pearson = nD * adbc * adbc / marginProduct
            let correction = min(0.5, adbc / nD)
            let corrected = adbc - nD * correction
            let yates = nD * corrected * corrected / marginProduct
            var g = 0.0
            for (o, r, k) in [(a, n1, col1), (b, n1, col2), (c, n2, col1), (d, n2, col2)] where o > 0 {
                // ln(O/E) = log1p((O·N − r·k) / (r·k)), the numerator exact in integers.
                let rk = Double(r) * Double(k)
                g += Double(o) * log1p((Double(o) * nD - rk) / rk)
            }
            g = max(0, 2 * g)
            pearsonChi2 = pearson
            pearsonP = ChiSquareDistribution.survival(pearson, degreesOfFreedom: 1)
            yatesChi2 = yates
            yatesP = ChiSquareDistribution.survival(yates, degreesOfFreedom: 1)
            likelihoodRatioChi2 = g
            likelihoodRatioP = ChiSquareDistribution.survival(g, degreesOfFreedom: 1)
        }
        fisher = FisherExactTest(a: a, b: b, c: c, d: d)

        riskDifference = Double(x1) / Double(n1) - Double(x2) / Double(n2)
        riskDifferenceInterval = ConfidenceInterval.newcombeDifference(x1: x1, n1: n1, x2: x2, n2: n2)
        wilsonA = ConfidenceInterval.wilson(successes: x1, trials: n1)
        wilsonB = ConfidenceInterval.wilson(successes: x2, trials: n2)

        let add = (a == 0 || b == 0 || c == 0 || d == 0) ? 0.5 : 0
        let (ca, cb, cc, cd) = (Double(a) + add, Double(b) + add, Double(c) + add, Double(d) + add)
        let logOR = log(ca) + log(cd) - log(cb) - log(cc)
        let se = (1 / ca + 1 / cb + 1 / cc + 1 / cd).squareRoot()
        oddsRatio = (ca * cd) / (cb * cc)
        let z = ConfidenceInterval.z95
        oddsRatioInterval = ConfidenceInterval(low: exp(logOR - z * se), high: exp(logOR + z * se))

        let (rx1, rn1, rx2, rn2) = (Double(x1) + add, Double(n1) + 2 * add, Double(x2) + add, Double(n2) + 2 * add)
        let logRR = log(rx1) - log(rn1) - log(rx2) + log(rn2)
        let seRR = (1 / rx1 - 1 / rn1 + 1 / rx2 - 1 / rn2).squareRoot()
        relativeRisk = exp(logRR)
        relativeRiskInterval = ConfidenceInterval(low: exp(logRR - z * seRR), high: exp(logRR + z * seRR))
        let h = 2 * asin((Double(x1) / Double(n1)).squareRoot()) - 2 * asin((Double(x2) / Double(n2)).squareRoot())
        let seH = (1 / Double(n1) + 1 / Double(n2)).squareRoot()
        cohensH = h
        cohensHInterval = ConfidenceInterval(low: h - z * seH, high: h + z * seH)
    }
}
