import Foundation
import QFlowAnalysis
import QFlowStats

extension ReportWriter {
    /// The interrupted time series of a before/after comparison: the segmented regression's coefficients with
    /// Newey–West intervals, the autocorrelation checks, and a chart of the months with the fitted segments and
    /// the pre-intervention trend carried on.
    func timeSeries(_ w: Writing, _ b: inout SheetBuilder, _ fit: Comparison.TimeSeriesFit) {
        let m = fit.model
        let after = fit.months[m.intervention - 1]
        b.paragraph(
            language.text(zh: "间断时间序列（分段回归）", en: "Interrupted time series (segmented regression)"),
            FormatSpec(bold: true))
        b.paragraph(
            language.text(
                zh: "按月比例，恒等尺度（估计值为比例：0.047 即 4.7 个百分点），普通最小二乘，"
                    + "Newey–West 标准误（滞后 \(m.lag)）；干预始于 \(after) 之后。",
                en: "Monthly proportions on the identity scale (estimates are proportions: 0.047 is 4.7 percentage "
                    + "points), ordinary least squares with "
                    + "Newey–West standard errors (lag \(m.lag)); intervention after \(after)."))
        coefficientTable(&b, m)
        let checks = autocorrelationChecks(m)
        if !checks.isEmpty {
            b.paragraph(language.text(zh: "自相关检验：", en: "Autocorrelation: ") + checks.joined(separator: "; "))
        }
        b.skip()
        b.chart(timeSeriesChart(w, fit))
        b.skip()
    }

    /// The segmented regression's coefficients: estimate, Newey–West SE, interval and significance.
    func coefficientTable(_ b: inout SheetBuilder, _ m: InterruptedTimeSeries) {
        b.cells(
            [
                .blank, .text(language.text(zh: "估计值", en: "Estimate")),
                .text(language.text(zh: "标准误（Newey–West）", en: "SE (Newey–West)")),
                .text(language.text(zh: "下限", en: "Lower")), .text(language.text(zh: "上限", en: "Upper")),
                .text(language.text(zh: "显著性", en: "Sig.")),
            ], format: .header)
        for (label, c) in [
            (language.text(zh: "基线水平", en: "Baseline level"), m.baseline),
            (language.text(zh: "干预前斜率", en: "Slope before"), m.preSlope),
            (language.text(zh: "水平变化", en: "Level change"), m.levelChange),
            (language.text(zh: "斜率变化", en: "Slope change"), m.slopeChange),
            (language.text(zh: "干预后斜率", en: "Slope after"), m.postSlope),
        ] {
            b.cells([
                .text(label), .statistic(c.estimate), .statistic(c.standardError), .statistic(c.interval.low),
                .statistic(c.interval.high), c.p.map { .statistic($0) } ?? .blank,
            ])
        }
    }

    /// Durbin–Watson, the lag-1 autocorrelation and Breusch–Godfrey, where the model has them.
    func autocorrelationChecks(_ m: InterruptedTimeSeries) -> [String] {
        var checks: [String] = []
        if let dw = m.durbinWatson { checks.append("Durbin–Watson \(String(format: "%.3f", dw))") }
        if let r = m.lagOneAutocorrelation {
            checks.append(language.text(zh: "一阶自相关", en: "lag-1 r") + " \(String(format: "%.3f", r))")
        }
        if let bg = m.breuschGodfrey {
            checks.append(
                "Breusch–Godfrey χ²(\(bg.degreesOfFreedom)) = \(String(format: "%.3f", bg.statistic)), p = "
                    + String(format: "%.3f", bg.p))
        }
        return checks
    }

    /// Observed months, the fitted segments and the counterfactual trend, on the p-charts' month grid.
    func timeSeriesChart(_ w: Writing, _ fit: Comparison.TimeSeriesFit) -> ChartSpec {
        let m = fit.model
        let n = fit.months.count
        let grid = MonthAxis(fit.months)
        let rows = (0..<n).map { i in
            var cells = ChartRow<TimeSeriesColumn>()
            cells[.month] = .text(fit.months[i])
            cells[.x] = .number(grid.x[i])
            cells[.observed] = .number(m.values[i])
            cells[.fitted] = .number(m.fitted[i])
            if i >= m.intervention - 1, i < m.counterfactual.count {
                cells[.counterfactual] = .number(m.counterfactual[i])
            }
            return cells
        }
        let top = w.charts.append(rows)
        func column(_ c: TimeSeriesColumn) -> ChartSpec.Range { w.charts.range(c, from: top, count: n) }
        var spec = ChartSpec(kind: .scatter, title: language.text(zh: "间断时间序列", en: "Interrupted time series"))
        spec.series = [
            ChartSpec.Series(
                name: language.text(zh: "实际", en: "observed"), categories: column(.x), values: column(.observed),
                marker: .circle, color: ChartPalette.primary, line: false),
            ChartSpec.Series(
                name: language.text(zh: "拟合", en: "fitted"), categories: column(.x), values: column(.fitted),
                color: ChartPalette.primary),
            ChartSpec.Series(
                name: language.text(zh: "无干预时的趋势", en: "trend without the intervention"), categories: column(.x),
                values: column(.counterfactual), color: ChartPalette.neutral, dashed: true),
        ]
        // The axis starts at the first point so that its monthly ticks fall on the points (as on the p-charts).
        spec.x = grid.axis(name: language.text(zh: "月份", en: "Month"), padSingleMonth: false)
        spec.y = Self.proportionAxis(m.values + m.fitted + m.counterfactual)
        return spec
    }
}
