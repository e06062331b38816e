import Testing

@testable import QFlowStats

// Reference values: reference/power.R (R 4.2.2, r-cran-pwr). Closed forms and exact enumerations are compared at
// relative 1e-10; sample sizes found by R's uniroot (itself iterative, run at tol 1e-12) at 1e-6.
@Suite("Power and sample size")
struct PowerTests {
    struct ProportionsCase: Sendable, CustomTestStringConvertible {
        let p1: Double, p2: Double, n1: Int, n2: Int
        let normal: Double, arcsine: Double, h: Double, exact: Double
        var testDescription: String { "\(p1) vs \(p2), n \(n1)/\(n2)" }
    }

    static let proportions: [ProportionsCase] = [
        .init(
            p1: 229.0 / 233, p2: 221.0 / 233, n1: 233, n2: 233, normal: 0.5301384317501916,
            arcsine: 0.55786169188429457, h: 0.19506648003994931, exact: 0.5484006978624496),
        .init(
            p1: 0.3, p2: 0.2, n1: 100, n2: 150, normal: 0.44301950560264852, arcsine: 0.43533672248782573,
            h: 0.23198426272579631, exact: 0.44465611345086725),
        .init(
            p1: 0, p2: 0.1, n1: 20, n2: 20, normal: 0.30050118840593965, arcsine: 0.52991115999578531,
            h: -0.64350110879328437, exact: 0.13295332343433505),
        .init(
            p1: 0.5, p2: 0.9, n1: 1, n2: 1, normal: 0.067799274884890987, arcsine: 0.10052398906277236,
            h: -0.92729521800161208, exact: 0),
        .init(
            p1: 0.15, p2: 0.1, n1: 1000, n2: 800, normal: 0.88953377931462163, arcsine: 0.8929410755270687,
            h: 0.15189772139085922, exact: 0.89129178615005866),
    ]

    @Test(arguments: proportions)
    func proportionsPowerMatchesPowerPropTestPwrAndExactEnumeration(_ c: ProportionsCase) throws {
        let p = try ProportionsPower(p1: c.p1, p2: c.p2, n1: c.n1, n2: c.n2)
        expectClose(p.power, c.normal, "normal power")
        expectClose(p.arcsinePower, c.arcsine, "arcsine power")
        expectClose(p.cohensH, c.h, "Cohen's h")
        expectClose(p.exactPower, c.exact, "exact power")
    }

    @Test func theStudyHadAboutHalfThePowerItNeededAnd440PerArmGive80Percent() throws {
        let s = try ProportionsPower.sampleSize(p1: 229.0 / 233, p2: 221.0 / 233, power: 0.8)
        expectClose(s.n, 440.31870723173017, "n (uniroot reference)", relative: 1e-6)
        #expect(s.perGroup == 441)
        let at440 = try ProportionsPower(p1: 229.0 / 233, p2: 221.0 / 233, n1: 440, n2: 440)
        expectClose(at440.power, 0.79971508235928113, "power at 440")
        let strict = try ProportionsPower.sampleSize(p1: 0.3, p2: 0.2, power: 0.9, alpha: 0.01)
        expectClose(strict.n, 555.49976385055618, "n at alpha 0.01 (uniroot reference)", relative: 1e-6)
    }

    @Test func allEventsInBothGroupsNeverRejects() throws {
        let p = try ProportionsPower(p1: 1, p2: 1, n1: 10, n2: 10)
        #expect(p.exactPower == 0)
        #expect(p.power == 0)
    }

    @Test(
        arguments: [(-0.1, 0.5, 10, 10), (0.5, 1.2, 10, 10), (0.5, 0.4, 0, 10), (0.5, .nan, 10, 10)]
            as [(Double, Double, Int, Int)])
    func impossibleProportionsPowerInputsAreRejected(p1: Double, p2: Double, n1: Int, n2: Int) {
        #expect(throws: StatsError.self) { try ProportionsPower(p1: p1, p2: p2, n1: n1, n2: n2) }
    }

    @Test func sampleSizeForNoDifferenceOrAnImpossiblePowerIsAnError() {
        #expect(throws: StatsError.self) { try ProportionsPower.sampleSize(p1: 0.5, p2: 0.5, power: 0.8) }
        #expect(throws: StatsError.self) { try ProportionsPower.sampleSize(p1: 0.5, p2: 0.4, power: 1) }
    }

    @Test(
        arguments: [
            (32, 4.0 / 32, 1.0 / 32, 0.26223070968777273, 0.096730612146808434),
            (200, 0.15, 0.05, 0.89131427340392522, 0.8753004831125929),
            (10, 0.3, 0, 0.3926540266791414, 0.047348987399999987),
            (1, 0.5, 0.25, 0.040439869663262622, 0),
        ] as [(Int, Double, Double, Double, Double)])
    func mcNemarPowerMatchesConnorAndTheExactBinomialTest(
        pairs: Int, p01: Double, p10: Double, normal: Double, exact: Double
    ) throws {
        let p = try McNemarPower(pairs: pairs, p01: p01, p10: p10)
        expectClose(p.power, normal, "Connor power")
        expectClose(p.exactPower, exact, "exact power")
    }

