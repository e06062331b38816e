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
            guard let (group, months, chart) = result.charts.first else { continue }
            if index > 0 { breaks.append(b.row) }
            b.paragraph("p-chart: \(measure) — \(group)", .title)
            b.paragraph(
                t(
                    "Centre line: the pooled proportion; limits: ±3 standard errors for each month's n. ",
                    "中心线为合并比例；控制限为按各月例数计算的 ±3 倍标准误。")
                    + t(
                        "\(chart.outOfControl.count) month(s) outside the limits.",
                        "\(chart.outOfControl.count) 个月超出控制限。"))
            b.skip()
            let h = monthTable(&b, months: months, chart: chart)
            if header == nil { header = h }
            b.skip()
            b.chart(pChart(w, title: "p-chart — \(group)", months: months, chart: chart))
            b.skip()
        }
        let (sheet, lastRow) = try b.write(to: w.book, name: t("SPC", "SPC 控制图"))
        try finish(
            w, sheet, lastRow: lastRow, columns: Self.monthColumns,
            repeatRows: s.measures.count == 1 ? header.map { $0...$0 } : nil, pageBreaks: breaks)
    }

    /// The month table of a p-chart; returns its header row.
    @discardableResult
    func monthTable(_ b: inout SheetBuilder, months: [String], chart: PChart) -> Int {
        let header = b.cells(
            [
                .text(t("Month", "月份")), .text("n"), .text("x"), .text("p"), .text(t("Centre", "中心线")),
                .text(t("LCL", "下控制限")), .text(t("UCL", "上控制限")), .text(t("Signal", "信号")),
            ], format: .header)
        for (i, month) in months.enumerated() {
            b.cells([
                .text(month), .number(Double(chart.totals[i])), .number(Double(chart.events[i])),
                .percent(chart.proportions[i]), .percent(chart.center), .percent(chart.lowerLimits[i]),
                .percent(chart.upperLimits[i]),
                .text(chart.outOfControl.contains(i) ? t("outside limits", "超出控制限") : ""),
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
        let (x, dated) = Self.monthGrid(months)
        let unit = dated ? Self.monthDays : 1
        let low = n > 1 ? x[0] : (x.first ?? 0) - unit / 3
        let high = n > 1 ? x[n - 1] : (x.first ?? 0) + unit / 3
        var rows: [[Worksheet.Cell]] = []
        for r in 0..<(2 * max(n, 1)) {
            var cells: [Worksheet.Cell] = Array(repeating: .blank, count: PChartColumn.allCases.count)
            if r < n {
                cells[PChartColumn.month.rawValue] = .text(months[r])
                cells[PChartColumn.x.rawValue] = .number(x[r])
                cells[PChartColumn.p.rawValue] = .number(chart.proportions[r])
                cells[PChartColumn.centre.rawValue] = .number(chart.center)
                if chart.outOfControl.contains(r) {
                    cells[PChartColumn.signal.rawValue] = .number(chart.proportions[r])
                }
            }
            if n > 0 {
                let month = r / 2
                let edge = r % 2 == 0 ? max(low, x[month] - unit / 2) : min(high, x[month] + unit / 2)
                cells[PChartColumn.stepX.rawValue] = .number(edge)
                cells[PChartColumn.lcl.rawValue] = .number(chart.lowerLimits[month])
                cells[PChartColumn.ucl.rawValue] = .number(chart.upperLimits[month])
            }
            rows.append(cells)
        }
        let top = w.charts.append(PChartColumn.allCases.map { "\($0)" }, rows)
        func points(_ c: PChartColumn) -> ChartSpec.Range { w.charts.range(c.rawValue, from: top, count: n) }
        func steps(_ c: PChartColumn) -> ChartSpec.Range { w.charts.range(c.rawValue, from: top, count: 2 * n) }
        var spec = ChartSpec(kind: .scatter, title: title)
        spec.series = [
            ChartSpec.Series(name: "p", categories: points(.x), values: points(.p), marker: .circle, color: 0x1F4E79),
            ChartSpec.Series(
                name: t("centre", "中心线"), categories: points(.x), values: points(.centre), color: 0x7F7F7F),
            ChartSpec.Series(
                name: "LCL", categories: steps(.stepX), values: steps(.lcl), color: 0xC00000, dashed: true),
            ChartSpec.Series(
                name: "UCL", categories: steps(.stepX), values: steps(.ucl), color: 0xC00000, dashed: true),
        ]
        spec.series[2].width = 1.25
        spec.series[3].width = 1.25
        if !chart.outOfControl.isEmpty {
            spec.series.append(
                ChartSpec.Series(
                    name: t("outside limits", "超出控制限"), categories: points(.x), values: points(.signal),
                    marker: .diamond, color: 0xFF0000, line: false))
        }
        let every = Double(max(1, (n + 11) / 12))
        spec.x = ChartSpec.Axis(
            name: t("Month", "月份"), numberFormat: dated ? "yyyy-mm" : "0", min: low, max: high + (n > 1 ? 0.01 : 0),
            majorUnit: unit * every)
        let values = chart.proportions + chart.lowerLimits + chart.upperLimits
        let bottom = max(0, ((values.min() ?? 0) - 0.02) * 50).rounded(.down) / 50
        let ceiling = min(1, (((values.max() ?? 1) + 0.02) * 50).rounded(.up) / 50)
        spec.y = ChartSpec.Axis(name: "p", numberFormat: "0%", min: bottom, max: max(ceiling, bottom + 0.02))
        return spec
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
