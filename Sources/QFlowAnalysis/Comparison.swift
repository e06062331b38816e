import Foundation
import QFlowEngine
import QFlowStats
import QFlowStore

/// How the data of a comparison are laid out, which decides the test.
public enum ComparisonDesign: String, Sendable, Codable {
    /// Two groups of different subjects, a yes/no outcome: the SPSS 2×2 block (Pearson, Yates, LR, Fisher).
    case independentBinary = "independent-binary"
    /// The same subjects measured twice (before/after), a yes/no outcome: McNemar.
    case pairedBinary = "paired-binary"
    /// Two groups, a continuous outcome: Welch's t and Mann–Whitney.
    case continuous
    /// One or more groups month by month, a yes/no outcome: a p-chart with stepped limits.
    case overTime = "over-time"
}

/// A comparison of a measure between cohorts, with the test the data's design calls for and why.
///
/// What every design shares (the measure, the groups, the rule that chose the test, warnings) is stored here; what
/// the test found is ``result``, one case per design.
///
/// ```swift
/// let comparison = try Comparison.run(.item("sat.overall"), cohorts: [flows, noFlows], store: store)
/// if case .independentBinary(let block) = comparison.result { print(block.fisher.twoSidedP) }
/// print(comparison.text(language: .zh))
/// ```
public struct Comparison: Sendable {
    /// One cohort's units.
    public struct Group: Sendable {
        /// The cohort.
        public var cohort: Cohort
        /// Its units.
        public var units: [MeasureUnit]
    }

    /// What was measured.
    public var measure: Measure
    /// The groups, in the order given.
    public var groups: [Group]
    /// Why this test: one sentence, in Chinese and English.
    public var rule: LocalizedText
    /// Things the reader must know (unpaired respondents, repeated units…).
    public var warnings: [LocalizedText]
    /// Respondents left out of a paired comparison, by id and cohort (named in ``warnings``).
    public var unpairedRespondents: [String]
    /// What the test found, shaped by the design.
    public var result: Result

    /// The design found in the data.
    public var design: ComparisonDesign { result.design }

    init(
        measure: Measure, groups: [Group], rule: LocalizedText, warnings: [LocalizedText] = [],
        unpairedRespondents: [String] = [], result: Result
    ) {
        self.measure = measure
        self.groups = groups
        self.rule = rule
        self.warnings = warnings
        self.unpairedRespondents = unpairedRespondents
        self.result = result
    }
}

extension Comparison {
    /// Builds the comparison: fetches the units of every cohort, finds the design, runs the test.
    ///
    /// - Parameters:
    ///   - overTime: chart each cohort month by month instead of comparing cohorts.
    ///   - interruptedTimeSeries: with `overTime` and two cohorts (before, after), also fit the segmented
    ///     regression of the monthly proportions across the intervention.
    public static func run(
        _ measure: Measure, cohorts: [Cohort], overTime: Bool = false, interruptedTimeSeries: Bool = false,
        store: Store
    ) throws -> Comparison {
        guard !cohorts.isEmpty else { throw AnalysisError(.invalidDesign, "give at least one cohort") }
        let groups = try cohorts.map { Group(cohort: $0, units: try store.units(measure, in: $0)) }
        for group in groups where group.units.isEmpty {
            throw AnalysisError(
                .noData,
                "cohort \(group.cohort.name) has no units for \(measure): no run in it has that measure recorded")
        }
        if overTime {
            guard measure.isBinary else {
                throw AnalysisError(
                    .invalidDesign, "a chart over time needs a yes/no measure (item, completion, critical-free)")
            }
            let charts = try monthlyCharts(groups, in: store.localTimeZone())
            guard interruptedTimeSeries else {
                return Comparison(measure: measure, groups: groups, rule: overTimeRule, result: .overTime(charts))
            }
            return try fitInterruptedTimeSeries(measure, groups, charts)
        }
        guard !interruptedTimeSeries else {
            throw AnalysisError(.invalidDesign, "an interrupted time series needs --over month (monthly proportions)")
        }
        guard groups.count == 2 else {
            throw AnalysisError(
                .invalidDesign, "a comparison needs exactly two cohorts (or --over month for a chart of one or more)")
        }
        let shared = Set(groups[0].units.map(\.subjectId)).intersection(groups[1].units.map(\.subjectId))
        if measure.isBinary && !shared.isEmpty { return try comparePaired(measure, groups, shared: shared) }
        if measure.isBinary { return try compareIndependent(measure, groups) }
        return try compareContinuous(measure, groups, shared: shared)
    }

    private static func compareIndependent(_ measure: Measure, _ groups: [Group]) throws -> Comparison {
        let (a, b) = (groups[0].units, groups[1].units)
        let block = try ProportionsComparison(
            x1: a.filter { $0.value == 1 }.count, n1: a.count, x2: b.filter { $0.value == 1 }.count, n2: b.count)
        let headline = block.headline
        let minimum = String(format: "%.2f", headline.minExpected)
        let rule = LocalizedText(
            zh: "两组为不同对象、结局为是/否：四格表；主要检验：\(headline.choice.rawValue)"
                + "（期望频数<5的格子 \(headline.cellsBelowFive) 个，最小期望频数 \(minimum)）",
            en: "different subjects in each cohort and a yes/no outcome: a 2×2 crosstab; headline test: "
                + "\(headline.choice.rawValue) (\(headline.cellsBelowFive) cells with expected count < 5, "
                + "minimum \(minimum))")
        return Comparison(measure: measure, groups: groups, rule: rule, result: .independentBinary(block))
    }

