import Foundation
import QFlowAnalysis
import QFlowStats
import QFlowStore

extension ReportWriter {
    /// Columns of a month table: month, n, x, p, centre, LCL, UCL, signal.
    static let monthColumns = 8

    /// One p-chart per measure: its month table, then a native chart whose axis reads the months themselves, with
    /// stepped limits; each measure after the first starts a new page.
    func spcSheet(_ w: Writing, _ s: (measures: [String], cohort: String?)) throws {
        var b = SheetBuilder(columns: Self.monthColumns)
        b.maxWidth = 16
        var breaks: [Int] = []
        var header: Int?
        for (index, measure) in s.measures.enumerated() {
            let result = try Comparison.run(
                try Measure(parsing: measure), cohorts: [try cohort(s.cohort)], overTime: true, store: store)
            guard case .overTime(let charts) = result.result, let first = charts.first else { continue }
            if index > 0 { breaks.append(b.row) }
            let h = spcBlock(w, &b, measure: measure, first)
            if header == nil { header = h }
        }
        let (sheet, lastRow) = try b.write(to: w.book, name: language.text(zh: "SPC 控制图", en: "SPC"))
        try finish(
            w, sheet, lastRow: lastRow, columns: Self.monthColumns,
            repeatRows: s.measures.count == 1 ? header.map { $0...$0 } : nil, pageBreaks: breaks)
    }

    /// One measure's p-chart on the SPC sheet: title, how to read it, month table and chart; returns the table's
    /// header row.
    func spcBlock(_ w: Writing, _ b: inout SheetBuilder, measure: String, _ monthly: Comparison.MonthlyChart) -> Int {
        let chart = monthly.chart
        b.paragraph("p-chart: \(measure) — \(monthly.cohortName)", .title)
        b.paragraph(
            language.text(
                zh: "中心线为合并比例；控制限为按各月例数计算的 ±3 倍标准误。",
                en: "Centre line: the pooled proportion; limits: ±3 standard errors for each month's n. ")
                + language.text(
                    zh: "\(chart.outOfControl.count) 个月超出控制限。",
                    en: "\(chart.outOfControl.count) month(s) outside the limits."))
        b.skip()
        let header = monthTable(&b, months: monthly.months, chart: chart)
        b.skip()
        b.chart(pChart(w, title: "p-chart — \(monthly.cohortName)", months: monthly.months, chart: chart))
        b.skip()
        return header
    }

    /// The month table of a p-chart; returns its header row.
    @discardableResult
    func monthTable(_ b: inout SheetBuilder, months: [String], chart: PChart) -> Int {
        let header = b.cells(
            [
                .text(language.text(zh: "月份", en: "Month")), .text("n"), .text("x"), .text("p"),
                .text(language.text(zh: "中心线", en: "Centre")), .text(language.text(zh: "下控制限", en: "LCL")),
                .text(language.text(zh: "上控制限", en: "UCL")), .text(language.text(zh: "信号", en: "Signal")),
            ], format: .header)
        let outside = language.text(zh: "超出控制限", en: "outside limits")
        for (i, month) in months.enumerated() {
            b.cells([
                .text(month), .number(Double(chart.totals[i])), .number(Double(chart.events[i])),
                .percent(chart.proportions[i]), .percent(chart.center), .percent(chart.lowerLimits[i]),
                .percent(chart.upperLimits[i]), .text(chart.outOfControl.contains(i) ? outside : ""),
            ])
        }
        return header
    }

    /// Days in the uniform month grid of a chart's x axis (the mean Gregorian month).
    static let monthDays = 30.4375

