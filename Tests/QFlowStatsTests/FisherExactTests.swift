import Testing

@testable import QFlowStats

// Reference values: exact integer hypergeometric weights (Python math.comb, fractions.Fraction) with R's
// fisher.test rule d ≤ d_obs·(1 + 1e-7), converted once with mpmath; see ReferenceValues.swift.
@Suite("Fisher's exact test follows R's fisher.test, including mirror tables and the far tail")
struct FisherExactTests {
    @Test(
        arguments: [
            (1, 9, 11, 3, 0.0027594561852200836, 0.0013797280926100418, 0.9999663480953022),
            (0, 5, 5, 0, 0.007936507936507936, 0.003968253968253968, 1.0),
            (10, 0, 0, 10, 1.082508822446903e-05, 1.0, 5.412544112234515e-06),
            (500, 10, 10, 500, 6.424374460782398e-265, 1.0, 3.212187230391199e-265),
            (300, 20, 20, 300, 1.1279543557973585e-128, 1.0, 5.6397717789867925e-129),
            (7, 3, 3, 7, 0.17889540799757517, 0.9884929312173895, 0.08944770399878758),
            (0, 0, 3, 4, 1.0, 1.0, 1.0),
            (1, 0, 0, 0, 1.0, 1.0, 1.0),
        ] as [(Int, Int, Int, Int, Double, Double, Double)])
    func pValuesMatchExactSums(a: Int, b: Int, c: Int, d: Int, two: Double, less: Double, greater: Double) {
        let f = FisherExactTest(a: a, b: b, c: c, d: d)
        expectClose(f.twoSidedP, two, "two-sided")
        expectClose(f.lessP, less, "less")
        expectClose(f.greaterP, greater, "greater")
    }

    /// A table and its mirror image have the same probability; both must be counted, whichever is observed.
    @Test(arguments: [(1, 4, 4, 1), (4, 1, 1, 4), (2, 3, 3, 2), (3, 7, 7, 3), (120, 80, 80, 120)])
    func mirrorTablesGiveTheSameTwoSidedP(a: Int, b: Int, c: Int, d: Int) {
        let f = FisherExactTest(a: a, b: b, c: c, d: d)
        let mirror = FisherExactTest(a: b, b: a, c: d, d: c)
        expectClose(f.twoSidedP, mirror.twoSidedP, "mirror two-sided")
        // With equal margins the distribution is symmetric: two-sided = 2 × one-sided tail (capped at 1).
        expectClose(f.twoSidedP, min(1, 2 * f.oneSidedP), "two-sided vs 2 × one-sided")
    }

    @Test func symmetricMirrorCaseCountsBothTails() {
        // [[1,4],[4,1]]: P(1) = P(4) = 25/252, P(0) = P(5) = 1/252 → p = 52/252.
        expectClose(FisherExactTest(a: 1, b: 4, c: 4, d: 1).twoSidedP, 52.0 / 252.0, "mirror p")
    }
}