    /// The warning about respondents who cannot be paired: naming them (the quality office) or counting them.
    static func unpairedWarning(_ list: [String], named: Bool) -> LocalizedText {
        guard named else {
            return LocalizedText(
                zh: "\(list.count) 名对象无法配对，未纳入分析",
                en: "\(list.count) respondent(s) cannot be paired and are left out")
        }
        return LocalizedText(
            zh: "\(list.count) 名对象无法配对，未纳入分析：\(list.prefix(20).joined(separator: "、"))",
            en: "\(list.count) respondent(s) cannot be paired and are left out: "
                + list.prefix(20).joined(separator: ", "))
    }

    /// The same comparison for readers outside the quality office: unpaired respondents are counted, not named.
    public func withoutRespondentIds() -> Comparison {
        guard !unpairedRespondents.isEmpty else { return self }
        var out = self
        let named = Self.unpairedWarning(unpairedRespondents, named: true)
        out.warnings = warnings.map {
            $0.en == named.en ? Self.unpairedWarning(unpairedRespondents, named: false) : $0
        }
        out.unpairedRespondents = []
        return out
    }

    /// One answer per respondent: the latest.
    private static func latest(_ units: [MeasureUnit]) -> [String: MeasureUnit] {
        var out: [String: MeasureUnit] = [:]
        for unit in units where (out[unit.subjectId]?.time ?? "") <= unit.time { out[unit.subjectId] = unit }
        return out
    }

    private static func comparePaired(_ measure: Measure, _ groups: [Group], shared: Set<String>) throws -> Comparison {
        let (a, b) = (groups[0], groups[1])
        let before = latest(a.units)
        let after = latest(b.units)
        var table = PairedTable()
        for id in shared.sorted() {
            switch (before[id]?.value == 1, after[id]?.value == 1) {
            case (true, true): table.both += 1
            case (true, false): table.aOnly += 1
            case (false, true): table.bOnly += 1
            case (false, false): table.neither += 1
            }
        }
        // McNemar's b counts no → yes (first cohort no, second yes), c yes → no.
        let mcnemar = try McNemarTest(b: table.bOnly, c: table.aOnly)
        let rule = LocalizedText(
            zh: "同一批 \(shared.count) 名对象在两组中均有回答：为配对资料，采用 McNemar 检验（含精确概率与 mid-p），"
                + "不能用两独立样本卡方检验",
            en: "the same \(shared.count) respondents answered in both cohorts: the answers are paired, so McNemar's "
                + "test on the discordant pairs (exact and mid-p too), not a two-group chi-square")
        var comparison = Comparison(
            measure: measure, groups: groups, rule: rule, result: .pairedBinary(table: table, mcnemar: mcnemar))
        let onlyA = Set(before.keys).subtracting(shared).sorted()
        let onlyB = Set(after.keys).subtracting(shared).sorted()
        if !onlyA.isEmpty || !onlyB.isEmpty {
            comparison.unpairedRespondents =
                onlyA.map { "\($0) (\(a.cohort.name) only)" } + onlyB.map { "\($0) (\(b.cohort.name) only)" }
            comparison.warnings.append(unpairedWarning(comparison.unpairedRespondents, named: true))
        }
        let repeated = a.units.count - before.count + b.units.count - after.count
        if repeated > 0 {
            comparison.warnings.append(
                LocalizedText(
                    zh: "同一对象在同一组内的 \(repeated) 份较早回答以最近一次为准",
                    en: "\(repeated) earlier answer(s) by the same respondent within a cohort were replaced by the "
                        + "latest"))
        }
        return comparison
    }

    private static func compareContinuous(
        _ measure: Measure, _ groups: [Group], shared: Set<String>
    ) throws -> Comparison {
        let a = groups[0].units.map(\.value)
        let b = groups[1].units.map(\.value)
        let welch = try WelchTTest(a: a, b: b)
        let mannWhitney = try MannWhitneyTest(a: a, b: b)
        let rule = LocalizedText(
            zh: "两组连续型结局：Welch t 检验（不假定方差齐）比较均数，Mann–Whitney U 检验不依赖正态分布",
            en: "a continuous outcome in two cohorts: Welch's t-test (unequal variances) for the means and the "
                + "Mann–Whitney U test, which does not assume normality")
        var comparison = Comparison(
            measure: measure, groups: groups, rule: rule,
            result: .continuous(welch: welch, mannWhitney: mannWhitney))
        if !shared.isEmpty {
            comparison.warnings.append(
                LocalizedText(
                    zh: "\(shared.count) 个对象同时出现在两组中；上述检验按独立样本处理",
                    en: "\(shared.count) subject(s) appear in both cohorts; these tests treat the units as independent"
                ))
        }
        return comparison
    }
}
