import Testing

@testable import QFlowStats

// Reference values: mpmath 1.3 at 60 significant digits (ncdf, erfinv/findroot, loggamma, gammainc, betainc),
// computed once by the script quoted in ReferenceValues.swift and written here as literals.
@Suite("Distributions agree with mpmath to 1e-10, far into the tail")
struct DistributionTests {
    @Test(
        arguments: [
            (-3, 0.9986501019683699), (0, 0.5), (1.5, 0.06680720126885807), (5, 2.866515718791939e-07),
            (10, 7.619853024160525e-24), (20, 2.7536241186062337e-89), (30, 4.906713927148187e-198),
            (37.5, 4.605353009581955e-308),
        ] as [(Double, Double)])
    func normalSurvivalStaysAccurateInTheTail(x: Double, expected: Double) {
        expectClose(Normal.survival(x), expected, "1 − Φ(\(x))")
        expectClose(Normal.cdf(-x), expected, "Φ(\(-x))")
    }

    @Test(
        arguments: [
            (0.975, 1.9599639845400538), (0.5, 0.0), (0.3, -0.5244005127080408), (0.025, -1.9599639845400543),
            (1e-10, -6.361340902404057), (1e-100, -21.273453560965326), (1e-300, -37.0470962993612),
            (0.999999, 4.753424308817087),
        ] as [(Double, Double)])
    // The references invert Φ at the exact binary value of each double p (mpmath mpf(float(p))).
    func normalQuantileIsFullPrecision(p: Double, expected: Double) {
        expectClose(Normal.quantile(p), expected, "Φ⁻¹(\(p))", relative: 1e-14)
    }

    @Test func z95IsComputedNotRounded() {
        // mpmath: √2·erfinv(0.95) = 1.95996398454005423552…, whose nearest double is 1.9599639845400543.
        #expect(ConfidenceInterval.z95 == 1.9599639845400543)
        expectClose(ConfidenceInterval.z95, 1.959963984540054, "R qnorm(0.975)", relative: 1e-15)
        #expect(ConfidenceInterval.z95 != 1.96)
    }

    @Test(
        arguments: [
            (0.5, 0.5723649429247001), (1, 0.0), (2, 0.0), (3.7, 1.4280723266653879), (10, 12.801827480081469),
            (10.5, 13.940625219403763), (123.456, 469.60554712992945), (1e6, 12815504.569147611),
            (1e-5, 11.512919692895826),
        ] as [(Double, Double)])
    func logGammaMatchesReference(x: Double, expected: Double) {
        if expected == 0 {
            #expect(abs(GammaFunction.logGamma(x)) < 1e-14)
        } else {
            expectClose(GammaFunction.logGamma(x), expected, "lgamma(\(x))")
        }
    }

    @Test func logFactorialIsLogGammaOfSuccessor() {
        #expect(GammaFunction.logFactorial(0) == 0)
        #expect(GammaFunction.logFactorial(1) == 0)
        expectClose(GammaFunction.logFactorial(10), 15.104412573075516, "log 10!")  // log(3628800)
        expectClose(GammaFunction.logFactorial(170), 706.5730622457874, "log 170!")  // mpmath loggamma(171)
    }

    @Test(
        arguments: [
            (0.5, 0.5, 1.1447298858494002), (2, 3, -2.4849066497880004), (100, 0.5, -1.7289701552775227),
            (500.25, 0.5, -2.5349391687863565), (12, 15, -18.568172732389435), (1e5, 2.5, -28.497649541827652),
        ] as [(Double, Double, Double)])
    func logBetaAvoidsCancellation(a: Double, b: Double, expected: Double) {
        expectClose(GammaFunction.logBeta(a, b), expected, "log B(\(a), \(b))")
    }

    @Test(
        arguments: [
            (0.5, 2.071111111111111, 0.9581737730856874, 0.041826226914312536),
            (0.5, 360, 1.0, 1.3386258936576192e-158),
            (2.5, 1, 0.15085496391539036, 0.8491450360846097),
            (1, 1e-3, 0.0009995001666250082, 0.999000499833375),
            (50, 60, 0.9155933189063081, 0.08440668109369183),
            (100, 40, 1.2062542053086514e-15, 0.9999999999999988),
            (3, 700, 1.0, 2.4225323864783197e-299),
            (0.5, 0.1, 0.34527915398142295, 0.654720846018577),
            (1000, 1100, 0.99894067674607, 0.0010593232539299773),
        ] as [(Double, Double, Double, Double)])
    func regularizedGammaComputesBothTailsDirectly(a: Double, x: Double, p: Double, q: Double) {
        expectClose(GammaFunction.regularizedP(a, x), p, "P(\(a), \(x))")
        expectClose(GammaFunction.regularizedQ(a, x), q, "Q(\(a), \(x))")
    }

