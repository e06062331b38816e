import Testing

@testable import QFlowStats

// Reference values: reference/effects.R (R 4.2.2, base R). Closed forms at relative 1e-10; the conditional odds
// ratio and the Clopper–Pearson limits are iterative on both sides (R: uniroot at tol 1e-15, qbeta) and are
// compared at 1e-6 and 1e-10 respectively.
@Suite("Effect sizes with intervals")
struct EffectSizeTests {
    @Test(
        arguments: [
            (
                229, 233, 221, 233, [1.0361990950226245, 1.001162295358041, 1.0724620468669572],
                [0.19506648003994931, 0.01347932339994376, 0.37665363667995488]
            ),
            (
                12, 100, 25, 100, [0.47999999999999998, 0.2556337692988741, 0.90128937437302326],
                [-0.33971433941725493, -0.61689510428719041, -0.062533574547319448]
            ),
            (
                0, 10, 5, 12, [0.10743801652892564, 0.006655420872833836, 1.7343647556213517],
                [-1.4033482475752073, -2.2425546884826812, -0.56414180666773339]
            ),
            (
                10, 10, 3, 8, [2.4545454545454546, 1.0712963562205129, 5.6238344818841366],
                [1.8234765819369754, 0.89378403348013324, 2.7531691303938173]
            ),
            (
                1, 1, 0, 1, [2.9999999999999996, 0.23890475166198258, 37.671917102485104],
                [3.1415926535897931, 0.36978500489043808, 5.9134003022891477]
            ),
        ] as [(Int, Int, Int, Int, [Double], [Double])])
    func relativeRiskAndCohensHCarryIntervals(x1: Int, n1: Int, x2: Int, n2: Int, rr: [Double], h: [Double]) throws {
        let p = try ProportionsComparison(x1: x1, n1: n1, x2: x2, n2: n2)
        expectClose(p.relativeRisk, rr[0], "RR")
        expectClose(p.relativeRiskInterval.low, rr[1], "RR low")
        expectClose(p.relativeRiskInterval.high, rr[2], "RR high")
        expectClose(p.cohensH, h[0], "h")
        expectClose(p.cohensHInterval.low, h[1], "h low")
        expectClose(p.cohensHInterval.high, h[2], "h high")
    }

    @Test(
        arguments: [
            (229, 233, 221, 233, 3.1016387536370473, 0.92213924020851068, 13.395068524622435 as Double?),
            (12, 100, 25, 100, 0.41090863802819799, 0.17535221504361634, 0.91702998617065035),
            (0, 10, 5, 12, 0, 0, 1.0831908292769541),
            (10, 10, 3, 8, .infinity, 1.7008447063674159, nil),
            (1, 1, 0, 1, .infinity, 0.025641025641025644, nil),
        ] as [(Int, Int, Int, Int, Double, Double, Double?)])
    func conditionalOddsRatioMatchesFisherTestAtFullPrecision(
        x1: Int, n1: Int, x2: Int, n2: Int, estimate: Double, low: Double, high: Double?
    ) throws {
        let or = try #require(try ProportionsComparison(x1: x1, n1: n1, x2: x2, n2: n2).exactOddsRatio)
        if estimate.isFinite {
            expectClose(or.estimate, estimate, "MLE", relative: 1e-6)
        } else {
            #expect(or.estimate == .infinity)
        }
        expectClose(or.low, low, "low", relative: 1e-6)
        expectClose(or.high, high, "high", relative: 1e-6)
    }

    @Test func conditionalOddsRatioIsUndefinedWithAnEmptyColumn() throws {
        #expect(try ProportionsComparison(x1: 0, n1: 5, x2: 0, n2: 7).exactOddsRatio == nil)
    }

    @Test(
        arguments: [
            (4, 1, 4 as Double?, 0.39583328331853335, 196.98987298932116 as Double?),
            (0, 6, 0, 0, 0.84931119429732327), (15, 5, 3, 1.0364696204894186, 10.551149707628438),
            (7, 0, nil, 1.441308518835239, nil),
        ] as [(Int, Int, Double?, Double, Double?)])
    func mcNemarOddsRatioUsesClopperPearsonLimits(b: Int, c: Int, estimate: Double?, low: Double, high: Double?) throws
    {
        let or = try #require(try McNemarTest(b: b, c: c).conditionalOddsRatio)
        expectClose(or.estimate, estimate, "b/c")
        expectClose(or.low, low, "low")
        expectClose(or.high, high, "high")
    }

    @Test func mcNemarWithoutDiscordantPairsHasNoOddsRatio() throws {
        #expect(try McNemarTest(b: 0, c: 0).conditionalOddsRatio == nil)
    }

