import Testing

@testable import QFlowStats

@Suite("Human-readable reports in the SPSS layout, in English and Chinese")
struct StatsReportTests {
    @Test func studyReportHasTheSPSSTablesFootnotesAndConclusion() throws {
        let text = StatsReport.proportions(try ProportionsComparison(x1: 229, n1: 233, x2: 221, n2: 233), language: .en)
        for needle in [
            "Expected Count", "% within group", "98.3%", "Pearson Chi-Square", "4.142a", "Continuity Correctionb",
            "3.171", "Likelihood Ratio", "4.328", "Fisher's Exact Test", ".072", ".036", "N of Valid Cases",
            "a. 0 cells (0.0%) have expected count less than 5. The minimum expected count is 8.00.",
            "b. Computed only for a 2x2 table", "Newcombe", "Woolf", "Wilson",
            "Test used: Pearson chi-square test, χ²=4.142, P=0.042.",
            "is statistically significant",
        ] {
            #expect(text.contains(needle), "missing: \(needle)")
        }
    }

    @Test func chineseReportNamesFisherAndSaysNotSignificant() throws {
        let text = StatsReport.proportions(try ProportionsComparison(x1: 30, n1: 32, x2: 27, n2: 32), language: .zh)
        for needle in [
            "交叉表", "期望计数", "卡方检验", "Pearson 卡方", "连续性校正", "似然比", "Fisher 精确检验", "有效个案数",
            "a. 2 个单元格 (50.0%) 的期望计数少于 5。最小期望计数为 3.50。", "采用的检验：Fisher 确切概率法（双侧），P=0.426。",
            "差异无统计学意义",
        ] {
            #expect(text.contains(needle), "missing: \(needle)")
        }
        #expect(!text.contains("Expected Count"))
    }

    @Test func chineseStudyConclusionIsSignificant() throws {
        let text = StatsReport.proportions(try ProportionsComparison(x1: 229, n1: 233, x2: 221, n2: 233), language: .zh)
        #expect(text.contains("差异有统计学意义（χ²=4.142，P=0.042"))
    }

    @Test func undefinedStatisticsPrintAsDashWithAnExplanation() throws {
        let text = StatsReport.proportions(try ProportionsComparison(x1: 0, n1: 10, x2: 0, n2: 12), language: .en)
        #expect(text.contains("—"))
        #expect(text.contains("undefined, because an expected count is 0"))
        #expect(!text.contains("nan"))
    }

    @Test func otherReportsEndWithAPlainSentence() throws {
        let reports = [
            StatsReport.mcnemar(try McNemarTest(b: 4, c: 1), language: .en),
            StatsReport.welch(try WelchTTest(a: [1, 2, 3, 4, 5], b: [2, 4, 6, 8, 10, 12]), language: .zh),
            StatsReport.mannWhitney(try MannWhitneyTest(a: [1, 2, 2, 3, 3, 3], b: [2, 3, 4, 4, 5]), language: .en),
            StatsReport.pChart(try PChart(events: [30, 45, 60, 10], totals: [100, 100, 100, 100]), language: .zh),
        ]
        #expect(reports[0].contains("Exact binomial") && reports[0].contains("is not statistically significant"))
        #expect(reports[1].contains("Welch t 检验") && reports[1].contains("差异有统计学意义"))
        #expect(reports[2].contains("Mann–Whitney U") && reports[2].contains("5.5"))
        #expect(reports[3].contains("高于上控制限") && reports[3].contains("低于下控制限"))
    }

    @Test func pChartReportListsRunChartSignals() throws {
        let chart = try PChart(
            events: [30, 45, 60, 10, 31, 32, 33, 34, 35, 36], totals: Array(repeating: 100, count: 10))
        let text = StatsReport.pChart(chart, language: .en)
        #expect(text.contains("upward trend: points 4–10, 7 points rising"))
    }

    @Test func displayWidthCountsChineseAsTwoColumns() {
        #expect(Format.displayWidth("合计") == 4)
        #expect(Format.displayWidth("Total") == 5)
        #expect(Format.spssP(0.0418) == ".042")
        #expect(Format.spssP(1e-150) == "<.001")
        #expect(Format.journalP(0.0418) == "P=0.042")
    }
}
