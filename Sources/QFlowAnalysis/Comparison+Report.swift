import Foundation
import QFlowStats
import QFlowStore

extension Comparison {
    /// The comparison for people: the cohorts, the rule that chose the test, warnings, then the SPSS-style tables.
    public func text(language: Language) -> String {
        var out = language.text(zh: "指标", en: "Measure") + ": \(measure)\n"
        for group in groups { out += groupLine(group, language: language) + "\n" }
        out += language.text(zh: "设计", en: "Design") + ": \(design.rawValue) — " + rule.text(language) + "\n"
        for warning in warnings {
            out += language.text(zh: "注意", en: "Warning") + ": " + warning.text(language) + "\n"
        }
        out += "\n" + resultText(language: language)
        return out.hasSuffix("\n") ? out : out + "\n"
    }

    /// One cohort in a line: its share of yes (or its mean) and its description.
    private func groupLine(_ group: Group, language: Language) -> String {
        let n = group.units.count
        var line: String
        if measure.isBinary {
            let yes = group.units.filter { $0.value == 1 }.count
            line = "  \(group.cohort.name): \(yes)/\(n) = \(String(format: "%.1f", 100 * Double(yes) / Double(n)))%"
        } else {
            let mean = group.units.map(\.value).reduce(0, +) / Double(n)
            line =
                "  \(group.cohort.name): n = \(n), " + language.text(zh: "均数", en: "mean")
                + " \(String(format: "%.2f", mean))"
        }
        if let description = group.cohort.description { line += "  — \(description)" }
        return line
    }

    /// The statistics module's tables for the result.
    private func resultText(language: Language) -> String {
        let labels = (groups[0].cohort.name, groups.count > 1 ? groups[1].cohort.name : "")
        switch result {
        case .independentBinary(let block):
            let outcomes = (language.text(zh: "是", en: "Yes"), language.text(zh: "否", en: "No"))
            return StatsReport.proportions(
                block, groupLabels: labels, outcomeLabels: outcomes, language: language)
        case .pairedBinary(let table, let mcnemar):
            return pairedText(table, mcnemar, labels: labels, language: language)
        case .continuous(let welch, let mannWhitney):
            let shift = try? HodgesLehmann(a: groups[0].units.map(\.value), b: groups[1].units.map(\.value))
            return StatsReport.welch(welch, groupLabels: labels, language: language) + "\n"
                + StatsReport.mannWhitney(mannWhitney, groupLabels: labels, shift: shift, language: language)
        case .overTime(let charts):
            return chartsText(charts, language: language)
        case .interruptedTimeSeries(let charts, let fit):
            return chartsText(charts, language: language)
                + StatsReport.interruptedTimeSeries(fit.model, labels: fit.months, language: language)
        }
    }

    /// The paired table (rows: the first cohort, columns: the second) and McNemar's test.
    private func pairedText(
        _ table: PairedTable, _ mcnemar: McNemarTest, labels: (String, String), language: Language
    ) -> String {
        let yes = language.text(zh: "是", en: "yes")
        let no = language.text(zh: "否", en: "no")
        var out =
            language.text(zh: "配对表（行：", en: "Paired table (rows: ") + labels.0
            + language.text(zh: "，列：", en: ", columns: ") + labels.1 + ")\n"
        out += "             \(yes)    \(no)\n"
        out += "  \(yes)  \(String(format: "%6d %6d", table.both, table.aOnly))\n"
        out += "  \(no)   \(String(format: "%6d %6d", table.bOnly, table.neither))\n\n"
        return out + StatsReport.mcnemar(mcnemar, pairs: table.total, language: language)
    }

    /// Each cohort's months and p-chart.
    private func chartsText(_ charts: [MonthlyChart], language: Language) -> String {
        charts.map { chart in
            "\(chart.cohortName): " + chart.months.joined(separator: " ") + "\n"
                + StatsReport.pChart(chart.chart, language: language) + "\n"
        }.joined()
    }

    /// The comparison for scripts: cohorts, design, rule, warnings, and the statistics module's JSON result.
    public func json(language: Language = .en) throws -> Data {
        var object: [String: Any] = [
            "measure": measure.description,
            "design": design.rawValue,
            "rule": rule.text(language),
            "warnings": warnings.map { $0.text(language) },
            "cohorts": groups.map(cohortObject),
        ]
        switch result {
        case .pairedBinary(let p, _):
            object["pairs"] = ["yes_yes": p.both, "yes_no": p.aOnly, "no_yes": p.bOnly, "no_no": p.neither]
        case .overTime(let charts), .interruptedTimeSeries(let charts, _):
            object["months"] = charts.map { ["cohort": $0.cohortName, "months": $0.months] }
        case .independentBinary, .continuous:
            break
        }
        let input = try JSONSerialization.data(withJSONObject: statsRequests)
        let output = try StatsContract.run(input)
        object["statistics"] = try JSONSerialization.jsonObject(with: output)
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }

    /// A cohort for scripts: its name, n, and its yes count (or its mean).
    private func cohortObject(_ group: Group) -> [String: Any] {
        var entry: [String: Any] = ["name": group.cohort.name, "n": group.units.count]
        if measure.isBinary {
            entry["yes"] = group.units.filter { $0.value == 1 }.count
        } else {
            entry["mean"] = group.units.map(\.value).reduce(0, +) / Double(max(1, group.units.count))
        }
        return entry
    }

    /// The requests the statistics module answers for this result (its JSON contract), for `--format json`.
    var statsRequests: [[String: Any]] {
        switch result {
        case .independentBinary(let p):
            return [["test": "proportions", "a": [p.x1, p.n1], "b": [p.x2, p.n2]]]
        case .pairedBinary(let table, _):
            return [["test": "mcnemar", "b": table.bOnly, "c": table.aOnly, "n": table.total]]
        case .continuous:
            let a = groups[0].units.map(\.value)
            let b = groups[1].units.map(\.value)
            return [["test": "welch", "a": a, "b": b], ["test": "mann_whitney", "a": a, "b": b]]
        case .overTime(let charts):
            return charts.map(Self.pChartRequest)
        case .interruptedTimeSeries(let charts, let fit):
            let its: [String: Any] = [
                "test": "its", "events": fit.events, "totals": fit.totals, "intervention": charts[0].months.count,
                "times": fit.times,
            ]
            return charts.map(Self.pChartRequest) + [its]
        }
    }

    private static func pChartRequest(_ chart: MonthlyChart) -> [String: Any] {
        ["test": "pchart", "events": chart.chart.events, "totals": chart.chart.totals]
    }
}