    @Test(
        arguments: [
            (4.142222222222222, 1, 0.041826226914312536), (1000, 5, 6.010077687920804e-214),
            (3, 10, 0.9814240637778593), (50, 100, 0.9999930466947524), (0.001, 1, 0.9747728793699604),
            (1300, 3, 1.4717437106980104e-281), (900, 1, 9.813427854296374e-198),
        ] as [(Double, Double, Double)])
    func chiSquareSurvivalHasNoCancellation(x: Double, df: Double, expected: Double) {
        expectClose(ChiSquareDistribution.survival(x, degreesOfFreedom: df), expected, "χ²(\(df)) sf at \(x)")
    }

    @Test(
        arguments: [
            (0.3, 2, 3, 0.3483), (0.9, 0.5, 0.5, 0.7951672353008665), (0.01, 10, 0.5, 1.770034965528574e-21),
            (0.999, 50, 2, 0.9987659096068829), (0.5, 200, 200, 0.5), (1e-5, 1.5, 4, 2.0752073603474547e-07),
        ] as [(Double, Double, Double, Double)])
    func incompleteBetaMatchesReference(x: Double, a: Double, b: Double, expected: Double) {
        expectClose(IncompleteBeta.regularized(x, a: a, b: b), expected, "I_\(x)(\(a), \(b))")
    }

    @Test(
        arguments: [
            (2, 3.5, 0.12613852257591354), (0.5, 10, 0.6278936057429729), (-1.96, 1000, 0.050273184955748715),
            (40, 198.3, 6.883343762220731e-97), (1000, 2.5, 4.5494927896614906e-08), (25, 30, 1.2091822381287026e-21),
            (1e-3, 7, 0.9992300172449988),
        ] as [(Double, Double, Double)])
    func studentTTwoSidedPIsAccurate(t: Double, df: Double, expected: Double) {
        expectClose(StudentT.twoSidedP(t, degreesOfFreedom: df), expected, "t(\(df)) two-sided p at \(t)")
    }

    @Test(
        arguments: [
            (0.025, 1, 12.706204736174705), (0.025, 2.5, 3.574654842003683), (0.025, 7.3, 2.345066736547704),
            (0.025, 30, 2.042272456301238), (0.025, 1e4, 1.9602012398906263), (1e-10, 5, 156.8255927088943),
        ] as [(Double, Double, Double)])
    func studentTQuantileInvertsTheTail(q: Double, df: Double, expected: Double) {
        expectClose(StudentT.upperQuantile(q, degreesOfFreedom: df), expected, "t(\(df)) upper quantile \(q)")
    }

    // mpmath 1.3 at 50 digits: bisection then Newton on betainc(df/2, 1/2, 0, df/(df+t²))/2 − q. The grid covers
    // the Cauchy tail (df = 1, t ≈ 3e11), fractional Welch df and the near-normal case, where the start and the Halley
    // steps must each hold.
    @Test(
        arguments: [
            (0.25, 1, 1.0),
            (0.05, 1, 6.3137515146750431),
            (0.025, 1, 12.706204736174705),
            (0.005, 1, 63.656741162871581),
            (1e-4, 1, 3183.0987571181509),
            (1e-8, 1, 31830988.618379057),
            (1e-12, 1, 318309886183.79067),
            (0.25, 1.5, 0.87259466254157064),
            (0.05, 1.5, 3.7051808200967517),
            (0.025, 1.5, 6.0166631044279319),
            (0.005, 1.5, 17.820310514462807),
            (1e-4, 1.5, 242.2640988465063),
            (1e-8, 1.5, 112450.05997355733),
            (1e-12, 1.5, 52194694.273446354),
            (0.25, 2, 0.81649658092772603),
            (0.05, 2, 2.9199855803537257),
            (0.025, 2, 4.3026527297494639),
            (0.005, 2, 9.9248432009182931),
            (1e-4, 2, 70.700071074964278),
            (1e-8, 2, 7071.0677057994576),
            (1e-12, 2, 707106.78118548686),
            (0.25, 3, 0.76489232840434528),
            (0.05, 3, 2.3533634348018239),
            (0.025, 3, 3.1824463052837096),
            (0.005, 3, 5.8409093097333573),
            (1e-4, 3, 22.203742273204183),
            (1e-8, 3, 479.52506957973828),
            (1e-12, 3, 10331.108244292486),
            (0.25, 4.5, 0.7328666862359945),
            (0.05, 4.5, 2.0655758888785248),
            (0.025, 4.5, 2.6589123472044038),
            (0.005, 4.5, 4.272823993011293),
            (1e-4, 4.5, 11.02099636861223),
            (1e-8, 4.5, 86.633976567998347),
            (1e-12, 4.5, 670.94270250510597),
            (0.25, 10, 0.69981206131243163),
            (0.05, 10, 1.8124611228116764),
            (0.025, 10, 2.2281388519862747),
            (0.005, 10, 3.1692726726169512),
            (1e-4, 10, 5.6938201014575126),
            (1e-8, 10, 15.895687652513545),
            (1e-12, 10, 40.532096178662597),
            (0.25, 37.2, 0.68114210767128203),
            (0.05, 37.2, 1.6868607646703536),
            (0.025, 37.2, 2.0258248190477834),
            (0.005, 37.2, 2.7146211226456429),
            (1e-4, 37.2, 4.125083358161604),
            (1e-8, 37.2, 7.1041247573022423),
            (1e-12, 37.2, 10.283505328277692),
            (0.25, 120, 0.67653972491252022),
            (0.05, 120, 1.6576508993552356),
            (0.025, 120, 1.9799304050824408),
            (0.005, 120, 2.617421145106866),
            (1e-4, 120, 3.8371707490328067),
            (1e-8, 120, 6.0150960354396085),
            (1e-12, 120, 7.8452545510229301),
            (0.25, 1000, 0.67473516460700944),
            (0.05, 1000, 1.6463788172854647),
            (0.025, 1000, 1.9623390808264085),
            (0.005, 1000, 2.5807546980659511),
            (1e-4, 1000, 3.7328516045753681),
            (1e-8, 1000, 5.6579123376791052),
            (1e-12, 1000, 7.1242289253144091),
            (0.25, 100000, 0.67449220355329221),
            (0.05, 100000, 1.6448688647849697),
            (0.025, 100000, 1.9599877075346096),
            (0.005, 100000, 2.5758784699083753),
            (1e-4, 100000, 3.7191543826413444),
            (1e-8, 100000, 5.6124571748817133),
            (1e-12, 100000, 7.0353717423935763),
        ] as [(Double, Double, Double)])
    func studentTQuantileHoldsAcrossTheGrid(q: Double, df: Double, expected: Double) {
        // At df = 1e5 the tail itself is good to about 1e-11 (the continued fraction at x = df/(df + t²) ≈ 1 loses
        // digits to cancellation between its convergents; see the betainc grid below), and the quantile with it.
        expectClose(
            StudentT.upperQuantile(q, degreesOfFreedom: df), expected, "t(\(df)) upper quantile \(q)",
            relative: df < 1e5 ? 1e-13 : 1e-11)
    }

