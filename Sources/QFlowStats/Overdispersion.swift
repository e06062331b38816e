import Foundation

/// The rule that chooses Laney's p′-chart over the p-chart: overdispersion relative to the binomial model.
///
/// Rule: **at least 12 subgroups, the Pearson dispersion statistic χ² = Σzᵢ² exceeds the upper 5% point of
/// χ²(k − 1) (p < 0.05), and σ_z > 1** (the p′ limits would be wider than the p limits). Under the binomial
/// model Σzᵢ² is approximately χ²(k − 1); at 180,000 cases a month even a 0.5-point month-to-month wobble makes it
/// enormous, which is the situation in which every month of a p-chart signals. Fewer than 12 subgroups give
/// fewer than 11 moving ranges, and then one special-cause month alone can inflate σ_z enough to hide itself
/// (the demo's 6 months: March's staff rotation gives σ_z = 3.8); such series keep the p-chart, with the
/// dispersion statistic printed.
public struct Overdispersion: Sendable, Equatable {
    /// The number of subgroups.
    public let subgroups: Int
    /// Σzᵢ² (0 when p̄ is 0 or 1).
    public let chi2: Double
    /// k − 1.
    public let degreesOfFreedom: Int
    /// P(χ²(k − 1) > chi2); 1 with fewer than 2 subgroups.
    public let p: Double
    /// σ_z of Laney's chart (nil with fewer than 2 subgroups).
    public let sigmaZ: Double?
    /// Whether the rule picks Laney's p′-chart.
    public let detected: Bool

    /// The fewest subgroups for which the rule may choose Laney's chart.
    public static let minimumSubgroups = 12

    /// The significance level of the dispersion test.
    public static let alpha = 0.05

    /// The rule in words, English and Chinese.
    public static let rule = (
        en: "Laney p′ when k ≥ 12 subgroups, the dispersion χ² = Σz² > χ²(0.95; k − 1) and σz = MR̄/1.128 > 1",
        zh: "当子组数 k ≥ 12、离散度 χ² = Σz² > χ²(0.95; k − 1) 且 σz = MR̄/1.128 > 1 时采用 Laney p′ 图"
    )

    /// Tests a series of subgroups; throws as `PChart` does.
    public init(events: [Int], totals: [Int]) throws(StatsError) {
        _ = try PChart.validatedCenter(events: events, totals: totals)  // validates the counts
        if events.count >= 2 {
            self.init(chart: try LaneyPChart(events: events, totals: totals))
        } else {
            self.init(subgroups: events.count, chi2: 0, p: 1, sigmaZ: nil)
        }
    }

    /// Reads the rule off Laney's chart of the same subgroups, whose z-scores are the dispersion statistic (a report
    /// that shows the chart need not build it twice).
    public init(chart: LaneyPChart) {
        let chi2 = chart.z.reduce(0) { $0 + $1 * $1 }
        let p = ChiSquareDistribution.survival(chi2, degreesOfFreedom: Double(chart.z.count - 1))
        self.init(subgroups: chart.z.count, chi2: chi2, p: p, sigmaZ: chart.sigmaZ)
    }

    private init(subgroups: Int, chi2: Double, p: Double, sigmaZ: Double?) {
        self.subgroups = subgroups
        self.chi2 = chi2
        self.p = p
        self.sigmaZ = sigmaZ
        degreesOfFreedom = max(0, subgroups - 1)
        detected = subgroups >= Self.minimumSubgroups && p < Self.alpha && (sigmaZ ?? 0) > 1
    }
}
