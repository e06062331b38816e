import Foundation
import QFlowStats
import QFlowStore

extension Comparison {
    /// The comparison for people: the cohorts, the rule that chose the test, warnings, then the SPSS-style tables.
    public func text(language: Language) -> String {
        let zh = language == .zh
        func t(_ en: String, _ zhText: String) -> String { zh ? zhText : en }
        var out = t("Measure", "指标") + ": \(measure)\n"
        for group in groups {
            let n = group.units.count
            if measure.isBinary {
                let yes = group.units.filter { $0.value == 1 }.count
                out += "  \(group.cohort.name): \(yes)/\(n) = \(String(format: "%.1f", 100 * Double(yes) / Double(n)))%"
            } else {
                let mean = group.units.map(\.value).reduce(0, +) / Double(n)
                out += "  \(group.cohort.name): n = \(n), " + t("mean", "均数") + " \(String(format: "%.2f", mean))"
            }
            if let description = group.cohort.description { out += "  — \(description)" }
            out += "\n"
        }
        out += t("Design", "设计") + ": \(design.rawValue) — " + (zh ? rule.zh : rule.en) + "\n"
        for warning in warnings { out += t("Warning", "注意") + ": " + (zh ? warning.zh : warning.en) + "\n" }
        out += "\n"
        let labels = (groups[0].cohort.name, groups.count > 1 ? groups[1].cohort.name : "")
        switch design {
        case .independentBinary:
            out += StatsReport.proportions(
                proportions!, groupLabels: labels, outcomeLabels: (t("Yes", "是"), t("No", "否")), language: language)
        case .pairedBinary:
            let p = pairs!
            out += t("Paired table (rows: ", "配对表（行：") + labels.0 + t(", columns: ", "，列：") + labels.1 + ")\n"
            out += "             \(t("yes", "是"))    \(t("no", "否"))\n"
            out += "  \(t("yes", "是"))  \(String(format: "%6d %6d", p.both, p.aOnly))\n"
            out += "  \(t("no", "否"))   \(String(format: "%6d %6d", p.bOnly, p.neither))\n\n"
            out += StatsReport.mcnemar(mcnemar!, pairs: p.both + p.aOnly + p.bOnly + p.neither, language: language)
        case .continuous:
            out += StatsReport.welch(welch!, groupLabels: labels, language: language)
            let shift = try? HodgesLehmann(a: groups[0].units.map(\.value), b: groups[1].units.map(\.value))
            out += "\n" + StatsReport.mannWhitney(mannWhitney!, groupLabels: labels, shift: shift, language: language)
        case .overTime:
            for (group, months, chart) in charts {
                out += "\(group): " + months.joined(separator: " ") + "\n"
                out += StatsReport.pChart(chart, language: language) + "\n"
            }
            if let its = interruptedTimeSeries {
                out += StatsReport.interruptedTimeSeries(its.model, labels: its.months, language: language)
            }
        }
        return out.hasSuffix("\n") ? out : out + "\n"
    }

    /// The comparison for scripts: cohorts, design, rule, warnings, and the statistics module's JSON result.
    public func json(language: Language = .en) throws -> Data {
        let zh = language == .zh
        var object: [String: Any] = [
            "measure": measure.description,
            "design": design.rawValue,
            "rule": zh ? rule.zh : rule.en,
            "warnings": warnings.map { zh ? $0.zh : $0.en },
            "cohorts": groups.map { group -> [String: Any] in
                var entry: [String: Any] = ["name": group.cohort.name, "n": group.units.count]
                if measure.isBinary {
                    entry["yes"] = group.units.filter { $0.value == 1 }.count
                } else {
                    entry["mean"] = group.units.map(\.value).reduce(0, +) / Double(max(1, group.units.count))
                }
                return entry
            },
        ]
        var requests = [statsRequest]
        if design == .continuous, let a = statsRequest["a"], let b = statsRequest["b"] {
            requests.append(["test": "mann_whitney", "a": a, "b": b])
        }
        if design == .overTime {
            requests = charts.map { ["test": "pchart", "events": $0.chart.events, "totals": $0.chart.totals] }
            object["months"] = charts.map { ["cohort": $0.group, "months": $0.months] }
            if interruptedTimeSeries != nil { requests.append(statsRequest) }
        }
        if let p = pairs {
            object["pairs"] = ["yes_yes": p.both, "yes_no": p.aOnly, "no_yes": p.bOnly, "no_no": p.neither]
        }
        let input = try JSONSerialization.data(withJSONObject: requests)
        let output = try StatsContract.run(input)
        object["statistics"] = try JSONSerialization.jsonObject(with: output)
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }
}
