import Testing

@testable import QFlowStats

// Reference values: reference/its_spc.R (R 4.2.2: lm, sandwich::NeweyWest(lag = L, prewhite = FALSE,
// adjust = FALSE), t with the residual df as lmtest::coeftest, Breusch–Godfrey written out). Relative 1e-10
// except where a reference is a rounding residue (an exact 0 computed as 1e-17), checked absolutely.
@Suite("Interrupted time series")
struct TimeSeriesTests {
    static let events1 = [
        171, 168, 175, 170, 166, 172, 169, 174, 171, 167, 173, 170, 186, 188, 185, 190, 189, 192, 191, 190, 194, 193,
        195, 196,
    ]

    /// estimate, OLS SE, Newey–West SE, p, CI low, CI high.
    static func expect(_ c: InterruptedTimeSeries.Coefficient, _ r: [Double], _ what: String) {
        expectClose(c.estimate, r[0], "\(what) estimate")
        expectClose(c.olsStandardError, r[1], "\(what) OLS SE")
        expectClose(c.standardError, r[2], "\(what) NW SE")
        expectClose(c.p, r[3], "\(what) p")
        expectClose(c.interval.low, r[4], "\(what) low")
        expectClose(c.interval.high, r[5], "\(what) high")
    }

    @Test func levelAndSlopeChangeMatchLmWithNeweyWest() throws {
        let its = try InterruptedTimeSeries(
            events: Self.events1, totals: Array(repeating: 200, count: 24), intervention: 12)
        #expect(its.lag == 2 && its.residualDegreesOfFreedom == 20)
        Self.expect(
            its.baseline,
            [
                0.85211538461538494, 0.0061639585837568837, 0.0034706259372678217, 2.8386474209560385e-36,
                0.84487578577111144, 0.85935498345965844,
            ], "β0")
        Self.expect(
            its.preSlope,
            [
                6.9930069930020897e-05, 0.00094923791470313888, 0.00043675782479660029, 0.87439909071397892,
                -0.00084113078790303605, 0.00098099092776307789,
            ], "β1")
        Self.expect(
            its.levelChange,
            [
                0.076660839160839378, 0.0093167270148405597, 0.0038270680167558713, 1.0482997253337342e-14,
                0.068677715167686365, 0.084643963153992391,
            ], "β2")
        Self.expect(
            its.slopeChange,
            [
                0.0043181818181818633, 0.0013424251328919346, 0.0004898716289440016, 2.5235125238403284e-08,
                0.0032963275063520891, 0.005340036130011638,
            ], "β3")
        expectClose(its.postSlope.estimate, 0.0043881118881118845, "post slope")
        expectClose(its.postSlope.standardError, 0.00024815459524708447, "post slope SE")
        expectClose(its.postSlope.interval.low, 0.0038704704731554107, "post slope low")
        expectClose(its.durbinWatson, 2.9334147416980474, "DW")
        expectClose(its.lagOneAutocorrelation, -0.46919006504841798, "r1")
        expectClose(its.breuschGodfrey?.statistic, 9.012902647946941, "BG LM")
        expectClose(its.breuschGodfrey?.p, 0.011037559482115194, "BG p")
    }

    @Test func unevenTotalsAndAMissingMonthUseTheMonthNumbers() throws {
        let its = try InterruptedTimeSeries(
            events: [40, 44, 41, 47, 45, 52, 50, 55, 57, 58], totals: [60, 62, 58, 65, 61, 64, 60, 66, 67, 65],
            times: [0, 1, 2, 3, 4, 6, 7, 8, 9, 10], intervention: 5)
        Self.expect(
            its.levelChange,
            [
                0.038043563185660823, 0.018608800138627767, 0.0083413477003254719, 0.0038474961291502948,
                0.017633020643213593, 0.058454105728108052,
            ], "β2")
        Self.expect(
            its.slopeChange,
            [
                0.0021552313484442544, 0.0053718978846663441, 0.0028720108063107637, 0.48137960137795077,
                -0.0048723259301339701, 0.0091827886270224798,
            ], "β3")
        expectClose(its.breuschGodfrey?.statistic, 4.9153196664258116, "BG LM")
        expectClose(its.durbinWatson, 2.3285905956819213, "DW")
    }

    @Test func threeMonthsEachSideWithAllEventsButOneMonthIsFitted() throws {
        let its = try InterruptedTimeSeries(
            events: [10, 10, 9, 10, 10, 10], totals: [10, 10, 10, 10, 10, 10], intervention: 3)
        Self.expect(
            its.levelChange,
            [
                0.13333333333333353, 0.051370116691407938, 0.020286020648339419, 0.022374196131576662,
                0.046049631215001982, 0.22061703545166506,
            ], "β2")
        #expect(abs(its.postSlope.estimate) < 1e-15)
        // Order 2 needs 4 + 2 coefficients on 6 months: the auxiliary regression is saturated (R reports the
        // degenerate T·R² = 6); the test is not defined here.
        #expect(its.breuschGodfrey == nil)
    }

    @Test func aFlatSeriesHasNoAutocorrelationStatistics() throws {
        let its = try InterruptedTimeSeries(
            events: [5, 5, 5, 5, 5, 5], totals: [10, 10, 10, 10, 10, 10], intervention: 3)
        #expect(its.levelChange.estimate == 0 || abs(its.levelChange.estimate) < 1e-15)
        #expect(its.durbinWatson == nil && its.breuschGodfrey == nil)
        #expect(its.levelChange.p == nil)
    }

    @Test(
        arguments: [
            ([1], [2], 0), ([1, 1, 1, 1, 1], [2, 2, 2, 2, 2], 3), ([1, 1, 1, 1, 1, 1], [2, 2, 2, 0, 2, 2], 3),
            ([1, 1, 1, 3, 1, 1], [2, 2, 2, 2, 2, 2], 3), ([1, 1, 1, 1, 1, 1], [2, 2, 2, 2, 2], 3),
        ] as [([Int], [Int], Int)])
    func tooShortOrMalformedSeriesAreRejected(events: [Int], totals: [Int], intervention: Int) {
        #expect(throws: StatsError.self) {
            try InterruptedTimeSeries(events: events, totals: totals, intervention: intervention)
        }
    }
}
