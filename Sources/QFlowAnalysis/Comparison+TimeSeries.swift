import Foundation
import QFlowStats

extension Comparison {
    /// Fits the segmented regression: the first cohort's months before the intervention, the second's after.
    mutating func fitInterruptedTimeSeries() throws {
        guard charts.count == 2 else {
            throw AnalysisError(
                .invalidDesign,
                "an interrupted time series needs exactly two cohorts: the months before and the months after")
        }
        let (before, after) = (charts[0], charts[1])
        guard let lastBefore = before.months.last, let firstAfter = after.months.first, lastBefore < firstAfter else {
            throw AnalysisError(
                .invalidDesign,
                "cohort \(after.group) must start after cohort \(before.group) ends (months \(before.months.last ?? "–") "
                    + "and \(after.months.first ?? "–"))")
        }
        let months = before.months + after.months
        let events = before.chart.events + after.chart.events
        let totals = before.chart.totals + after.chart.totals
        let first = Self.monthNumber(months[0])
        let times = months.map { Self.monthNumber($0) - first }
        let model = try InterruptedTimeSeries(
            events: events, totals: totals, times: times, intervention: before.months.count)
        interruptedTimeSeries = (months, events, totals, model)
        statsRequest = [
            "test": "its", "events": events, "totals": totals, "intervention": before.months.count, "times": times,
        ]
        rule = (
            "monthly proportions before (\(before.group)) and after (\(after.group)) an intervention: segmented "
                + "regression (interrupted time series) on the identity scale with Newey–West standard errors, beside "
                + "each cohort's p-chart",
            "干预前（\(before.group)）与干预后（\(after.group)）的按月比例：分段回归（间断时间序列），恒等尺度，"
                + "Newey–West 标准误；并列各组 p 控制图"
        )
    }

    /// year·12 + month of `YYYY-MM`.
    static func monthNumber(_ month: String) -> Int {
        let parts = month.split(separator: "-")
        guard parts.count >= 2, let y = Int(parts[0]), let m = Int(parts[1]) else { return 0 }
        return y * 12 + m - 1
    }

    /// The power sentence of the comparison ("this comparison had N % power …"), if its design has one.
    public func powerSentence(language: Language) -> String? {
        if let p = proportions?.observedPower { return StatsReport.powerSentence(p, language: language) }
        if let m = mcnemar, let pairs {
            let n = pairs.both + pairs.aOnly + pairs.bOnly + pairs.neither
            return StatsReport.mcnemar(m, pairs: n, language: language).split(separator: "\n")
                .last { $0.hasPrefix("Power:") || $0.hasPrefix("检验效能") }.map(String.init)
        }
        if let w = welch?.observedPower { return StatsReport.welchPowerSentence(w, language: language) }
        return nil
    }
}
