import Testing

@testable import QFlowStats

/// One row of reference values for the 2×2 proportions block.
struct ProportionsRow: Sendable, CustomStringConvertible {
    let x1: Int, n1: Int, x2: Int, n2: Int
    let pearsonChi2: Double?, pearsonP: Double?, yatesChi2: Double?, yatesP: Double?
    let lrChi2: Double?, lrP: Double?
    let fisherP: Double, fisherOneSided: Double
    let rd: Double, rdLow: Double, rdHigh: Double
    let oddsRatio: Double, orLow: Double, orHigh: Double
    let wilsonA: (Double, Double), wilsonB: (Double, Double)
    let minExpected: Double
    var description: String { "\(x1)/\(n1) vs \(x2)/\(n2)" }
}

// Reference values: mpmath 1.3 at 60 digits with R-equivalent definitions — Pearson and Yates (correction
// min(0.5, |O − E|), as R chisq.test(correct = TRUE)) in exact rationals, G = 2ΣO·ln(O/E), Fisher by exact
// integer hypergeometric weights with R's rule d ≤ d_obs·(1 + 1e-7), Wilson/Newcombe (method 10)/Woolf with
// z = Φ⁻¹(0.975) — by the script quoted in ReferenceValues.swift. The first row is the published study.
let proportionsRows: [ProportionsRow] = [
    ProportionsRow(
        x1: 229, n1: 233, x2: 221, n2: 233, pearsonChi2: 4.142222222222222, pearsonP: 0.04182622691431253,
        yatesChi2: 3.171388888888889, yatesP: 0.07493869447484557, lrChi2: 4.3282148648267675, lrP: 0.0374855399945928,
        fisherP: 0.07181361261050243, fisherOneSided: 0.03590680630525121, rd: 0.034334763948497854,
        rdLow: 0.00030281665340672805, rdHigh: 0.07216049497936344, oddsRatio: 3.1085972850678734,
        orLow: 0.9876692597744547, orHigh: 9.784021305814553, wilsonA: (0.9566983901628329, 0.9933042027967935),
        wilsonB: (0.9121504767247913, 0.9702963762910394), minExpected: 8.0),
    ProportionsRow(
        x1: 229, n1: 233, x2: 220, n2: 233, pearsonChi2: 4.945106773221538, pearsonP: 0.026164622667431515,
        yatesChi2: 3.907244857854055, yatesP: 0.04807835549263215, lrChi2: 5.197201597253242, lrP: 0.022623280948397145,
        fisherP: 0.04502152299275924, fisherOneSided: 0.02251076149637962, rd: 0.03862660944206009,
        rdLow: 0.003878054878088334, rdHigh: 0.07737904123305271, oddsRatio: 3.3829545454545453,
        orLow: 1.086460103799263, orHigh: 10.533641701698475, wilsonA: (0.9566983901628329, 0.9933042027967935),
        wilsonB: (0.9068951940375248, 0.9671071914853315), minExpected: 8.5),
    ProportionsRow(
        x1: 30, n1: 32, x2: 27, n2: 32, pearsonChi2: 1.443609022556391, pearsonP: 0.22955621387891958,
        yatesChi2: 0.6416040100250626, yatesP: 0.4231305581096333, lrChi2: 1.4862540023037736, lrP: 0.22279858334930006,
        fisherP: 0.42576641659720293, fisherOneSided: 0.21288320829860147, rd: 0.09375, rdLow: -0.07052957531913982,
        rdHigh: 0.26125233289704747, oddsRatio: 2.7777777777777777, orLow: 0.49726920164541, orHigh: 15.516845517849237,
        wilsonA: (0.7985287685584541, 0.9826894329683591), wilsonB: (0.682458504024696, 0.9313557971749429),
        minExpected: 3.5),
    ProportionsRow(
        x1: 12, n1: 100, x2: 25, n2: 100, pearsonChi2: 5.604377383518488, pearsonP: 0.017915660183039642,
        yatesChi2: 4.775327474713977, yatesP: 0.02887035506635295, lrChi2: 5.704428442233944, lrP: 0.016922164606397866,
        fisherP: 0.027942706055260898, fisherOneSided: 0.013971353027630449, rd: -0.13, rdLow: -0.2356309509089686,
        rdHigh: -0.022017236983956693, oddsRatio: 0.4090909090909091, orLow: 0.19245204675689556,
        orHigh: 0.869595178232783, wilsonA: (0.06999406437019488, 0.19812099426711424),
        wilsonB: (0.17545211362287677, 0.3430446354806161), minExpected: 18.5),
    ProportionsRow(
        x1: 3, n1: 50, x2: 0, n2: 50, pearsonChi2: 3.0927835051546393, pearsonP: 0.07864017934882846,
        yatesChi2: 1.3745704467353952, yatesP: 0.24102816726443207, lrChi2: 4.2516813858929074,
        lrP: 0.03921149024215098, fisherP: 0.24242424242424243, fisherOneSided: 0.12121212121212122, rd: 0.06,
        rdLow: -0.021496383126532997, rdHigh: 0.16217091688838173, oddsRatio: 7.442105263157894,
        orLow: 0.3744122560869575, orHigh: 147.9249940340074, wilsonA: (0.020614970348973954, 0.16217091688838173),
        wilsonB: (0.0, 0.07134759913335872), minExpected: 1.5),
    ProportionsRow(
        x1: 40, n1: 200, x2: 30, n2: 200, pearsonChi2: 1.7316017316017316, pearsonP: 0.18820647083319514,
        yatesChi2: 1.4025974025974026, yatesP: 0.23628916450237405, lrChi2: 1.7365473178567237,
        lrP: 0.18757689968439048, fisherP: 0.23614363603789168, fisherOneSided: 0.11807181801894584, rd: 0.05,
        rdLow: -0.024814806672086923, rdHigh: 0.12443575583597163, oddsRatio: 1.4166666666666667,
        orLow: 0.8420018487914434, orHigh: 2.383539237265437, wilsonA: (0.15045200926098115, 0.2608551865653788),
        wilsonB: (0.10713593562241996, 0.20605579284166664), minExpected: 35.0),
    ProportionsRow(
        x1: 1, n1: 10, x2: 11, n2: 14, pearsonChi2: 10.971428571428572, pearsonP: 0.0009252740371197619, yatesChi2: 8.4,
        yatesP: 0.0037522101008738468, lrChi2: 12.22116970339398, lrP: 0.0004725029808759641,
        fisherP: 0.0027594561852200836, fisherOneSided: 0.0013797280926100418, rd: -0.6857142857142857,
        rdLow: -0.8467933756068067, rdHigh: -0.28453446623454137, oddsRatio: 0.030303030303030304,
        orLow: 0.002671575637462157, orHigh: 0.34371987551835886, wilsonA: (0.017876213095072903, 0.4041500267952385),
        wilsonB: (0.524107694133997, 0.9242861328730682), minExpected: 5.0),
    ProportionsRow(
        x1: 0, n1: 10, x2: 0, n2: 12, pearsonChi2: nil, pearsonP: nil, yatesChi2: nil, yatesP: nil, lrChi2: nil,
        lrP: nil, fisherP: 1.0, fisherOneSided: 1.0, rd: 0.0, rdLow: -0.2424940066552409, rdHigh: 0.27753279986288926,
        oddsRatio: 1.1904761904761905, orLow: 0.0216983448365921, orHigh: 65.31528421931425,
        wilsonA: (0.0, 0.27753279986288926), wilsonB: (0.0, 0.2424940066552409), minExpected: 0.0),
    ProportionsRow(
        x1: 1, n1: 2, x2: 0, n2: 1, pearsonChi2: 0.75, pearsonP: 0.38647623077123266, yatesChi2: 0.0, yatesP: 1.0,
        lrChi2: 1.0464962875290957, lrP: 0.3063154055027367, fisherP: 1.0, fisherOneSided: 0.6666666666666666, rd: 0.5,
        rdLow: -0.39104934410983594, rdHigh: 0.9054687942657693, oddsRatio: 3.0, orLow: 0.05952757190444974,
        orHigh: 151.19044355523667, wilsonA: (0.09453120573423071, 0.9054687942657693),
        wilsonB: (0.0, 0.7934506856227627), minExpected: 0.3333333333333333),
    ProportionsRow(
        x1: 5, n1: 10, x2: 5, n2: 10, pearsonChi2: 0.0, pearsonP: 1.0, yatesChi2: 0.0, yatesP: 1.0, lrChi2: 0.0,
        lrP: 1.0, fisherP: 1.0, fisherOneSided: 0.6718591006516703, rd: 0.0, rdLow: -0.3725136238199143,
        rdHigh: 0.3725136238199143, oddsRatio: 1.0, orLow: 0.17324559253430374, orHigh: 5.772152615091743,
        wilsonA: (0.23659309051256397, 0.7634069094874361), wilsonB: (0.23659309051256397, 0.7634069094874361),
        minExpected: 5.0),
    ProportionsRow(
        x1: 1, n1: 5, x2: 4, n2: 5, pearsonChi2: 3.6, pearsonP: 0.057779571123597245, yatesChi2: 1.6,
        yatesP: 0.2059032107320683, lrChi2: 3.854895140435149, lrP: 0.04960102721724306, fisherP: 0.20634920634920634,
        fisherOneSided: 0.10317460317460317, rd: -0.6, rdLow: -0.83161408676176, rdHigh: 0.00028468334755384794,
        oddsRatio: 0.0625, orLow: 0.002818462138442039, orHigh: 1.385950851253676,
        wilsonA: (0.03622410863243016, 0.6244653702374747), wilsonB: (0.3755346297625253, 0.9637758913675698),
        minExpected: 2.5),
    ProportionsRow(
        x1: 2, n1: 5, x2: 3, n2: 5, pearsonChi2: 0.4, pearsonP: 0.5270892568655381, yatesChi2: 0.0, yatesP: 1.0,
        lrChi2: 0.4027102710137775, lrP: 0.5256928691118512, fisherP: 1.0, fisherOneSided: 0.5, rd: -0.2,
        rdLow: -0.5993445308126035, rdHigh: 0.3222347296745348, oddsRatio: 0.4444444444444444,
        orLow: 0.035393296542515905, orHigh: 5.581024755923725, wilsonA: (0.1176207742326479, 0.769275718723987),
        wilsonB: (0.23072428127601294, 0.8823792257673521), minExpected: 2.5),
    ProportionsRow(
        x1: 800, n1: 1000, x2: 200, n2: 1000, pearsonChi2: 720.0, pearsonP: 1.3386258936576192e-158, yatesChi2: 717.602,
        yatesP: 4.447344084956881e-158, lrChi2: 770.9790280870297, lrP: 1.1012565662054875e-169,
        fisherP: 4.559773079198277e-169, fisherOneSided: 2.2798865395991386e-169, rd: 0.6, rdLow: 0.5633450486719392,
        rdHigh: 0.6334078390779417, oddsRatio: 16.0, orLow: 12.851468527351068, orHigh: 19.91990249636992,
        wilsonA: (0.7740810353518653, 0.8236229095568015), wilsonB: (0.17637709044319846, 0.2259189646481346),
        minExpected: 500.0),
    ProportionsRow(
        x1: 900, n1: 1000, x2: 300, n2: 1000, pearsonChi2: 750.0, pearsonP: 4.01237554141706e-165,
        yatesChi2: 747.5020833333333, yatesP: 1.401327976376845e-164, lrChi2: 820.1521171443424,
        lrP: 2.242309377110831e-180, fisherP: 1.0745653605983877e-179, fisherOneSided: 5.372826802991939e-180, rd: 0.6,
        rdLow: 0.5645838893248837, rdHigh: 0.632457194277793, oddsRatio: 21.0, orLow: 16.40506594493693,
        orHigh: 26.881940095833947, wilsonA: (0.8798480368046516, 0.9170905564069043),
        wilsonB: (0.27240684247700486, 0.3291238609172172), minExpected: 400.0),
    ProportionsRow(
        x1: 0, n1: 20, x2: 20, n2: 20, pearsonChi2: 40.0, pearsonP: 2.539628589470865e-10, yatesChi2: 36.1,
        yatesP: 1.874468450406542e-09, lrChi2: 55.451774444795625, lrP: 9.578020264451496e-14,
        fisherP: 1.4508889103849688e-11, fisherOneSided: 7.254444551924844e-12, rd: -1.0, rdLow: -1.0,
        rdHigh: -0.7721346162421943, oddsRatio: 0.000594883997620464, orLow: 1.12562377561689e-05,
        orHigh: 0.03143918761230492, wilsonA: (0.0, 0.16112515805281938), wilsonB: (0.8388748419471806, 1.0),
        minExpected: 10.0),
]

