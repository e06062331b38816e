import Testing

@testable import QFlowStats

// Reference values: exact binomial sums in rationals (math.comb / 2ⁿ) and mpmath gammainc for the χ² p
// (60 digits), as R mcnemar.test and Fagerland's mid-p; see ReferenceValues.swift.
@Suite("McNemar's test for paired binary data")
struct McNemarTests {
    @Test(
        arguments: [
            (4, 1, 0.8, 0.37109336952269756, 0.375, 0.21875),
            (5, 5, 0.0, 1.0, 1.0, 1.0),
            (0, 0, 0.0, 1.0, 1.0, 1.0),
            (0, 20, 18.05, 2.1517864378120184e-05, 1.9073486328125e-06, 9.5367431640625e-07),
            (3, 10, 2.769230769230769, 0.09609232945567331, 0.09228515625, 0.057373046875),
            (400, 100, 178.802, 8.85109588205939e-41, 1.6596294752173932e-43, 1.0359048787657939e-43),
            (0, 400, 398.0025, 1.4988838490705154e-88, 7.745183829698637e-121, 3.8725919148493183e-121),
            (0, 1000, 998.001, 4.884013735521722e-219, 1.8665272370064378e-301, 9.332636185032189e-302),
            (1, 0, 0.0, 1.0, 1.0, 0.5),
            (12, 13, 0.0, 1.0, 1.0, 0.8450189828872681),
            (7, 0, 5.142857142857143, 0.023342202012890823, 0.015625, 0.0078125),
        ] as [(Int, Int, Double, Double, Double, Double)])
    func statisticsMatchReference(b: Int, c: Int, chi2: Double, p: Double, exact: Double, mid: Double) throws {
        let m = try McNemarTest(b: b, c: c)
        expectClose(m.chi2, chi2, "χ² (corrected)")
        expectClose(m.p, p, "p")
        expectClose(m.exactP, exact, "exact p")
        expectClose(m.midP, mid, "mid-p")
    }

    @Test func equalDiscordantCountsGiveChiSquareZeroAndPOne() throws {
        let m = try McNemarTest(b: 9, c: 9)
        #expect(m.chi2 == 0 && m.p == 1 && m.exactP == 1)
    }

    @Test func negativeCountsAreRejected() {
        #expect(throws: StatsError.self) { try McNemarTest(b: -1, c: 3) }
    }
}