    /// A p-chart from helper rows: each point at a date in its month on a uniform grid (ticks every month, labelled
    /// `yyyy-mm`, fall on the points), centre line, limits drawn as steps that change at the month boundaries,
    /// and the months that signal in red.
    func pChart(_ w: Writing, title: String, months: [String], chart: PChart) -> ChartSpec {
        let n = months.count
        let grid = MonthAxis(months)
        let top = w.charts.append(Self.pChartRows(months, chart, grid))
        func points(_ c: PChartColumn) -> ChartSpec.Range { w.charts.range(c, from: top, count: n) }
        func steps(_ c: PChartColumn) -> ChartSpec.Range { w.charts.range(c, from: top, count: 2 * n) }
        var spec = ChartSpec(kind: .scatter, title: title)
        var lcl = ChartSpec.Series(
            name: "LCL", categories: steps(.stepX), values: steps(.lcl), color: ChartPalette.limit, dashed: true)
        lcl.width = ChartPalette.limitWidth
        var ucl = lcl
        ucl.name = "UCL"
        ucl.values = steps(.ucl)
        spec.series = [
            ChartSpec.Series(
                name: "p", categories: points(.x), values: points(.p), marker: .circle, color: ChartPalette.primary),
            ChartSpec.Series(
                name: language.text(zh: "中心线", en: "centre"), categories: points(.x), values: points(.centre),
                color: ChartPalette.neutral),
            lcl, ucl,
        ]
        if !chart.outOfControl.isEmpty {
            spec.series.append(
                ChartSpec.Series(
                    name: language.text(zh: "超出控制限", en: "outside limits"), categories: points(.x),
                    values: points(.signal), marker: .diamond, color: ChartPalette.signal, line: false))
        }
        spec.x = grid.axis(name: language.text(zh: "月份", en: "Month"), padSingleMonth: true)
        spec.y = Self.proportionAxis(chart.proportions + chart.lowerLimits + chart.upperLimits)
        return spec
    }

    /// The helper rows of a p-chart: a point per month in the first `n` rows, two step ends per month in all `2n`.
    static func pChartRows(_ months: [String], _ chart: PChart, _ grid: MonthAxis) -> [ChartRow<PChartColumn>] {
        let n = months.count
        return (0..<(2 * max(n, 1))).map { r in
            var cells = ChartRow<PChartColumn>()
            if r < n {
                cells[.month] = .text(months[r])
                cells[.x] = .number(grid.x[r])
                cells[.p] = .number(chart.proportions[r])
                cells[.centre] = .number(chart.center)
                if chart.outOfControl.contains(r) {
                    cells[.signal] = .number(chart.proportions[r])
                }
            }
            if n > 0 {
                let month = r / 2
                cells[.stepX] = .number(grid.stepEdge(month, left: r % 2 == 0))
                cells[.lcl] = .number(chart.lowerLimits[month])
                cells[.ucl] = .number(chart.upperLimits[month])
            }
            return cells
        }
    }

    /// A proportion axis from just below the lowest value to just above the highest, on 2% steps, within 0…1.
    static func proportionAxis(_ values: [Double]) -> ChartSpec.Axis {
        let bottom = max(0, ((values.min() ?? 0) - 0.02) * 50).rounded(.down) / 50
        let ceiling = min(1, (((values.max() ?? 1) + 0.02) * 50).rounded(.up) / 50)
        return ChartSpec.Axis(name: "p", numberFormat: "0%", min: bottom, max: max(ceiling, bottom + 0.02))
    }

    /// Where a chart places its months: an Excel date serial mid-month on a uniform grid when every month parses
    /// (`yyyy-mm`; `dated`), else 1, 2, 3, …
    static func monthGrid(_ months: [String]) -> (x: [Double], dated: Bool) {
        let first = months.first.flatMap(monthIndex)
        let x: [Double] = months.enumerated().map { i, month in
            guard let first, let k = monthIndex(month) else { return Double(i + 1) }
            return serial(monthIndex: first) + 15 + Double(k - first) * monthDays
        }
        return (x, first != nil && months.allSatisfy { monthIndex($0) != nil })
    }

    /// `yyyy-mm` as months since year 0, or nil.
    public static func monthIndex(_ text: String) -> Int? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m), y > 1900 else {
            return nil
        }
        return y * 12 + m - 1
    }

    /// The Excel date serial of the first day of a month (months since year 0).
    public static func serial(monthIndex k: Int) -> Double {
        // Days from civil (H. Hinnant), then from 1899-12-30.
        var y = k / 12
        let m = k % 12 + 1
        y -= m <= 2 ? 1 : 0
        let era = y / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468  // days since 1970-01-01
        return Double(days + 25_569)
    }
}