@Suite("The 2×2 proportions block agrees with R and mpmath")
struct ProportionsTests {
    @Test(arguments: proportionsRows)
    func everyStatisticMatchesReference(row: ProportionsRow) throws {
        let r = try ProportionsComparison(x1: row.x1, n1: row.n1, x2: row.x2, n2: row.n2)
        expectClose(r.pearsonChi2, row.pearsonChi2, "Pearson χ²")
        expectClose(r.pearsonP, row.pearsonP, "Pearson p")
        expectClose(r.yatesChi2, row.yatesChi2, "Yates χ²")
        expectClose(r.yatesP, row.yatesP, "Yates p")
        expectClose(r.likelihoodRatioChi2, row.lrChi2, "G")
        expectClose(r.likelihoodRatioP, row.lrP, "G p")
        expectClose(r.fisher.twoSidedP, row.fisherP, "Fisher two-sided")
        expectClose(r.fisher.oneSidedP, row.fisherOneSided, "Fisher one-sided")
        expectClose(r.riskDifference, row.rd, "risk difference")
        expectClose(r.riskDifferenceInterval.low, row.rdLow, "RD low")
        expectClose(r.riskDifferenceInterval.high, row.rdHigh, "RD high")
        expectClose(r.oddsRatio, row.oddsRatio, "odds ratio")
        expectClose(r.oddsRatioInterval.low, row.orLow, "OR low")
        expectClose(r.oddsRatioInterval.high, row.orHigh, "OR high")
        expectClose(r.wilsonA.low, row.wilsonA.0, "Wilson A low")
        expectClose(r.wilsonA.high, row.wilsonA.1, "Wilson A high")
        expectClose(r.wilsonB.low, row.wilsonB.0, "Wilson B low")
        expectClose(r.wilsonB.high, row.wilsonB.1, "Wilson B high")
        expectClose(r.minExpected, row.minExpected, "min expected")
    }

