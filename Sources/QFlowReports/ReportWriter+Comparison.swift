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
        comparisonHeading(&b, spec: c, result: result)
        let labels = result.groups.map(\.cohort.name)
        switch result.result {
        case .independentBinary(let block):
            crosstab(&b, block, labels: labels)
            chiSquareTests(&b, block)
            effectSizes(&b, block)
        case .pairedBinary(let table, let mcnemar):
            pairedTables(&b, table, mcnemar, labels: labels)
        case .continuous(let welch, let mannWhitney):
            continuousTables(&b, welch, mannWhitney, labels: labels)
        case .overTime(let charts):
            monthlyCharts(w, &b, charts)
        case .interruptedTimeSeries(let charts, let fit):
            monthlyCharts(w, &b, charts)
            timeSeries(w, &b, fit)
        }
        if result.design != .overTime {
            b.paragraph(headline(c, result), FormatSpec(bold: true))
            if let power = result.powerSentence(language: language) { b.paragraph(power) }
        }
        let name = language.text(zh: "比较", en: "Comparison") + " \(index)"
        let (sheet, lastRow) = try b.write(to: w.book, name: name)
        try finish(w, sheet, lastRow: lastRow, columns: columns)
    }

    /// The sheet's title, what was compared, the rule that chose the test and the warnings.
    func comparisonHeading(_ b: inout SheetBuilder, spec c: ReportSpec.ComparisonSpec, result: Comparison) {
        b.paragraph(c.title?.text(language) ?? c.measure, .title)
        b.paragraph(
            language.text(zh: "指标", en: "Measure") + ": \(c.measure)    " + language.text(zh: "设计", en: "Design")
                + ": " + designName(result.design) + "    " + language.text(zh: "队列", en: "Cohorts") + ": "
                + result.groups.map(\.cohort.name).joined(separator: ", "))
        b.paragraph(language.text(zh: "检验选择", en: "Test choice") + ": " + result.rule.text(language))
        for warning in result.warnings {
            b.paragraph(
                language.text(zh: "注意", en: "Warning") + ": " + warning.text(language),
                FormatSpec(fontColor: 0x9C0006))
        }
        b.skip()
    }

    /// The crosstab of group × outcome: counts, expected counts and row percentages.
    func crosstab(_ b: inout SheetBuilder, _ p: ProportionsComparison, labels: [String]) {
        b.paragraph(language.text(zh: "交叉表：组别 × 结局", en: "Crosstabulation: group × outcome"), FormatSpec(bold: true))
        b.cells(
            [
                .blank, .blank, .text(language.text(zh: "是", en: "Yes")), .text(language.text(zh: "否", en: "No")),
                .text(language.text(zh: "合计", en: "Total")),
            ], format: .header)
        for (i, label) in labels.prefix(2).enumerated() {
            let x = p.observed[i][0]
            let y = p.observed[i][1]
            let n = x + y
            b.cells([
                .text(label), .text(language.text(zh: "计数", en: "Count")), .number(Double(x)), .number(Double(y)),
                .number(Double(n)),
            ])
            b.cells([
                .blank, .text(language.text(zh: "期望计数", en: "Expected Count")), .number(p.expected[i][0]),
                .number(p.expected[i][1]), .number(Double(n)),
            ])
            b.cells([
                .blank, .text(language.text(zh: "组内百分比", en: "% within group")), .percent(Double(x) / Double(n)),
                .percent(Double(y) / Double(n)), .percent(1),
            ])
        }
        b.skip()
    }

    /// SPSS's Chi-Square Tests table (Pearson, continuity correction, likelihood ratio, Fisher) and its footnotes.
    func chiSquareTests(_ b: inout SheetBuilder, _ p: ProportionsComparison) {
        b.paragraph(language.text(zh: "卡方检验", en: "Chi-Square Tests"), FormatSpec(bold: true))
        b.cells(
            [
                .blank, .text(language.text(zh: "值", en: "Value")), .text(language.text(zh: "自由度", en: "df")),
                .text(language.text(zh: "渐进显著性（双侧）", en: "Asymp. Sig. (2-sided)")),
                .text(language.text(zh: "精确显著性（双侧）", en: "Exact Sig. (2-sided)")),
                .text(language.text(zh: "精确显著性（单侧）", en: "Exact Sig. (1-sided)")),
            ], format: .header)
        func opt(_ x: Double?) -> Worksheet.Cell { x.map { .statistic($0) } ?? .blank }
        let pearson = language.text(zh: "皮尔逊卡方 a", en: "Pearson Chi-Square a")
        b.cells([.text(pearson), opt(p.pearsonChi2), .number(1), opt(p.pearsonP)])
        let yates = language.text(zh: "连续性修正 b", en: "Continuity Correction b")
        b.cells([.text(yates), opt(p.yatesChi2), .number(1), opt(p.yatesP)])
        let ratio = language.text(zh: "似然比", en: "Likelihood Ratio")
        b.cells([.text(ratio), opt(p.likelihoodRatioChi2), .number(1), opt(p.likelihoodRatioP)])
        b.cells([
            .text(language.text(zh: "费希尔精确检验", en: "Fisher's Exact Test")), .blank, .blank, .blank,
            .statistic(p.fisher.twoSidedP), .statistic(min(p.fisher.lessP, p.fisher.greaterP)),
        ])
        b.cells([.text(language.text(zh: "有效个案数", en: "N of Valid Cases")), .number(Double(p.total))])
        let minimum = String(format: "%.2f", p.minExpected)
        b.paragraph(
            "a. "
                + language.text(
                    zh: "\(p.cellsBelowFive) 个单元格的期望计数小于 5，最小期望计数为 \(minimum)。",
                    en: "\(p.cellsBelowFive) cells have expected count less than 5. "
                        + "The minimum expected count is \(minimum)."))
        b.paragraph("b. " + language.text(zh: "仅对 2×2 表计算", en: "Computed only for a 2x2 table"))
        b.skip()
    }

    /// The risk difference and the odds ratio with their 95% intervals.
    func effectSizes(_ b: inout SheetBuilder, _ p: ProportionsComparison) {
        b.paragraph(language.text(zh: "效应量（95% 置信区间）", en: "Effect sizes (95% CI)"), FormatSpec(bold: true))
        b.cells(
            [
                .blank, .text(language.text(zh: "估计值", en: "Estimate")),
                .text(language.text(zh: "下限", en: "Lower")), .text(language.text(zh: "上限", en: "Upper")),
            ], format: .header)
        b.cells([
            .text(language.text(zh: "率差", en: "Risk difference")), .statistic(p.riskDifference),
            .statistic(p.riskDifferenceInterval.low), .statistic(p.riskDifferenceInterval.high),
        ])
        b.cells([
            .text(language.text(zh: "比值比", en: "Odds ratio")), .statistic(p.oddsRatio),
            .statistic(p.oddsRatioInterval.low), .statistic(p.oddsRatioInterval.high),
        ])
        b.skip()
    }

    /// The paired table (rows: the first cohort, columns: the second) and McNemar's tests.
    func pairedTables(
        _ b: inout SheetBuilder, _ pairs: Comparison.PairedTable, _ m: McNemarTest, labels: [String]
    ) {
        let (yes, no) = (language.text(zh: "是", en: "Yes"), language.text(zh: "否", en: "No"))
        b.cells([.text("\(labels[0]) \\ \(labels[1])"), .text(yes), .text(no)], format: .header)
        b.cells([.text(yes), .number(Double(pairs.both)), .number(Double(pairs.aOnly))])
        b.cells([.text(no), .number(Double(pairs.bOnly)), .number(Double(pairs.neither))])
        b.skip()
        b.cells(
            [
                .blank, .text(language.text(zh: "值", en: "Value")), .text(language.text(zh: "自由度", en: "df")),
                .text(language.text(zh: "显著性（双侧）", en: "Sig. (2-sided)")),
            ], format: .header)
        b.cells([
            .text(language.text(zh: "McNemar χ²（连续性校正）", en: "McNemar χ² (continuity corrected)")),
            .statistic(m.chi2), .number(1), .statistic(m.p),
        ])
        b.cells([
            .text(language.text(zh: "McNemar χ²（未校正）", en: "McNemar χ² (uncorrected)")),
            .statistic(m.uncorrectedChi2), .number(1), .statistic(m.uncorrectedP),
        ])
        b.cells([.text(language.text(zh: "精确二项检验", en: "Exact binomial")), .blank, .blank, .statistic(m.exactP)])
        b.cells([.text("Mid-p"), .blank, .blank, .statistic(m.midP)])
        b.skip()
    }

    /// Each cohort's n, mean and SD, then Welch's t and Mann–Whitney's U.
    func continuousTables(
        _ b: inout SheetBuilder, _ welch: WelchTTest, _ u: MannWhitneyTest, labels: [String]
    ) {
        b.cells(
            [
                .blank, .text("n"), .text(language.text(zh: "均数", en: "Mean")),
                .text(language.text(zh: "标准差", en: "SD")),
            ], format: .header)
        for (label, summary) in zip(labels, [welch.summaryA, welch.summaryB]) {
            b.cells([
                .text(label), .number(Double(summary.count)), .number(summary.mean),
                .number(summary.standardDeviation),
            ])
        }
        b.skip()
        b.cells(
            [
                .blank, .text(language.text(zh: "统计量", en: "Statistic")),
                .text(language.text(zh: "自由度", en: "df")),
                .text(language.text(zh: "显著性（双侧）", en: "Sig. (2-sided)")),
            ], format: .header)
        b.cells([
            .text("Welch t"), welch.t.map { .statistic($0) } ?? .blank,
            welch.degreesOfFreedom.map { .statistic($0) } ?? .blank, welch.p.map { .statistic($0) } ?? .blank,
        ])
        b.cells([.text("Mann–Whitney U"), .number(u.u), .blank, u.p.map { .statistic($0) } ?? .blank])
        b.skip()
    }

    /// One month table and p-chart per cohort.
    func monthlyCharts(_ w: Writing, _ b: inout SheetBuilder, _ charts: [Comparison.MonthlyChart]) {
        for chart in charts {
            b.paragraph(chart.cohortName, FormatSpec(bold: true))
            monthTable(&b, months: chart.months, chart: chart.chart)
            b.skip()
            b.chart(pChart(w, title: "p-chart — \(chart.cohortName)", months: chart.months, chart: chart.chart))
            b.skip()
        }
    }

    /// The design's name: its code, in Chinese with the code after it.
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
