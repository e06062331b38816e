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
        b.paragraph(w.title, .title)
        b.skip()
        for (key, value) in summaryFacts(w) { keyValue(&b, key, value) }
        b.skip()
        if !comparisons.isEmpty { try headlines(w, &b, comparisons) }
        let names = Set(
            spec.comparisons.flatMap(\.cohorts) + [spec.compliance?.cohort, spec.spc?.cohort].compactMap { $0 })
        if !names.isEmpty {
            b.paragraph(language.text(zh: "队列", en: "Cohorts"), FormatSpec(bold: true, size: 12))
            for name in names.sorted() {
                let c = try cohort(name)
                keyValue(&b, name, c.description ?? String(decoding: CanonicalJSON.encode(c), as: UTF8.self))
            }
        }
        let (sheet, lastRow) = try b.write(to: w.book, name: language.text(zh: "摘要", en: "Summary"))
        try finish(w, sheet, lastRow: lastRow, columns: Self.summaryColumns)
    }

    /// What the workbook is: the hospital, when it was generated, from which database, definition and language.
    func summaryFacts(_ w: Writing) -> [(String, String)] {
        var rows: [(String, String)] = [
            (language.text(zh: "生成时间", en: "Generated"), w.generated),
            (language.text(zh: "数据库", en: "Database"), URL(fileURLWithPath: store.path).lastPathComponent),
            (
                language.text(zh: "报告定义", en: "Report definition"),
                spec.file.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "–"
            ),
            (language.text(zh: "语言", en: "Language"), language.text(zh: "中文 (zh)", en: "English (en)")),
        ]
        if let hospital = options.hospital { rows.insert((language.text(zh: "医院", en: "Hospital"), hospital), at: 0) }
        return rows
    }

    /// A key in bold over the first two columns, its value over the other four.
    func keyValue(_ b: inout SheetBuilder, _ key: String, _ value: String) {
        b.paragraphs([(key, 0...1, FormatSpec(bold: true)), (value, 2...(Self.summaryColumns - 1), FormatSpec())])
    }

    /// Every comparison's headline in a sentence, then their charts two by two.
    func headlines(
        _ w: Writing, _ b: inout SheetBuilder, _ comparisons: [(ReportSpec.ComparisonSpec, Comparison)]
    ) throws {
        b.paragraph(language.text(zh: "主要结果", en: "Headline results"), FormatSpec(bold: true, size: 12))
        for (c, result) in comparisons { b.paragraph("• " + headline(c, result)) }
        b.skip()
        let charts = try comparisons.compactMap { (c, result) in try headlineChart(w, c, result) }
        for pair in stride(from: 0, to: charts.count, by: 2) {
            b.chartPair(charts[pair], pair + 1 < charts.count ? charts[pair + 1] : nil)
            b.skip()
        }
    }

    /// The headline of a comparison in one sentence, with its figures.
    func headline(_ c: ReportSpec.ComparisonSpec, _ r: Comparison) -> String {
        let name = c.title?.text(language) ?? c.measure
        switch r.result {
        case .independentBinary(let p):
            let h = p.headline
            let test =
                switch h.choice {
                case .pearson: language.text(zh: "皮尔逊 χ² = ", en: "Pearson χ² = ") + Self.p3(h.statistic) + ","
                case .fisher: language.text(zh: "费希尔精确检验", en: "Fisher's exact test")
                }
            return "\(name): \(r.groups[0].cohort.name) \(p.x1)/\(p.n1) " + language.text(zh: "对", en: "vs")
                + " \(r.groups[1].cohort.name) "
                + "\(p.x2)/\(p.n2); " + test + " p = \(Self.p3(h.p))" + significance(h.p)
        case .pairedBinary(_, let m):
            return "\(name): McNemar " + language.text(zh: "精确", en: "exact")
                + " p = \(Self.p3(m.exactP)) (b = \(m.b), c = \(m.c))" + significance(m.exactP)
        case .continuous(let welch, let mannWhitney):
            return "\(name): Welch p = \(Self.p3(welch.p)), Mann–Whitney p = \(Self.p3(mannWhitney.p))"
        case .overTime(let charts), .interruptedTimeSeries(let charts, _):
            let signals = charts.map { $0.chart.outOfControl.count }.reduce(0, +)
            return "\(name): "
                + language.text(zh: "\(signals) 个月超出控制限", en: "\(signals) month(s) outside the control limits")
        }
    }

    /// A p value to three decimals (– when there is none).
    static func p3(_ p: Double?) -> String { p.map { String(format: "%.3f", $0) } ?? "–" }

    /// Whether a p value is significant at 0.05, in words (nothing when there is no p).
    func significance(_ p: Double?) -> String {
        guard let p else { return "" }
        return p < 0.05
            ? language.text(zh: "（差异有统计学意义，α = 0.05）", en: " (significant at 0.05)")
            : language.text(zh: "（差异无统计学意义，α = 0.05）", en: " (not significant at 0.05)")
    }

    /// A small chart that says a comparison's result without reading numbers: the two proportions (or means) with
    /// their 95% intervals, or the p-chart of its first cohort.
    func headlineChart(_ w: Writing, _ c: ReportSpec.ComparisonSpec, _ r: Comparison) throws -> ChartSpec? {
        let name = c.title?.text(language) ?? c.measure
        let labels = r.groups.map(\.cohort.name)
        let shareYes = language.text(zh: "“是”的比例（95% 置信区间）", en: "share yes (95% CI)")
        switch r.result {
        case .independentBinary(let p):
            return intervalChart(
                w, title: name, yAxis: shareYes, percent: true,
                groups: [
                    ("\(labels[0]) (n = \(p.n1))", Double(p.x1) / Double(p.n1), p.wilsonA),
                    ("\(labels[1]) (n = \(p.n2))", Double(p.x2) / Double(p.n2), p.wilsonB),
                ])
        case .pairedBinary(let pairs, _):
            let n = pairs.total
            guard n > 0 else { return nil }
            let a = pairs.both + pairs.aOnly
            let b = pairs.both + pairs.bOnly
            return intervalChart(
                w, title: name, yAxis: shareYes, percent: true,
                groups: [
                    ("\(labels[0]) (n = \(n))", Double(a) / Double(n), .wilson(successes: a, trials: n)),
                    ("\(labels[1]) (n = \(n))", Double(b) / Double(n), .wilson(successes: b, trials: n)),
                ])
        case .continuous(let welch, _):
            return meansChart(w, title: name, welch, labels: labels)
        case .overTime(let charts), .interruptedTimeSeries(let charts, _):
            guard let first = charts.first else { return nil }
            var chart = pChart(w, title: "\(name) — \(first.cohortName)", months: first.months, chart: first.chart)
            chart.height = 240
            return chart
        }
    }

    /// The two means with their 95% t intervals (nil when a cohort has a single value).
    func meansChart(_ w: Writing, title: String, _ welch: WelchTTest, labels: [String]) -> ChartSpec? {
        func interval(_ s: SampleSummary) -> ConfidenceInterval? {
            guard s.count > 1 else { return nil }
            let half =
                StudentT.upperQuantile(0.025, degreesOfFreedom: Double(s.count - 1))
                * s.standardDeviation / Double(s.count).squareRoot()
            return ConfidenceInterval(low: s.mean - half, high: s.mean + half)
        }
        guard let a = interval(welch.summaryA), let b = interval(welch.summaryB) else { return nil }
        return intervalChart(
            w, title: title, yAxis: language.text(zh: "均数（95% 置信区间）", en: "mean (95% CI)"), percent: false,
            groups: [
                ("\(labels[0]) (n = \(welch.summaryA.count))", welch.summaryA.mean, a),
                ("\(labels[1]) (n = \(welch.summaryB.count))", welch.summaryB.mean, b),
            ])
    }

    /// Two estimates with their intervals: a marker each, over text categories, with asymmetric error bars (an
    /// upper and a lower series per group, as libxlsxwriter's error bars are fixed per series).
    func intervalChart(
        _ w: Writing, title: String, yAxis: String, percent: Bool,
        groups: [(label: String, estimate: Double, interval: ConfidenceInterval)]
    ) -> ChartSpec {
        let estimates: [IntervalColumn] = [.first, .second]
        let block = zip(groups, estimates).map { g, estimate in
            var row = ChartRow<IntervalColumn>()
            row[.label] = .text(g.label)
            row[estimate] = .number(g.estimate)
            row[.low] = .number(g.interval.low)
            row[.high] = .number(g.interval.high)
            return row
        }
        let first = w.charts.append(block)
        let categories = w.charts.range(IntervalColumn.label, from: first, count: groups.count)
        var chart = ChartSpec(kind: .line, title: title)
        chart.height = 240
        chart.legend = false
        let colors = [ChartPalette.primary, ChartPalette.secondary]
        for (i, (g, estimate)) in zip(groups, estimates).enumerated() {
            var upper = ChartSpec.Series(
                name: g.label, categories: categories,
                values: w.charts.range(estimate, from: first, count: groups.count), marker: .circle, color: colors[i],
                line: false)
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
