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
public struct Comparison {
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
    /// The design found in the data.
    public var design: ComparisonDesign
    /// Why this test: one sentence, in English and Chinese.
    public var rule: (en: String, zh: String)
    /// Things the reader must know (unpaired respondents, repeated units…).
    public var warnings: [(en: String, zh: String)]
    /// The statistics request sent to the statistics module (its JSON contract), for `--format json`.
    public var statsRequest: [String: Any]
    /// The 2×2 block, for independent binary designs.
    public var proportions: ProportionsComparison?
    /// McNemar's test, for paired binary designs.
    public var mcnemar: McNemarTest?
    /// The paired table: both yes, A only, B only, both no.
    public var pairs: (both: Int, aOnly: Int, bOnly: Int, neither: Int)?
    /// Welch's t, for continuous designs.
    public var welch: WelchTTest?
    /// Mann–Whitney, for continuous designs.
    public var mannWhitney: MannWhitneyTest?
    /// Month-by-month p-charts, per group, for over-time designs.
    public var charts: [(group: String, months: [String], chart: PChart)]
    /// Respondents left out of a paired comparison, by id and cohort (named in ``warnings``).
    public var unpairedRespondents: [String] = []
    /// The interrupted time series (first cohort before, second after), when asked for with `--design its`.
    public var interruptedTimeSeries: (months: [String], events: [Int], totals: [Int], model: InterruptedTimeSeries)? =
        nil
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
        var result = Comparison(
            measure: measure, groups: groups, design: .continuous, rule: ("", ""), warnings: [], statsRequest: [:],
            charts: [])
        if overTime {
            guard measure.isBinary else {
                throw AnalysisError(
                    .invalidDesign, "a chart over time needs a yes/no measure (item, completion, critical-free)")
            }
            try result.chartMonthly(in: store.localTimeZone())
            if interruptedTimeSeries { try result.fitInterruptedTimeSeries() }
            return result
        }
        guard !interruptedTimeSeries else {
            throw AnalysisError(.invalidDesign, "an interrupted time series needs --over month (monthly proportions)")
        }
        guard groups.count == 2 else {
            throw AnalysisError(
                .invalidDesign, "a comparison needs exactly two cohorts (or --over month for a chart of one or more)")
        }
        let (a, b) = (groups[0], groups[1])
        let shared = Set(a.units.map(\.subjectId)).intersection(b.units.map(\.subjectId))
        if measure.isBinary && !shared.isEmpty {
            try result.comparePaired(shared: shared)
        } else if measure.isBinary {
            try result.compareIndependent()
        } else {
            try result.compareContinuous(shared: shared)
        }
        return result
    }

    private mutating func compareIndependent() throws {
        let (a, b) = (groups[0].units, groups[1].units)
        let x1 = a.filter { $0.value == 1 }.count
        let x2 = b.filter { $0.value == 1 }.count
        design = .independentBinary
        proportions = try ProportionsComparison(x1: x1, n1: a.count, x2: x2, n2: b.count)
        statsRequest = ["test": "proportions", "a": [x1, a.count], "b": [x2, b.count]]
        let headline = proportions!.headline
        rule = (
            "different subjects in each cohort and a yes/no outcome: a 2×2 crosstab; headline test: \(headline.choice.rawValue) (\(headline.cellsBelowFive) cells with expected count < 5, minimum \(String(format: "%.2f", headline.minExpected)))",
            "两组为不同对象、结局为是/否：四格表；主要检验：\(headline.choice.rawValue)（期望频数<5的格子 \(headline.cellsBelowFive) 个，最小期望频数 \(String(format: "%.2f", headline.minExpected))）"
        )
    }

    /// The warning about respondents who cannot be paired: naming them (the quality office) or counting them.
    static func unpairedWarning(_ list: [String], named: Bool) -> (en: String, zh: String) {
        guard named else {
            return (
                "\(list.count) respondent(s) cannot be paired and are left out",
                "\(list.count) 名对象无法配对，未纳入分析"
            )
        }
        return (
            "\(list.count) respondent(s) cannot be paired and are left out: \(list.prefix(20).joined(separator: ", "))",
            "\(list.count) 名对象无法配对，未纳入分析：\(list.prefix(20).joined(separator: "、"))"
        )
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

    private mutating func comparePaired(shared: Set<String>) throws {
        let (a, b) = (groups[0], groups[1])
        // One answer per respondent per cohort: the latest.
        func latest(_ units: [MeasureUnit]) -> [String: MeasureUnit] {
            var out: [String: MeasureUnit] = [:]
            for unit in units where (out[unit.subjectId]?.time ?? "") <= unit.time { out[unit.subjectId] = unit }
            return out
        }
        let before = latest(a.units)
        let after = latest(b.units)
        var table = (both: 0, aOnly: 0, bOnly: 0, neither: 0)
        for id in shared.sorted() {
            switch (before[id]!.value == 1, after[id]!.value == 1) {
            case (true, true): table.both += 1
            case (true, false): table.aOnly += 1
            case (false, true): table.bOnly += 1
            case (false, false): table.neither += 1
            }
        }
        pairs = table
        design = .pairedBinary
        // McNemar's b counts no → yes (first cohort no, second yes), c yes → no.
        mcnemar = try McNemarTest(b: table.bOnly, c: table.aOnly)
        statsRequest = ["test": "mcnemar", "b": table.bOnly, "c": table.aOnly, "n": shared.count]
        rule = (
            "the same \(shared.count) respondents answered in both cohorts: the answers are paired, so McNemar's test on the discordant pairs (exact and mid-p too), not a two-group chi-square",
            "同一批 \(shared.count) 名对象在两组中均有回答：为配对资料，采用 McNemar 检验（含精确概率与 mid-p），不能用两独立样本卡方检验"
        )
        let onlyA = Set(before.keys).subtracting(shared).sorted()
        let onlyB = Set(after.keys).subtracting(shared).sorted()
        if !onlyA.isEmpty || !onlyB.isEmpty {
            unpairedRespondents =
                onlyA.map { "\($0) (\(a.cohort.name) only)" } + onlyB.map { "\($0) (\(b.cohort.name) only)" }
            warnings.append(Self.unpairedWarning(unpairedRespondents, named: true))
        }
        let repeatedA = a.units.count - before.count
        let repeatedB = b.units.count - after.count
        if repeatedA + repeatedB > 0 {
            warnings.append(
                (
                    "\(repeatedA + repeatedB) earlier answer(s) by the same respondent within a cohort were replaced by the latest",
                    "同一对象在同一组内的 \(repeatedA + repeatedB) 份较早回答以最近一次为准"
                ))
        }
    }

    private mutating func compareContinuous(shared: Set<String>) throws {
        let a = groups[0].units.map(\.value)
        let b = groups[1].units.map(\.value)
        design = .continuous
        welch = try WelchTTest(a: a, b: b)
        mannWhitney = try MannWhitneyTest(a: a, b: b)
        statsRequest = ["test": "welch", "a": a, "b": b]
        rule = (
            "a continuous outcome in two cohorts: Welch's t-test (unequal variances) for the means and the Mann–Whitney U test, which does not assume normality",
            "两组连续型结局：Welch t 检验（不假定方差齐）比较均数，Mann–Whitney U 检验不依赖正态分布"
        )
        if !shared.isEmpty {
            warnings.append(
                (
                    "\(shared.count) subject(s) appear in both cohorts; these tests treat the units as independent",
                    "\(shared.count) 个对象同时出现在两组中；上述检验按独立样本处理"
                ))
        }
    }

    private mutating func chartMonthly(in zone: TimeZone) throws {
        design = .overTime
        var requests: [[String: Any]] = []
        for group in groups {
            var events: [String: Int] = [:]
            var totals: [String: Int] = [:]
            for unit in group.units {
                let month = Self.month(of: unit.time, in: zone)
                totals[month, default: 0] += 1
                if unit.value == 1 { events[month, default: 0] += 1 }
            }
            let months = totals.keys.sorted()
            let chart = try PChart(events: months.map { events[$0] ?? 0 }, totals: months.map { totals[$0]! })
            charts.append((group.cohort.name, months, chart))
            requests.append([
                "test": "pchart", "events": months.map { events[$0] ?? 0 }, "totals": months.map { totals[$0]! },
            ])
        }
        statsRequest = requests.first ?? [:]
        rule = (
            "a yes/no outcome month by month: a p-chart with limits stepped by each month's size (3σ) and run rules",
            "按月的是/否结局：p 控制图，控制限随每月样本量分段（3σ），并按判异规则标出信号"
        )
    }

    /// `YYYY-MM` of an ISO time in the site's zone (the text's own first seven characters if it does not parse).
    static func month(of time: String, in zone: TimeZone) -> String {
        guard let date = Timestamp.parse(time) else { return String(time.prefix(7)) }
        return LocalTime.month(date, in: zone)
    }
}
