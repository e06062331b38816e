import Testing

@testable import QFlowStats

// Reference limits: mpmath 1.3 at 50 digits, p̄ ± 3√(p̄(1 − p̄)/nᵢ) clipped to [0, 1].
@Suite("p-charts and run-chart signals")
struct ControlChartTests {
    @Test func pChartHasPooledCentreAndStrictlyOutsidePoints() throws {
        let c = try PChart(events: [30, 45, 60, 10], totals: [100, 100, 100, 100])
        #expect(c.center == 0.3625)
        for i in 0..<4 {
            expectClose(c.upperLimits[i], 0.5067166339227206, "UCL \(i)")
            expectClose(c.lowerLimits[i], 0.2182833660772794, "LCL \(i)")
        }
        #expect(c.outOfControl == [2, 3])
    }

    @Test func pChartLimitsStepWithSubgroupSizeAndClipAtZero() throws {
        let c = try PChart(events: [3, 4, 5, 20, 2, 0], totals: [50, 50, 60, 50, 40, 45])
        expectClose(c.center, 0.1152542372881356, "centre")
        let ucl = [
            0.2507338507122513, 0.2507338507122513, 0.2389296378789154, 0.2507338507122513,
            0.2667250498789935, 0.25806228893457867,
        ]
        for i in 0..<6 { expectClose(c.upperLimits[i], ucl[i], "UCL \(i)") }
        #expect(c.lowerLimits.allSatisfy { $0 == 0 })
        #expect(c.outOfControl == [3])  // 0/45 equals the clipped LCL of 0: not strictly outside
    }

    @Test func pChartNearFullComplianceCapsAtOneAndDoesNotFlagAPerfectMonth() throws {
        let c = try PChart(events: [19, 20, 18], totals: [20, 20, 20])
        #expect(c.upperLimits == [1, 1, 1])
        expectClose(c.lowerLimits[0], 0.8037980848278655, "LCL")
        #expect(c.outOfControl.isEmpty)
    }

    @Test(arguments: [([Int](), [Int]()), ([1, 2], [3]), ([1], [0]), ([-1], [3]), ([4], [3])] as [([Int], [Int])])
    func malformedPChartsAreRejected(events: [Int], totals: [Int]) {
        #expect(throws: StatsError.self) { try PChart(events: events, totals: totals) }
    }

    @Test func shiftNeedsSixPointsOnOneSideAndIgnoresPointsOnTheMedian() throws {
        // median 5; indices 2…8 above except index 5 on the median: 6 points count.
        let r = try RunChart(values: [1, 2, 6, 7, 8, 5, 9, 7, 6, 1, 2, 3, 5, 5, 4])
        let shifts = r.signals.filter { $0.kind == .shift }
        #expect(r.median == 5)
        #expect(shifts == [RunChart.Signal(kind: .shift, direction: .up, start: 2, end: 8, length: 6)])
    }

    @Test func fivePointsOnOneSideAreNotAShift() throws {
        let r = try RunChart(values: [1, 1, 1, 1, 1, 9, 9, 9, 9, 9, 5])
        #expect(r.signals.filter { $0.kind == .shift }.isEmpty)
    }

    @Test func trendNeedsFiveRisingPointsAndRepeatsCountOnce() throws {
        // 1, 2, 2, 3, 4, 5: five distinct rising values (the repeated 2 counts once).
        let rising = try RunChart(values: [1, 2, 2, 3, 4, 5, 0])
        #expect(
            rising.signals.filter { $0.kind == .trend } == [
                RunChart.Signal(kind: .trend, direction: .up, start: 0, end: 5, length: 5)
            ])
        let short = try RunChart(values: [5, 4, 4, 3, 2, 9])
        #expect(short.signals.filter { $0.kind == .trend }.isEmpty)
    }
}
