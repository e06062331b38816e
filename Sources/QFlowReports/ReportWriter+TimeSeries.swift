import Foundation
import QFlowAnalysis
import QFlowStats

/// Columns of an interrupted time series' block on the helper sheet: one row per month.
enum TimeSeriesColumn: Int, CaseIterable {
    /// The month, as text.
    case month
    /// The point's x on the month grid (as the p-charts place it).
    case x
    /// The observed proportion.
    case observed
    /// The segmented regression's fitted value.
    case fitted
    /// After the intervention: the pre-intervention trend carried on (what would have happened), else blank.
    case counterfactual
}

extension ReportWriter {
    /// The interrupted time series of a before/after comparison: the segmented regression's coefficients with
    /// Newey–West intervals, the autocorrelation checks, and a chart of the months with the fitted segments and
    /// the pre-intervention trend carried on.
    func timeSeries(
        _ w: Writing, _ b: inout SheetBuilder,
        _ its: (months: [String], events: [Int], totals: [Int], model: InterruptedTimeSeries)
    ) {
        let m = its.model
        let bold = FormatSpec(bold: true)
        b.paragraph(t("Interrupted time series (segmented regression)", "间断时间序列（分段回归）"), bold)
        b.paragraph(
            t(
                "Monthly proportions on the identity scale (estimates are proportions: 0.047 is 4.7 percentage "
                    + "points), ordinary least squares with "
                    + "Newey–West standard errors (lag \(m.lag)); intervention after \(its.months[m.intervention - 1]).",
                "按月比例，恒等尺度（估计值为比例：0.047 即 4.7 个百分点），普通最小二乘，Newey–West 标准误（滞后 \(m.lag)）；干预始于 "
                    + "\(its.months[m.intervention - 1]) 之后。"))
        b.cells(
            [
                .blank, .text(t("Estimate", "估计值")), .text(t("SE (Newey–West)", "标准误（Newey–West）")),
                .text(t("Lower", "下限")), .text(t("Upper", "上限")), .text(t("Sig.", "显著性")),
            ], format: .header)
        for (label, c) in [
            (t("Baseline level", "基线水平"), m.baseline), (t("Slope before", "干预前斜率"), m.preSlope),
            (t("Level change", "水平变化"), m.levelChange), (t("Slope change", "斜率变化"), m.slopeChange),
            (t("Slope after", "干预后斜率"), m.postSlope),
        ] {
            b.cells([
                .text(label), .statistic(c.estimate), .statistic(c.standardError), .statistic(c.interval.low),
                .statistic(c.interval.high), c.p.map { .statistic($0) } ?? .blank,
            ])
        }
        var checks: [String] = []
        if let dw = m.durbinWatson { checks.append("Durbin–Watson \(String(format: "%.3f", dw))") }
        if let r = m.lagOneAutocorrelation { checks.append(t("lag-1 r", "一阶自相关") + " \(String(format: "%.3f", r))") }
        if let bg = m.breuschGodfrey {
            checks.append(
                "Breusch–Godfrey χ²(\(bg.degreesOfFreedom)) = \(String(format: "%.3f", bg.statistic)), p = "
                    + String(format: "%.3f", bg.p))
        }
        if !checks.isEmpty { b.paragraph(t("Autocorrelation: ", "自相关检验：") + checks.joined(separator: "; ")) }
        b.skip()
        b.chart(timeSeriesChart(w, its))
        b.skip()
    }

    /// Observed months, the fitted segments and the counterfactual trend, on the p-charts' month grid.
    func timeSeriesChart(
        _ w: Writing, _ its: (months: [String], events: [Int], totals: [Int], model: InterruptedTimeSeries)
    ) -> ChartSpec {
        let m = its.model
        let n = its.months.count
        let (x, dated) = Self.monthGrid(its.months)
        let rows: [[Worksheet.Cell]] = (0..<n).map { i in
            var cells: [Worksheet.Cell] = Array(repeating: .blank, count: TimeSeriesColumn.allCases.count)
            cells[TimeSeriesColumn.month.rawValue] = .text(its.months[i])
            cells[TimeSeriesColumn.x.rawValue] = .number(x[i])
            cells[TimeSeriesColumn.observed.rawValue] = .number(m.values[i])
            cells[TimeSeriesColumn.fitted.rawValue] = .number(m.fitted[i])
            if i >= m.intervention - 1, i < m.counterfactual.count {
                cells[TimeSeriesColumn.counterfactual.rawValue] = .number(m.counterfactual[i])
            }
            return cells
        }
        let top = w.charts.append(TimeSeriesColumn.allCases.map { "\($0)" }, rows)
        func column(_ c: TimeSeriesColumn) -> ChartSpec.Range { w.charts.range(c.rawValue, from: top, count: n) }
        var spec = ChartSpec(kind: .scatter, title: t("Interrupted time series", "间断时间序列"))
        spec.series = [
            ChartSpec.Series(
                name: t("observed", "实际"), categories: column(.x), values: column(.observed), marker: .circle,
                color: 0x1F4E79, line: false),
            ChartSpec.Series(
                name: t("fitted", "拟合"), categories: column(.x), values: column(.fitted), color: 0x1F4E79),
            ChartSpec.Series(
                name: t("trend without the intervention", "无干预时的趋势"), categories: column(.x),
                values: column(.counterfactual), color: 0x7F7F7F, dashed: true),
        ]
        // The axis starts at the first point so that its monthly ticks fall on the points (as on the p-charts).
        let unit = dated ? Self.monthDays : 1
        let low = x.first ?? 0
        let high = (x.last ?? 0) + 0.01
        spec.x = ChartSpec.Axis(
            name: t("Month", "月份"), numberFormat: dated ? "yyyy-mm" : "0", min: low, max: high,
            majorUnit: unit * Double(max(1, (n + 11) / 12)))
        let values = m.values + m.fitted + m.counterfactual
        let bottom = max(0, ((values.min() ?? 0) - 0.02) * 50).rounded(.down) / 50
        let ceiling = min(1, (((values.max() ?? 1) + 0.02) * 50).rounded(.up) / 50)
        spec.y = ChartSpec.Axis(name: "p", numberFormat: "0%", min: bottom, max: max(ceiling, bottom + 0.02))
        return spec
    }
}