    static let x60: [Double] = [
        72.9, 38, 43.1, 45.9, 40.3, 40.5, 57.5, 48.8, 51.5, 71.9, 53.6, 77.2, 72.8, 53.2, 69, 54.7, 41.1, 46.9, 50,
        59.9, 58.4, 57.1, 63.1, 36.1, 62.7, 51.8, 57.5, 55.9, 40.2, 47.2, 41.3, 57.2, 51.1, 49.2, 45.8, 44.4, 60, 38.9,
        48.6, 53.1, 62.2, 43, 47.1, 36.9, 46.1, 46, 63.5, 55.9, 51, 59.3, 47.4, 49.9, 53.7, 67.1, 57.2, 54.8, 34.3,
        53.2, 51.7, 41,
    ]
    static let y70: [Double] = [
        46.9, 47.9, 52.5, 54.5, 49.8, 59.3, 55.2, 59.8, 61.1, 54.4, 51.2, 34.9, 38.6, 35.6, 26.3, 30.1, 35.3, 39.3,
        45.3, 75.1, 50.1, 46.1, 46.4, 41.3, 36.5, 42.3, 41.8, 42.3, 24.6, 53, 65.6, 38.3, 53.4, 48.8, 56.2, 39.1,
        59.4, 27.5, 40.7, 44.2, 52.2, 53.1, 45, 31.9, 49.7, 26.8, 57.9, 58.3, 56.1, 47.4, 40.9, 51.5, 53.7, 53.3,
        35.3, 64.5, 31.1, 59.2, 57.8, 49.7, 27.3, 64.8, 54.3, 43.9, 54.8, 64.4, 52.1, 46.4, 28.4, 58.2,
    ]

    @Test(
        arguments: [
            ([1, 2, 3, 4, 5], [2, 4, 6, 8, 10, 12], [-4, -8.9999999999999893, 0.99999999999999067]),
            (
                [42, 55, 38, 61, 47, 52, 45, 58, 49, 50, 44, 53], [39, 41, 36, 48, 40, 43, 37, 45, 42, 38, 44, 35, 41],
                [9, 4.0000000000000018, 13.999999999999984]
            ),
            (x60, y70, [3.8999999999999986, 0.099999999999995426, 7.8000000000000096]),
        ] as [([Double], [Double], [Double])])
    func hodgesLehmannShiftMatchesWilcoxTestInterval(a: [Double], b: [Double], expected: [Double]) throws {
        let hl = try HodgesLehmann(a: a, b: b)
        expectClose(hl.estimate, expected[0], "estimate")
        expectClose(hl.interval?.low, expected[1], "low")
        expectClose(hl.interval?.high, expected[2], "high")
    }

    // The interval comes from two order statistics of the differences; the definition it must equal ranks the
    // pooled sample (a − d, b) at a point between every pair of neighbouring distinct differences and takes the
    // first at which the corrected z falls below the level. Rounded samples give many ties within and across.
    @Test func hodgesLehmannIntervalEqualsTheRankedDefinitionOnTiedSamples() throws {
        var generator = XorShift64(state: 2026)
        for round in 0..<40 {
            let na = 3 + Int(generator.next() % 25)
            let nb = 3 + Int(generator.next() % 25)
            let spread = Double(1 + generator.next() % 12)
            let a = (0..<na).map { _ in (Double(generator.next() % 1000) / 1000 * spread * 2).rounded() }
            let b = (0..<nb).map { _ in (Double(generator.next() % 1000) / 1000 * spread * 2 - 1).rounded() }
            let hl = try HodgesLehmann(a: a, b: b)
            let distinct = Array(Set(a.flatMap { x in b.map { x - $0 } })).sorted()
            let sortedB = b.sorted()
            func z(_ d: Double) -> Double { HodgesLehmann.correctedZ(shiftedA: a.map { $0 - d }, b: sortedB) }
            func crossing(_ level: Double) -> Double {
                for j in distinct.indices {
                    let between = j + 1 < distinct.count ? (distinct[j] + distinct[j + 1]) / 2 : distinct[j] + 1
                    if z(between) < level { return distinct[j] }
                }
                return distinct[distinct.count - 1]
            }
            let level = Normal.upperQuantile(0.025)
            if z(distinct[0]) < level || z(distinct[distinct.count - 1]) > -level {
                #expect(hl.interval == nil, "round \(round)")
            } else {
                #expect(hl.interval?.low == crossing(level), "round \(round): low")
                #expect(hl.interval?.high == crossing(-level), "round \(round): high")
            }
            let all = a.flatMap { x in b.map { x - $0 } }.sorted()
            let median = all.count % 2 == 1 ? all[all.count / 2] : (all[all.count / 2 - 1] + all[all.count / 2]) / 2
            #expect(hl.estimate == median, "round \(round): estimate")
        }
    }

    @Test func hodgesLehmannOfOneValueEachHasNoReachableInterval() throws {
        let hl = try HodgesLehmann(a: [3], b: [1])
        #expect(hl.estimate == 2)
        #expect(hl.interval == nil)
        #expect(throws: StatsError.self) { try HodgesLehmann(a: [], b: [1]) }
    }
}

/// Marsaglia's xorshift64, seeded, so that a failing sample can be replayed.
struct XorShift64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
