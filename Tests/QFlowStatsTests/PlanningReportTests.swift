import Testing

@testable import QFlowStats

@Suite("Reports of power, time series and chart rules")
struct PlanningReportTests {
    @Test func theStudyReportStatesItsPowerAndTheSizeFor80Percent() throws {
        let text = StatsReport.proportions(try ProportionsComparison(x1: 229, n1: 233, x2: 221, n2: 233), language: .en)
        #expect(text.contains("this comparison had 53 % power to detect the observed difference"))
        #expect(text.contains("exact power of Pearson's χ² test 55 %"))
        #expect(text.contains("80 % power needs 441 per group"))
        #expect(text.contains("Relative risk") && text.contains("Cohen's h") && text.contains("conditional MLE"))
        let zh = StatsReport.proportions(try ProportionsComparison(x1: 229, n1: 233, x2: 221, n2: 233), language: .zh)
        #expect(zh.contains("检验效能为 53%"))
    }

    @Test func aPChartOfHugeMonthsSwitchesToLaneyAndSaysWhy() throws {
        let c = try PChart(events: LaneyAnhojTests.large, totals: Array(repeating: 15000, count: 12))
        let text = StatsReport.pChart(c, language: .en)
        #expect(text.contains("Laney p′-chart chosen"))
        #expect(text.contains("Rule: Laney p′ when k ≥ 12 subgroups"))
        #expect(text.contains("no subgroup is outside its Laney p′ limits"))
        #expect(text.contains("Anhøj rules (about p̄, 12 useful points)"))
        let small = StatsReport.pChart(try PChart(events: [95, 96, 94], totals: [100, 100, 100]), language: .en)
        #expect(small.contains("the p-chart stands"))
    }

    @Test func itsReportGivesLevelAndSlopeInPercentagePoints() throws {
        let its = try InterruptedTimeSeries(
            events: TimeSeriesTests.events1, totals: Array(repeating: 200, count: 24), intervention: 12)
        let text = StatsReport.interruptedTimeSeries(its, language: .en)
        #expect(text.contains("identity scale (effects in percentage points)"))
        #expect(text.contains("the level changed by 7.67 percentage points (95% CI 6.87 to 8.46)"))
        #expect(text.contains("residuals are autocorrelated"))
    }

    @Test func powerReportsNameTheirConventions() throws {
        let p = try ProportionsPower.sampleSize(p1: 229.0 / 233, p2: 221.0 / 233, power: 0.8)
        let text = StatsReport.proportionsPower(p.achieved, required: p.n, language: .en)
        #expect(text.contains("R power.prop.test") && text.contains("n = 440.32 per group"))
        let w = StatsReport.welchPower(try WelchPower(delta: 1, sd1: 1, sd2: 1, n1: 20, n2: 20), language: .en)
        #expect(w.contains("power = 86.90%"))
        let m = StatsReport.mcnemar(try McNemarTest(b: 4, c: 1), pairs: 32, language: .en)
        #expect(m.contains("had 10 % power") && m.contains("odds ratio of a change b/c = 4.000"))
    }
}