    // mpmath betainc(df/2, 1/2, 0, df/(df+t²)) at 40 digits. The continued fraction stays within 1e-10 up to
    // df = 1e6 (checked here); at df = 1e7 its error grows to ~4e-10 (a known limit, far beyond any Welch df in
    // practice).
    @Test(
        arguments: [
            (0.5, 100, 0.6181735658308866),
            (2, 100, 0.04821217873113368),
            (5, 100, 2.4501734135038002e-06),
            (20, 100, 9.994267861336956e-37),
            (0.5, 1000, 0.6171850808338748),
            (2, 1000, 0.04577034649325164),
            (5, 1000, 6.767256364648631e-07),
            (20, 1000, 4.0622884995247713e-75),
            (0.5, 10000.0, 0.6170860793232334),
            (2, 10000.0, 0.04552726066143544),
            (5, 10000.0, 5.830326613662647e-07),
            (20, 10000.0, 2.7646525865407734e-87),
            (0.5, 100000.0, 0.617076177654418),
            (2, 100000.0, 0.045502963457506464),
            (5, 100000.0, 5.742701678641673e-07),
            (20, 100000.0, 8.223493910654362e-89),
            (0.5, 1000000.0, 0.6170751874723713),
            (2, 1000000.0, 0.045500533851319205),
            (5, 1000000.0, 5.733997870890742e-07),
            (20, 1000000.0, 5.733087047390372e-89),
        ] as [(Double, Double, Double)])
    func studentTStaysAccurateForLargeDegreesOfFreedom(t: Double, df: Double, expected: Double) {
        expectClose(StudentT.twoSidedP(t, degreesOfFreedom: df), expected, "t(\(df)) two-sided p at \(t)")
    }

    @Test(
        arguments: [
            (229, 450, 16, 233, -3.6372701999015153), (5, 10, 10, 10, -1.067933139579608),
            (0, 50, 50, 50, -66.78384165201743), (300, 320, 320, 320, -295.30805610096417),
            (1, 3, 4, 2, -0.5596157879354227),
        ] as [(Int, Int, Int, Int, Double)])
    func hypergeometricLogProbabilityIsExact(x: Int, marked: Int, unmarked: Int, draws: Int, expected: Double) {
        let v = Hypergeometric.logProbability(x, marked: marked, unmarked: unmarked, draws: draws)
        expectClose(v, expected, "log P(X=\(x)) hypergeometric")
    }

    @Test(
        arguments: [
            (0, 10, 0.5, -6.931471805599453), (3, 10, 0.25, -1.3851658477400923),
            (500, 1000, 0.5, -3.6799189920941293), (0, 1000, 0.5, -693.1471805599454),
            (7, 20, 0.001, -37.1090022106469),
        ] as [(Int, Int, Double, Double)])
    func binomialLogProbabilityIsExact(x: Int, n: Int, p: Double, expected: Double) {
        expectClose(Binomial.logProbability(x, trials: n, probability: p), expected, "log P(X=\(x)) binomial")
    }
}