    /// The values printed in issue 5 for the published study (SciPy 1.17).
    @Test func publishedStudyTableMatchesTheIssue() throws {
        let r = try ProportionsComparison(x1: 229, n1: 233, x2: 221, n2: 233)
        expectClose(r.pearsonChi2, 4.142222222222222, "Pearson χ²")
        expectClose(r.pearsonP, 0.041826226914312495, "Pearson p")
        expectClose(r.yatesP, 0.07493869447484579, "Yates p")
        expectClose(r.fisher.twoSidedP, 0.07181361261050243, "Fisher p")
        #expect(r.cellsBelowFive == 0)
        #expect(r.headline.choice == .pearson)
        #expect(r.headline.isSignificant)
    }

    @Test func headlineFallsBackToFisherWhenAnExpectedCountIsBelowFive() throws {
        let staff = try ProportionsComparison(x1: 30, n1: 32, x2: 27, n2: 32)
        #expect(staff.cellsBelowFive == 2)
        #expect(staff.headline.choice == .fisher)
        expectClose(staff.headline.p, 0.42576641659720293, "headline p")
        #expect(staff.headline.rule(in: .en).contains("Fisher's exact test"))
        #expect(staff.headline.rule(in: .zh).contains("Fisher 确切概率法"))
    }

    @Test func yatesCorrectionVanishesWhenTheDeviationIsBelowOneHalf() throws {
        // |ad − bc| / N = 1/3 < 0.5, so R's correction min(0.5, |O − E|) removes the whole deviation.
        let r = try ProportionsComparison(x1: 1, n1: 2, x2: 0, n2: 1)
        #expect(r.yatesChi2 == 0)
        #expect(r.yatesP == 1)
    }

    @Test func noEventsInEitherGroupLeavesChiSquareUndefinedButFisherOne() throws {
        let r = try ProportionsComparison(x1: 0, n1: 10, x2: 0, n2: 12)
        #expect(r.pearsonChi2 == nil && r.yatesP == nil && r.likelihoodRatioP == nil)
        #expect(r.fisher.twoSidedP == 1)
        #expect(r.headline.choice == .fisher)
    }

    @Test(arguments: [(-1, 10, 2, 10), (11, 10, 2, 10), (1, 0, 2, 10), (1, 10, 3, 2)])
    func invalidCountsAreRejected(x1: Int, n1: Int, x2: Int, n2: Int) {
        #expect(throws: StatsError.self) { try ProportionsComparison(x1: x1, n1: n1, x2: x2, n2: n2) }
    }
}