    @Test func mcNemarPairsForEightyPercentUseConnorsClosedForm() throws {
        let s = try McNemarPower.sampleSize(p01: 0.125, p10: 0.03125, power: 0.8)
        expectClose(s.n, 137.15389306746221, "pairs")
        #expect(s.pairs == 138)
        #expect(throws: StatsError.self) { try McNemarPower(pairs: 10, p01: 0.7, p10: 0.5) }
    }

    @Test(
        arguments: [
            (1.0, 1.0, 1.0, 20.0, 20.0, 0.05, 38.0, 3.1622776601683791, 0.86895280169249778),
            (5, 8, 12, 30, 45, 0.05, 72.997711670480555, 2.1650635094610964, 0.57007301889198669),
            (-0.5, 1, 2, 2, 3, 0.05, 2.9512195121951219, 0.3692744729379982, 0.045621098618872091),
            (2, 1, 1, 10, 10, 0.01, 18, 4.4721359549995796, 0.9294853166198449),
        ] as [(Double, Double, Double, Double, Double, Double, Double, Double, Double)])
    func welchPowerMatchesPowerTTestAndTheNoncentralT(
        delta: Double, sd1: Double, sd2: Double, n1: Double, n2: Double, alpha: Double, df: Double, ncp: Double,
        power: Double
    ) throws {
        let w = try WelchPower(delta: delta, sd1: sd1, sd2: sd2, n1: n1, n2: n2, alpha: alpha)
        expectClose(w.degreesOfFreedom, df, "df")
        expectClose(w.noncentrality, ncp, "ncp")
        expectClose(w.power, power, "power")
    }

    // The power reuses the quantile's work (I_x(½, df/2) = 1 − α at the critical value, and its log B): it must
    // agree with the noncentral t evaluated from scratch at that critical value, across dfs, levels and effects.
    @Test func welchPowerSharesTheQuantilesWorkWithoutChangingTheResult() throws {
        for (n1, n2) in [(2.0, 3.0), (5, 5), (12, 40), (30, 45), (250, 90), (5000, 7000)] {
            for alpha in [0.1, 0.05, 0.01, 0.001] {
                for delta in [0.05, 0.4, 1.5, 6] {
                    let w = try WelchPower(delta: delta, sd1: 1.3, sd2: 0.8, n1: n1, n2: n2, alpha: alpha)
                    let critical = StudentT.upperQuantile(alpha / 2, degreesOfFreedom: w.degreesOfFreedom)
                    let fromScratch = NoncentralT.survival(
                        critical, degreesOfFreedom: w.degreesOfFreedom, noncentrality: w.noncentrality)
                    #expect(
                        abs(w.power - fromScratch) <= 1e-13 + 1e-12 * fromScratch,
                        "n = \(n1), \(n2), α = \(alpha), δ = \(delta): \(w.power) vs \(fromScratch)")
                }
            }
        }
    }

    @Test func welchSampleSizeMatchesPowerTTest() throws {
        let equal = try WelchPower.sampleSize(delta: 1, sd1: 1, sd2: 1, power: 0.8)
        expectClose(equal.n, 16.714759831157942, "n (uniroot reference)", relative: 1e-6)
        #expect(equal.perGroup == 17)
        let unequal = try WelchPower.sampleSize(delta: 5, sd1: 8, sd2: 12, power: 0.9)
        expectClose(unequal.n, 88.536951807031812, "n (uniroot reference)", relative: 1e-6)
        // R 4.2 power.t.test(power =, delta =, sd = 1, sig.level =, tol = 1e-14)$n: a tiny effect (the bracket
        // widens far above the start), a strict level, a size just above the floor, and the floor itself.
        for (delta, power, alpha, n) in [
            (0.01, 0.8, 0.05, 156978.55504178343), (0.3, 0.99, 0.001, 703.80531486829557),
            (3, 0.5, 0.05, 2.230405059298028),
        ] {
            let s = try WelchPower.sampleSize(delta: delta, sd1: 1, sd2: 1, power: power, alpha: alpha)
            expectClose(s.n, n, "n for δ = \(delta), power \(power), α = \(alpha)", relative: 1e-9)
            #expect(s.perGroup == Int(n.rounded(.up)))
        }
        let floor = try WelchPower.sampleSize(delta: 10, sd1: 1, sd2: 1, power: 0.8)
        #expect(floor.perGroup == 2)
        expectClose(floor.achieved.power, 0.99274666049249616, "power.t.test(n = 2, delta = 10)$power")
        #expect(throws: StatsError.self) { try WelchPower(delta: 1, sd1: 1, sd2: 1, n1: 1, n2: 5) }
        #expect(throws: StatsError.self) { try WelchPower(delta: 1, sd1: 0, sd2: 1, n1: 5, n2: 5) }
    }

    @Test(
        arguments: [
            (2.0, 10.0, 1.0, 0.80761156253031108), (-1, 5.5, 0.5, 0.081074666920025407),
            (3, 38, 3.2, 0.41744933879575313), (1.2, 3, -2, 0.99785897333670082),
        ] as [(Double, Double, Double, Double)])
    func noncentralTMatchesR(t: Double, df: Double, ncp: Double, expected: Double) {
        expectClose(NoncentralT.cdf(t, degreesOfFreedom: df, noncentrality: ncp), expected, "pt")
    }
}
