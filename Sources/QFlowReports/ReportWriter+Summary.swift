import Foundation
import QFlowAnalysis
import QFlowEngine
import QFlowStats
import QFlowStore

extension ReportWriter {
    /// Columns of the Summary sheet: keys over the first two, values over the other four; charts two by two.
    static let summaryColumns = 6

    /// What, when, from which database and definition; the headline results in words and as small charts; cohorts.
    func summarySheet(_ w: Writing, comparisons: [(ReportSpec.ComparisonSpec, Comparison)]) throws {
        var b = SheetBuilder(columns: Self.summaryColumns)
        for column in 0..<Self.summaryColumns { b.fixedWidths[column] = 15.5 }
        let keys = 0...1
        let values = 2...(Self.summaryColumns - 1)
        b.paragraph(w.title, .title)
        b.skip()
        var rows: [(String, String)] = [
            (t("Generated", "生成时间"), w.generated),
            (t("Database", "数据库"), URL(fileURLWithPath: store.path).lastPathComponent),
            (t("Report definition", "报告定义"), spec.file.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "–"),
            (t("Language", "语言"), language == .zh ? "中文 (zh)" : "English (en)"),
        ]
        if let hospital = options.hospital { rows.insert((t("Hospital", "医院"), hospital), at: 0) }
        for (key, value) in rows { b.paragraphs([(key, keys, FormatSpec(bold: true)), (value, values, FormatSpec())]) }
        b.skip()
        if !comparisons.isEmpty {
            b.paragraph(t("Headline results", "主要结果"), FormatSpec(bold: true, size: 12))
            for (c, result) in comparisons { b.paragraph("• " + headline(c, result)) }
            b.skip()
            let charts = try comparisons.compactMap { (c, result) in try headlineChart(w, c, result) }
            for pair in stride(from: 0, to: charts.count, by: 2) {
                b.chartPair(charts[pair], pair + 1 < charts.count ? charts[pair + 1] : nil)
                b.skip()
            }
        }
        let names = Set(
            spec.comparisons.flatMap(\.cohorts) + [spec.compliance?.cohort, spec.spc?.cohort].compactMap { $0 })
        if !names.isEmpty {
            b.paragraph(t("Cohorts", "队列"), FormatSpec(bold: true, size: 12))
            for name in names.sorted() {
                let c = try cohort(name)
                let description = c.description ?? String(decoding: CanonicalJSON.encode(c), as: UTF8.self)
                b.paragraphs([(name, keys, FormatSpec(bold: true)), (description, values, FormatSpec())])
            }
        }
        let (sheet, lastRow) = try b.write(to: w.book, name: t("Summary", "摘要"))
        try finish(w, sheet, lastRow: lastRow, columns: Self.summaryColumns)
    }

    /// The headline of a comparison in one sentence, with its figures.
    func headline(_ c: ReportSpec.ComparisonSpec, _ r: Comparison) -> String {
        let name = c.title?.text(lang) ?? c.measure
        func p3(_ p: Double?) -> String { p.map { String(format: "%.3f", $0) } ?? "–" }
        func significance(_ p: Double?) -> String {
            guard let p else { return "" }
            return p < 0.05
                ? t(" (significant at 0.05)", "（差异有统计学意义，α = 0.05）")
                : t(" (not significant at 0.05)", "（差异无统计学意义，α = 0.05）")
        }
        switch r.design {
        case .independentBinary:
            let p = r.proportions!
            let h = p.headline
            let test =
                switch h.choice {
                case .pearson: t("Pearson χ² = ", "皮尔逊 χ² = ") + p3(h.statistic) + ","
                case .fisher: t("Fisher's exact test", "费希尔精确检验")
                }
            return "\(name): \(r.groups[0].cohort.name) \(p.x1)/\(p.n1) " + t("vs", "对")
                + " \(r.groups[1].cohort.name) "
                + "\(p.x2)/\(p.n2); " + test + " p = \(p3(h.p))" + significance(h.p)
        case .pairedBinary:
            let m = r.mcnemar!
            return "\(name): McNemar " + t("exact", "精确") + " p = \(p3(m.exactP)) (b = \(m.b), c = \(m.c))"
                + significance(m.exactP)
        case .continuous:
            return "\(name): Welch p = \(p3(r.welch?.p)), Mann–Whitney p = \(p3(r.mannWhitney?.p))"
        case .overTime:
            let signals = r.charts.map { $0.chart.outOfControl.count }.reduce(0, +)
            return "\(name): " + t("\(signals) month(s) outside the control limits", "\(signals) 个月超出控制限")
        }
    }

