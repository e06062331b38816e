import Testing

@testable import QFlowStats

// Reference values: mpmath 1.3 at 60 digits (Pearson χ² from exact expected counts, gammainc for p);
// see ReferenceValues.swift.
@Suite("r×c contingency tables")
struct ContingencyTests {
    @Test(
        arguments: [
            ([[10, 20, 30], [20, 20, 20]], 5.333333333333333, 2, 0.06948345122280153, 0.21081851067789195, 15.0),
            (
                [[5, 1, 0], [2, 8, 3], [1, 1, 9]], 22.801573426573427, 4, 0.0001387236410127137, 0.6164626702211771, 1.6
            ),
            (
                [[400, 100, 50], [100, 400, 50], [50, 50, 400]], 1280.5289256198348, 4, 5.542606108027416e-276,
                0.632586191167811, 156.25
            ),
            ([[1, 2], [3, 4]], 0.07936507936507936, 1, 0.7781596861761658, 0.0890870806374748, 1.2),
            ([[12, 88], [25, 75]], 5.604377383518488, 1, 0.017915660183039642, 0.16739739220666622, 18.5),
        ] as [([[Int]], Double, Int, Double, Double, Double)])
    func pearsonChiSquareMatchesReference(table: [[Int]], chi2: Double, df: Int, p: Double, v: Double, minE: Double)
        throws
    {
        let t = try ContingencyTest(table: table)
        expectClose(t.chi2, chi2, "χ²")
        #expect(t.degreesOfFreedom == df)
        expectClose(t.p, p, "p")
        expectClose(t.cramersV, v, "Cramér's V")
        expectClose(t.minExpected, minE, "min expected")
    }

    @Test(arguments: [
        [[0, 0], [1, 2]], [[1, 0], [2, 0]], [[1, 2, 3]], [[1], [2]], [[1, 2], [3]], [[1, -2], [3, 4]],
    ])
    func degenerateTablesAreRejectedWithAMessage(table: [[Int]]) {
        #expect(throws: StatsError.self) { try ContingencyTest(table: table) }
    }
}
