import Testing

@testable import QFlowStats

// Reference values: reference/its_spc.R, Laney's and Anhøj's published formulas written out in R (qicharts2 is
// not packaged in Debian). The run-length limits are cross-checked on the published table of round(log₂ n) + 3
// and the crossings example of Science Trends (2019): 13 points, 5 crossings, longest run 3, limits 7 and 3.
@Suite("Laney p′-charts and Anhøj rules")
struct LaneyAnhojTests {
    static let large = [14210, 14262, 14180, 14301, 14255, 14190, 14320, 14240, 14270, 14205, 14290, 14060]

    @Test func laneyLimitsWidenByTheMovingRangeOfZ() throws {
        let l = try LaneyPChart(events: Self.large, totals: Array(repeating: 15000, count: 12))
        expectClose(l.center, 0.9487944444444445, "centre")
        expectClose(l.sigmaZ, 2.9436413361108285, "σz")
        expectClose(l.upperLimits[0], 0.96468741672039549, "UCL")
        expectClose(l.lowerLimits[0], 0.93290147216849351, "LCL")
        #expect(l.outOfControl.isEmpty)
        // The plain p-chart flags the two extreme months (±0.6 points on 15,000 cases).
        #expect(try PChart(events: Self.large, totals: Array(repeating: 15000, count: 12)).outOfControl == [6, 11])
        let o = try Overdispersion(events: Self.large, totals: Array(repeating: 15000, count: 12))
        expectClose(o.chi2, 74.19647241482707, "dispersion χ²")
        expectClose(o.p, 1.9324705534277789e-11, "dispersion p")
        #expect(o.detected)
        // Read off the chart already built, the rule gives the same result.
        #expect(Overdispersion(chart: l) == o)
    }

    @Test func laneyWithUnevenSubgroupsClipsAtZero() throws {
        let l = try LaneyPChart(events: [30, 45, 60, 10, 38], totals: [100, 120, 140, 90, 110])
        expectClose(l.sigmaZ, 3.2908775528297176, "σz")
        let ucl = [
            0.78984987644598237, 0.74950352626472916, 0.71814636114776054, 0.8148981993603821, 0.76830006932588424,
        ]
        for i in 0..<5 { expectClose(l.upperLimits[i], ucl[i], "UCL \(i)") }
        #expect(l.lowerLimits == [0, 0, 0, 0, 0])
        let o = try Overdispersion(events: [30, 45, 60, 10, 38], totals: [100, 120, 140, 90, 110])
        expectClose(o.chi2, 27.390778097392001, "χ²")
        expectClose(o.p, 1.6571018295119903e-05, "p")
    }

    @Test func binomialDataAreNotOverdispersedAndEdgeCasesDoNotTrap() throws {
        let o = try Overdispersion(events: [95, 96, 94, 95, 97, 95], totals: [100, 100, 100, 100, 100, 100])
        #expect(!o.detected)
        let none = try LaneyPChart(events: [0, 0, 0], totals: [10, 20, 30])
        #expect(none.sigmaZ == 0 && none.outOfControl.isEmpty && none.upperLimits == [0, 0, 0])
        let all = try LaneyPChart(events: [10, 20], totals: [10, 20])
        #expect(all.lowerLimits == [1, 1])
        #expect(!(try Overdispersion(events: [1], totals: [1])).detected)
        #expect(throws: StatsError.self) { try LaneyPChart(events: [1], totals: [2]) }
    }

    @Test(
        arguments: [
            ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5.5, [10, 5, 6, 1, 2]),
            ([1, 1, 1, 5, 5, 5, 1, 5, 5, 1, 5, 5, 5], 3, [13, 3, 7, 5, 3]),
        ] as [([Double], Double, [Int])])
    func anhojRulesCountRunsAndCrossings(values: [Double], centre: Double, expected: [Int]) {
        let r = AnhojRules(values: values, centre: centre)
        #expect([r.usefulPoints, r.longestRun, r.longestRunLimit, r.crossings, r.crossingsLimit] == expected)
    }

    @Test func anhojOnTheMedianOfAStepSeriesSignalsBothRules() throws {
        let run = try RunChart(values: TimeSeriesTests.events1.map { Double($0) / 200 })
        let a = run.anhoj
        #expect([a.usefulPoints, a.longestRun, a.longestRunLimit, a.crossings, a.crossingsLimit] == [24, 12, 8, 1, 8])
        #expect(a.longRunSignal && a.fewCrossingsSignal)
    }

    @Test(
        arguments: [(10, 6, 2), (20, 7, 6), (24, 8, 8), (30, 8, 10), (50, 9, 19), (100, 10, 41)] as [(Int, Int, Int)])
    func anhojLimitsDependOnTheNumberOfUsefulPoints(n: Int, runLimit: Int, crossingsLimit: Int) {
        let r = AnhojRules(values: (0..<n).map { Double($0 % 2) }, centre: 0.5)
        #expect(r.longestRunLimit == runLimit && r.crossingsLimit == crossingsLimit)
    }

    @Test func anhojWithoutUsefulPointsHasNoSignal() {
        let r = AnhojRules(values: [3, 3, 3], centre: 3)
        #expect(r.usefulPoints == 0 && !r.signal)
        #expect(!AnhojRules(values: [4], centre: 3).signal)
    }

    @Test func theCrossingsLimitSummedUpwardMatchesTheLogSpaceSumForEveryLength() {
        // The fast path (2⁻ⁿ summed upward, n ≤ 1,000) against the log-space tail it replaced, for every n.
        for trials in 0...1000 {
            var k = 0
            while k < trials && Binomial.lowerTailHalf(k, trials: trials) < 0.05 * (1 - 64 * Double.ulpOfOne) {
                k += 1
            }
            #expect(AnhojRules.binomialHalfQuantile(0.05, trials: trials) == k, "n = \(trials)")
        }
        // Anhøj and Olesen (2014), table 1: 10 useful points need at least 2 crossings, 24 points at least 8.
        #expect(AnhojRules.binomialHalfQuantile(0.05, trials: 9) == 2)
        #expect(AnhojRules.binomialHalfQuantile(0.05, trials: 23) == 8)
    }
}