    /// A small chart that says a comparison's result without reading numbers: the two proportions (or means) with
    /// their 95% intervals, or the p-chart of its first cohort.
    func headlineChart(_ w: Writing, _ c: ReportSpec.ComparisonSpec, _ r: Comparison) throws -> ChartSpec? {
        let name = c.title?.text(lang) ?? c.measure
        let labels = r.groups.map(\.cohort.name)
        switch r.design {
        case .independentBinary:
            let p = r.proportions!
            return intervalChart(
                w, title: name, yAxis: t("share yes (95% CI)", "“是”的比例（95% 置信区间）"), percent: true,
                groups: [
                    ("\(labels[0]) (n = \(p.n1))", Double(p.x1) / Double(p.n1), p.wilsonA),
                    ("\(labels[1]) (n = \(p.n2))", Double(p.x2) / Double(p.n2), p.wilsonB),
                ])
        case .pairedBinary:
            let pairs = r.pairs!
            let n = pairs.both + pairs.aOnly + pairs.bOnly + pairs.neither
            guard n > 0 else { return nil }
            let a = pairs.both + pairs.aOnly
            let b = pairs.both + pairs.bOnly
            return intervalChart(
                w, title: name, yAxis: t("share yes (95% CI)", "“是”的比例（95% 置信区间）"), percent: true,
                groups: [
                    ("\(labels[0]) (n = \(n))", Double(a) / Double(n), .wilson(successes: a, trials: n)),
                    ("\(labels[1]) (n = \(n))", Double(b) / Double(n), .wilson(successes: b, trials: n)),
                ])
        case .continuous:
            guard let welch = r.welch else { return nil }
            func interval(_ s: SampleSummary) -> ConfidenceInterval? {
                guard s.count > 1 else { return nil }
                let half =
                    StudentT.upperQuantile(0.025, degreesOfFreedom: Double(s.count - 1))
                    * s.standardDeviation / Double(s.count).squareRoot()
                return ConfidenceInterval(low: s.mean - half, high: s.mean + half)
            }
            guard let a = interval(welch.summaryA), let b = interval(welch.summaryB) else { return nil }
            return intervalChart(
                w, title: name, yAxis: t("mean (95% CI)", "均数（95% 置信区间）"), percent: false,
                groups: [
                    ("\(labels[0]) (n = \(welch.summaryA.count))", welch.summaryA.mean, a),
                    ("\(labels[1]) (n = \(welch.summaryB.count))", welch.summaryB.mean, b),
                ])
        case .overTime:
            guard let first = r.charts.first else { return nil }
            var chart = pChart(w, title: "\(name) — \(first.group)", months: first.months, chart: first.chart)
            chart.height = 240
            return chart
        }
    }

    /// Two estimates with their intervals: a marker each, over text categories, with asymmetric error bars (an
    /// upper and a lower series per group, as libxlsxwriter's error bars are fixed per series).
    func intervalChart(
        _ w: Writing, title: String, yAxis: String, percent: Bool,
        groups: [(label: String, estimate: Double, interval: ConfidenceInterval)]
    ) -> ChartSpec {
        let block: [[Worksheet.Cell]] = groups.enumerated().map { i, g in
            [
                .text(g.label), i == 0 ? .number(g.estimate) : .blank, i == 1 ? .number(g.estimate) : .blank,
                .number(g.interval.low), .number(g.interval.high),
            ]
        }
        let first = w.charts.append(IntervalColumn.allCases.map { "\($0)" }, block)
        let categories = w.charts.range(IntervalColumn.label.rawValue, from: first, count: 2)
        var chart = ChartSpec(kind: .line, title: title)
        chart.height = 240
        chart.legend = false
        let colors: [UInt32] = [0x1F4E79, 0xC55A11]
        for (i, g) in groups.enumerated() {
            let column = i == 0 ? IntervalColumn.first : .second
            var upper = ChartSpec.Series(
                name: g.label, categories: categories, values: w.charts.range(column.rawValue, from: first, count: 2),
                marker: .circle, color: colors[i], line: false)
            upper.errorBar = .plus(g.interval.high - g.estimate)
            upper.labels = percent ? "0.0%" : "0.0"
            var lower = upper
            lower.marker = nil
            lower.labels = nil
            lower.errorBar = .minus(g.estimate - g.interval.low)
            chart.series += [upper, lower]
        }
        let low = groups.map(\.interval.low).min() ?? 0
        let high = groups.map(\.interval.high).max() ?? 1
        let pad = max((high - low) * 0.25, percent ? 0.01 : 0.1)
        chart.y = ChartSpec.Axis(
            name: yAxis, numberFormat: percent ? "0%" : "0.0",
            min: percent ? max(0, low - pad) : low - pad, max: percent ? min(1, high + pad) : high + pad)
        return chart
    }
}
