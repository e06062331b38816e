import Foundation
import QFlowEngine
import QFlowStats
import QFlowStore

extension Comparison {
    /// Why a chart over time: the p-chart's rule.
    static let overTimeRule = LocalizedText(
        zh: "按月的是/否结局：p 控制图，控制限随每月样本量分段（3σ），并按判异规则标出信号",
        en: "a yes/no outcome month by month: a p-chart with limits stepped by each month's size (3σ) and run rules")

    /// Each group's units month by month (in the site's zone) and their p-chart.
    static func monthlyCharts(_ groups: [Group], in zone: TimeZone) throws -> [MonthlyChart] {
        try groups.map { group in
            var events: [String: Int] = [:]
            var totals: [String: Int] = [:]
            for unit in group.units {
                let month = Self.month(of: unit.time, in: zone)
                totals[month, default: 0] += 1
                if unit.value == 1 { events[month, default: 0] += 1 }
            }
            let months = totals.keys.sorted()
            let chart = try PChart(events: months.map { events[$0] ?? 0 }, totals: months.map { totals[$0] ?? 0 })
            return MonthlyChart(cohortName: group.cohort.name, months: months, chart: chart)
        }
    }

    /// Fits the segmented regression: the first cohort's months before the intervention, the second's after.
    static func fitInterruptedTimeSeries(
        _ measure: Measure, _ groups: [Group], _ charts: [MonthlyChart]
    ) throws -> Comparison {
        guard charts.count == 2 else {
            throw AnalysisError(
                .invalidDesign,
                "an interrupted time series needs exactly two cohorts: the months before and the months after")
        }
        let (before, after) = (charts[0], charts[1])
        guard let lastBefore = before.months.last, let firstAfter = after.months.first, lastBefore < firstAfter else {
            throw AnalysisError(
                .invalidDesign,
                "cohort \(after.cohortName) must start after cohort \(before.cohortName) ends "
                    + "(months \(before.months.last ?? "–") and \(after.months.first ?? "–"))")
        }
        let months = before.months + after.months
        let first = Self.monthNumber(months[0])
        let times = months.map { Self.monthNumber($0) - first }
        let events = before.chart.events + after.chart.events
        let totals = before.chart.totals + after.chart.totals
        let model = try InterruptedTimeSeries(
            events: events, totals: totals, times: times, intervention: before.months.count)
        let fit = TimeSeriesFit(months: months, events: events, totals: totals, times: times, model: model)
        let rule = LocalizedText(
            zh: "干预前（\(before.cohortName)）与干预后（\(after.cohortName)）的按月比例：分段回归（间断时间序列），"
                + "恒等尺度，Newey–West 标准误；并列各组 p 控制图",
            en: "monthly proportions before (\(before.cohortName)) and after (\(after.cohortName)) an intervention: "
                + "segmented regression (interrupted time series) on the identity scale with Newey–West standard "
                + "errors, beside each cohort's p-chart")
        return Comparison(
            measure: measure, groups: groups, rule: rule, result: .interruptedTimeSeries(charts: charts, fit: fit))
    }

    /// year·12 + month of `YYYY-MM`.
    static func monthNumber(_ month: String) -> Int {
        let parts = month.split(separator: "-")
        guard parts.count >= 2, let y = Int(parts[0]), let m = Int(parts[1]) else { return 0 }
        return y * 12 + m - 1
    }

    /// `YYYY-MM` of an ISO time in the site's zone (the text's own first seven characters if it does not parse).
    static func month(of time: String, in zone: TimeZone) -> String {
        guard let date = Timestamp.parse(time) else { return String(time.prefix(7)) }
        return LocalTime.month(date, in: zone)
    }

    /// The power sentence of the comparison ("this comparison had N % power …"), if its design has one.
    public func powerSentence(language: Language) -> String? {
        switch result {
        case .independentBinary(let block):
            return block.observedPower.map { StatsReport.powerSentence($0, language: language) }
        case .pairedBinary(let table, let mcnemar):
            return StatsReport.mcnemar(mcnemar, pairs: table.total, language: language).split(separator: "\n")
                .last { $0.hasPrefix("Power:") || $0.hasPrefix("检验效能") }.map(String.init)
        case .continuous(let welch, _):
            return welch.observedPower.map { StatsReport.welchPowerSentence($0, language: language) }
        case .overTime, .interruptedTimeSeries:
            return nil
        }
    }
}
