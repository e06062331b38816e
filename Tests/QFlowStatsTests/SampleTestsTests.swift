import Testing

@testable import QFlowStats

/// The deterministic far-tail samples (identical IEEE operations in Swift and Python).
let tailA = (0..<100).map { Double($0 % 7) * 0.5 }
let tailB = (0..<100).map { 10 + Double($0 % 5) * 0.3 }
let farA = (0..<400).map { Double($0) }
let farB = (0..<400).map { Double(1000 + $0) }

// Reference values: mpmath 1.3 at 60 digits on the exact double inputs (R t.test(var.equal = FALSE):
// betainc for p, findroot for the t quantile; R wilcox.test(exact = FALSE, correct = TRUE): average ranks, tie
// term Σ(t³ − t), ncdf), cross-checked against scipy.stats.ttest_ind(equal_var=False) and
// scipy.stats.mannwhitneyu(method='asymptotic'); see ReferenceValues.swift.
@Suite("Welch's t-test as R t.test(var.equal = FALSE)")
struct WelchTests {
    @Test(
        arguments: [
            (
                [1, 2, 3, 4, 5], [2, 4, 6, 8, 10, 12], -2.3763541031440183, 6.9722557297949335, 0.04928433820673052,
                -4.0,
                -7.983468695628832, -0.016531304371167857
            ),
            (
                [1, 2], [3, 5], -2.23606797749979, 1.4705882352941178, 0.19872738893452616, -2.5, -9.418522830071069,
                4.418522830071069
            ),
            (
                [5.1, 4.9, 5.6, 5.8, 6.0, 5.5], [6.2, 6.9, 7.1, 6.4, 7.3], -4.8208736990549035, 8.197587932430087,
                0.0012320616887085223, -1.2966666666666669, -1.9143182007931976, -0.6790151325401361
            ),
            (
                tailA, tailB, -83.16395126328521, 133.14137246889447, 1.2188722130076489e-116, -9.125,
                -9.342025770395429,
                -8.907974229604571
            ),
        ] as [([Double], [Double], Double, Double, Double, Double, Double, Double)])
    func welchMatchesR(
        a: [Double], b: [Double], t: Double, df: Double, p: Double, diff: Double, low: Double,
        high: Double
    ) throws {
        let w = try WelchTTest(a: a, b: b)
        expectClose(w.t, t, "t")
        expectClose(w.degreesOfFreedom, df, "df")
        expectClose(w.p, p, "p")
        expectClose(w.meanDifference, diff, "mean difference")
        expectClose(w.interval?.low, low, "CI low")
        expectClose(w.interval?.high, high, "CI high")
    }

    @Test(
        arguments: [([1.0], [2.0, 3.0]), ([], [2.0, 3.0]), ([1.0, 2.0], [Double.nan, 1.0])] as [([Double], [Double])])
    func samplesOfSizeOneOrEmptyAreRejected(a: [Double], b: [Double]) {
        #expect(throws: StatsError.self) { try WelchTTest(a: a, b: b) }
    }

    @Test func constantSamplesLeaveTheStatisticUndefined() throws {
        let w = try WelchTTest(a: [2, 2, 2], b: [3, 3])
        #expect(w.t == nil && w.p == nil && w.interval == nil)
        #expect(w.meanDifference == -1)
    }
}

@Suite("Mann–Whitney U as R wilcox.test(exact = FALSE, correct = TRUE)")
struct MannWhitneyTests {
    @Test(
        arguments: [
            ([1, 2, 3, 4, 5], [6, 7, 8, 9, 10], 0.0, 0.012185780355344808),
            ([1, 2, 2, 3, 3, 3], [2, 3, 4, 4, 5], 5.5, 0.0887136919967762),
            ([1], [2], 0.0, 1.0),
            (farA, farB, 0.0, 2.4454330676475733e-132),
            ([3, 4, 4, 5, 5, 5, 2, 4], [1, 2, 2, 3, 3, 4, 2, 1, 3], 62.5, 0.010548935212905505),
            ([1.5, 2.5], [1.5, 2.5, 3.5], 2.0, 0.7609067270751141),
        ] as [([Double], [Double], Double, Double)])
    func uAndPMatchRWithTies(a: [Double], b: [Double], u: Double, p: Double) throws {
        let m = try MannWhitneyTest(a: a, b: b)
        expectClose(m.u, u, "U")
        expectClose(m.p, p, "p")
    }

    @Test func allTiedValuesLeavePUndefined() throws {
        let m = try MannWhitneyTest(a: [2, 2, 2], b: [2, 2])
        #expect(m.u == 3)
        #expect(m.p == nil)
    }

    @Test func uOfBothSamplesAddsUpToTheProductOfSizes() throws {
        let ab = try MannWhitneyTest(a: [3, 4, 4, 5, 5, 5, 2, 4], b: [1, 2, 2, 3, 3, 4, 2, 1, 3])
        let ba = try MannWhitneyTest(a: [1, 2, 2, 3, 3, 4, 2, 1, 3], b: [3, 4, 4, 5, 5, 5, 2, 4])
        #expect(ab.u + ba.u == 72)
        #expect(ab.p == ba.p)
    }

    @Test func emptySampleIsRejected() {
        #expect(throws: StatsError.self) { try MannWhitneyTest(a: [], b: [1]) }
    }
}
