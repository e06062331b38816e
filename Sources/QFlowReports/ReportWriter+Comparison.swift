import Foundation
import QFlowAnalysis
import QFlowStats

extension ReportWriter {
    /// Columns of a Comparison sheet (the Chi-Square Tests table is the widest: label and five figures).
    static let comparisonColumns = 6

    /// One comparison laid out like SPSS: crosstab with expected counts and row %, the Chi-Square Tests table with
    /// its footnotes, effect sizes with intervals, the test-choice sentence; McNemar, Welch/Mann–Whitney, or one
    /// p-chart per cohort when the design calls for them.
    func comparisonSheet(_ w: Writing, index: Int, spec c: ReportSpec.ComparisonSpec, result: Comparison) throws {
        let columns = result.design == .overTime ? Self.monthColumns : Self.comparisonColumns
        var b = SheetBuilder(columns: columns)
        b.maxWidth = 15
        b.maxWidths[0] = 34
        b.paragraph(c.title?.text(lang) ?? c.measure, .title)
        b.paragraph(
            t("Measure", "指标") + ": \(c.measure)    " + t("Design", "设计") + ": " + designName(result.design)
                + "    " + t("Cohorts", "队列") + ": " + result.groups.map(\.cohort.name).joined(separator: ", "))
        b.paragraph(t("Test choice", "检验选择") + ": " + (language == .zh ? result.rule.zh : result.rule.en))
        for warning in result.warnings {
            b.paragraph(
                t("Warning", "注意") + ": " + (language == .zh ? warning.zh : warning.en), FormatSpec(fontColor: 0x9C0006)
            )
        }
        b.skip()
        let labels = result.groups.map(\.cohort.name)
        let bold = FormatSpec(bold: true)
        switch result.design {
        case .independentBinary:
            let p = result.proportions!
            b.paragraph(t("Crosstabulation: group × outcome", "交叉表：组别 × 结局"), bold)
            b.cells(
                [.blank, .blank, .text(t("Yes", "是")), .text(t("No", "否")), .text(t("Total", "合计"))], format: .header)
            for (i, label) in labels.prefix(2).enumerated() {
                let x = p.observed[i][0]
                let y = p.observed[i][1]
                let n = x + y
                b.cells([
                    .text(label), .text(t("Count", "计数")), .number(Double(x)), .number(Double(y)), .number(Double(n)),
                ])
                b.cells([
                    .blank, .text(t("Expected Count", "期望计数")), .number(p.expected[i][0]), .number(p.expected[i][1]),
                    .number(Double(n)),
                ])
                b.cells([
                    .blank, .text(t("% within group", "组内百分比")), .percent(Double(x) / Double(n)),
                    .percent(Double(y) / Double(n)), .percent(1),
                ])
            }
            b.skip()
            b.paragraph(t("Chi-Square Tests", "卡方检验"), bold)
            b.cells(
                [
                    .blank, .text(t("Value", "值")), .text(t("df", "自由度")),
                    .text(t("Asymp. Sig. (2-sided)", "渐进显著性（双侧）")),
                    .text(t("Exact Sig. (2-sided)", "精确显著性（双侧）")), .text(t("Exact Sig. (1-sided)", "精确显著性（单侧）")),
                ], format: .header)
            func opt(_ x: Double?) -> Worksheet.Cell { x.map { .statistic($0) } ?? .blank }
            b.cells([.text(t("Pearson Chi-Square a", "皮尔逊卡方 a")), opt(p.pearsonChi2), .number(1), opt(p.pearsonP)])
            b.cells([.text(t("Continuity Correction b", "连续性修正 b")), opt(p.yatesChi2), .number(1), opt(p.yatesP)])
            b.cells([
                .text(t("Likelihood Ratio", "似然比")), opt(p.likelihoodRatioChi2), .number(1), opt(p.likelihoodRatioP),
            ])
            b.cells([
                .text(t("Fisher's Exact Test", "费希尔精确检验")), .blank, .blank, .blank, .statistic(p.fisher.twoSidedP),
                .statistic(min(p.fisher.lessP, p.fisher.greaterP)),
            ])
            b.cells([.text(t("N of Valid Cases", "有效个案数")), .number(Double(p.total))])
            let minimum = String(format: "%.2f", p.minExpected)
            b.paragraph(
                "a. "
                    + t(
                        "\(p.cellsBelowFive) cells have expected count less than 5. "
                            + "The minimum expected count is \(minimum).",
                        "\(p.cellsBelowFive) 个单元格的期望计数小于 5，最小期望计数为 \(minimum)。"))
            b.paragraph("b. " + t("Computed only for a 2x2 table", "仅对 2×2 表计算"))
            b.skip()
            b.paragraph(t("Effect sizes (95% CI)", "效应量（95% 置信区间）"), bold)
            b.cells(
                [.blank, .text(t("Estimate", "估计值")), .text(t("Lower", "下限")), .text(t("Upper", "上限"))], format: .header
            )
            b.cells([
                .text(t("Risk difference", "率差")), .statistic(p.riskDifference),
                .statistic(p.riskDifferenceInterval.low),
                .statistic(p.riskDifferenceInterval.high),
            ])
            b.cells([
                .text(t("Odds ratio", "比值比")), .statistic(p.oddsRatio), .statistic(p.oddsRatioInterval.low),
                .statistic(p.oddsRatioInterval.high),
            ])
            b.skip()
        case .pairedBinary:
            let pairs = result.pairs!
            let m = result.mcnemar!
            b.cells(
                [.text("\(labels[0]) \\ \(labels[1])"), .text(t("Yes", "是")), .text(t("No", "否"))], format: .header)
            b.cells([.text(t("Yes", "是")), .number(Double(pairs.both)), .number(Double(pairs.aOnly))])
            b.cells([.text(t("No", "否")), .number(Double(pairs.bOnly)), .number(Double(pairs.neither))])
            b.skip()
            b.cells(
                [.blank, .text(t("Value", "值")), .text(t("df", "自由度")), .text(t("Sig. (2-sided)", "显著性（双侧）"))],
                format: .header)
            b.cells([
                .text(t("McNemar χ² (continuity corrected)", "McNemar χ²（连续性校正）")), .statistic(m.chi2), .number(1),
                .statistic(m.p),
            ])
            b.cells([
                .text(t("McNemar χ² (uncorrected)", "McNemar χ²（未校正）")), .statistic(m.uncorrectedChi2), .number(1),
                .statistic(m.uncorrectedP),
            ])
            b.cells([.text(t("Exact binomial", "精确二项检验")), .blank, .blank, .statistic(m.exactP)])
            b.cells([.text("Mid-p"), .blank, .blank, .statistic(m.midP)])
            b.skip()
        case .continuous:
            let welch = result.welch!
            let u = result.mannWhitney!
            b.cells([.blank, .text("n"), .text(t("Mean", "均数")), .text(t("SD", "标准差"))], format: .header)
            b.cells([
                .text(labels[0]), .number(Double(welch.summaryA.count)), .number(welch.summaryA.mean),
                .number(welch.summaryA.standardDeviation),
            ])
            b.cells([
                .text(labels[1]), .number(Double(welch.summaryB.count)), .number(welch.summaryB.mean),
                .number(welch.summaryB.standardDeviation),
            ])
            b.skip()
            b.cells(
                [.blank, .text(t("Statistic", "统计量")), .text(t("df", "自由度")), .text(t("Sig. (2-sided)", "显著性（双侧）"))],
                format: .header)
            b.cells([
                .text("Welch t"), welch.t.map { .statistic($0) } ?? .blank,
                welch.degreesOfFreedom.map { .statistic($0) } ?? .blank, welch.p.map { .statistic($0) } ?? .blank,
            ])
            b.cells([.text("Mann–Whitney U"), .number(u.u), .blank, u.p.map { .statistic($0) } ?? .blank])
            b.skip()
        case .overTime:
            for chart in result.charts {
                b.paragraph(chart.group, bold)
                monthTable(&b, months: chart.months, chart: chart.chart)
                b.skip()
                b.chart(pChart(w, title: "p-chart — \(chart.group)", months: chart.months, chart: chart.chart))
                b.skip()
            }
            if let its = result.interruptedTimeSeries { timeSeries(w, &b, its) }
        }
        if result.design != .overTime {
            b.paragraph(headline(c, result), bold)
            if let power = result.powerSentence(language: language) { b.paragraph(power) }
        }
        let (sheet, lastRow) = try b.write(to: w.book, name: t("Comparison", "比较") + " \(index)")
        try finish(w, sheet, lastRow: lastRow, columns: columns)
    }

    func designName(_ design: ComparisonDesign) -> String {
        guard language == .zh else { return design.rawValue }
        switch design {
        case .independentBinary: return "两独立组，二分类（independent-binary）"
        case .pairedBinary: return "配对，二分类（paired-binary）"
        case .continuous: return "两独立组，连续型（continuous）"
        case .overTime: return "按月（over-time）"
        }
    }
}
