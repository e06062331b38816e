/// The test a 2×2 conclusion rests on, chosen by a stated rule: all expected counts ≥ 5 → Pearson χ²,
/// otherwise Fisher's exact test (two-sided).
public struct HeadlineTest: Sendable, Equatable {
    /// The tests the rule can choose.
    public enum Choice: String, Sendable {
        /// Pearson χ² without correction.
        case pearson
        /// Fisher's exact test, two-sided.
        case fisher
    }

    /// The chosen test.
    public let choice: Choice
    /// Its p-value.
    public let p: Double
    /// The statistic (χ²) when the choice is Pearson.
    public let statistic: Double?
    /// The smallest expected count, which drove the choice.
    public let minExpected: Double
    /// How many cells have an expected count below 5.
    public let cellsBelowFive: Int

    /// Applies the rule to a computed 2×2 block.
    public init(_ block: ProportionsComparison) {
        minExpected = block.minExpected
        cellsBelowFive = block.cellsBelowFive
        if cellsBelowFive == 0, let chi2 = block.pearsonChi2, let p = block.pearsonP {
            choice = .pearson
            self.p = p
            statistic = chi2
        } else {
            choice = .fisher
            p = block.fisher.twoSidedP
            statistic = nil
        }
    }

    /// Whether p < 0.05.
    public var isSignificant: Bool { p < 0.05 }

    /// The rule, as one sentence, with the numbers that applied it.
    public func rule(in language: Language) -> String {
        let m = Format.fixed(minExpected, 2)
        switch (language, choice) {
        case (.en, .pearson):
            return "All expected counts are at least 5 (minimum \(m)), so the Pearson chi-square test is used; "
                + "had any expected count been below 5, Fisher's exact test would have been used."
        case (.en, .fisher):
            return "\(cellsBelowFive) of 4 cells have an expected count below 5 (minimum \(m)), so Fisher's exact "
                + "test (two-sided) is used instead of the Pearson chi-square test."
        case (.zh, .pearson):
            return "所有理论频数均不小于 5（最小理论频数 \(m)），故采用 Pearson χ² 检验；若有理论频数小于 5，则改用 Fisher 确切概率法。"
        case (.zh, .fisher):
            return "有 \(cellsBelowFive) 个格子的理论频数小于 5（最小理论频数 \(m)），故采用 Fisher 确切概率法（双侧），"
                + "而不采用 Pearson χ² 检验。"
        }
    }
}
