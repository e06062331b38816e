import Foundation

/// The power of a two-sided comparison of two independent proportions, and the sample size for a target power.
///
/// - `power`: the normal approximation of R's `power.prop.test` (with `strict = FALSE`: the far rejection tail is
///   ignored), generalised to unequal groups: Φ((|p₁ − p₂| − z·√(p̄q̄(1/n₁ + 1/n₂))) / √(p₁q₁/n₁ + p₂q₂/n₂)),
///   p̄ = (n₁p₁ + n₂p₂)/(n₁ + n₂). With n₁ = n₂ = n it is exactly `power.prop.test(n, p1, p2)`.
/// - `arcsinePower`: Cohen's arcsine form, exactly `pwr::pwr.2p2n.test(h, n1, n2)` (both tails).
/// - `exactPower`: the exact probability that Pearson's χ² test (no continuity correction, the test the SPSS
///   block's headline uses when expected counts are ≥ 5) rejects at α, summed over every pair of binomial
///   outcomes (x₁, x₂) that has probability above about 1e-30.
///
/// ```swift
/// let study = try ProportionsPower(p1: 229.0 / 233, p2: 221.0 / 233, n1: 233, n2: 233)
/// study.power                    // 0.53…: the study had about a coin-flip's chance to detect its own difference
/// try ProportionsPower.sampleSize(p1: 229.0 / 233, p2: 221.0 / 233, power: 0.8).perGroup   // 440
/// ```
public struct ProportionsPower: Sendable, Equatable {
    /// The event probability in group A.
    public let p1: Double
    /// The event probability in group B.
    public let p2: Double
    /// The size of group A.
    public let n1: Int
    /// The size of group B.
    public let n2: Int
    /// The two-sided significance level.
    public let alpha: Double
    /// Power by the normal approximation (R `power.prop.test`, generalised to n₁ ≠ n₂).
    public let power: Double
    /// Power by Cohen's arcsine approximation (R `pwr.2p2n.test`).
    public let arcsinePower: Double
    /// The exact power of the uncorrected Pearson χ² test at α (computed on demand: it enumerates the outcomes).
    public var exactPower: Double {
        let z = Normal.upperQuantile(alpha / 2)
        return Self.exactPearsonPower(p1: p1, n1: n1, p2: p2, n2: n2, critical: z * z)
    }
    /// Cohen's h = 2·asin√p₁ − 2·asin√p₂.
    public let cohensH: Double

    /// A sample size found for a target power.
    public struct SampleSize: Sendable, Equatable {
        /// The (fractional) size per group at which the normal-approximation power equals the target, as
        /// `power.prop.test(p1, p2, power)$n`.
        public let n: Double
        /// The size per group to plan for: n rounded up.
        public let perGroup: Int
        /// The power at `perGroup` per group.
        public let achieved: ProportionsPower
    }

    /// Computes the three powers; throws `.invalidInput` for a probability outside [0, 1], a group smaller than
    /// 1, or α outside (0, 1).
    public init(p1: Double, p2: Double, n1: Int, n2: Int, alpha: Double = 0.05) throws(StatsError) {
        try Self.check(p1: p1, p2: p2, alpha: alpha)
        guard n1 >= 1, n2 >= 1 else {
            throw .invalid("power needs at least 1 subject per group (n1 = \(n1), n2 = \(n2))")
        }
        self.p1 = p1
        self.p2 = p2
        self.n1 = n1
        self.n2 = n2
        self.alpha = alpha
        let z = Normal.upperQuantile(alpha / 2)
        let (a, b) = (Double(n1), Double(n2))
        let pooled = (a * p1 + b * p2) / (a + b)
        let null = (pooled * (1 - pooled) * (1 / a + 1 / b)).squareRoot()
        let alternative = (p1 * (1 - p1) / a + p2 * (1 - p2) / b).squareRoot()
        let numerator = abs(p1 - p2) - z * null
        if alternative > 0 {
            power = Normal.cdf(numerator / alternative)
        } else {
            power = numerator > 0 ? 1 : 0
        }
        let h = 2 * asin(p1.squareRoot()) - 2 * asin(p2.squareRoot())
        cohensH = h
        let scale = (a * b / (a + b)).squareRoot()
        arcsinePower = Normal.survival(z - abs(h) * scale) + Normal.cdf(-z - abs(h) * scale)
    }

    /// The size per group for a target power by the normal approximation (the closed form that
    /// `power.prop.test` finds with `uniroot`); throws `.invalidInput` when p₁ = p₂, when both are 0 or 1, or when
    /// the power is not between α/2 and 1.
    public static func sampleSize(p1: Double, p2: Double, power: Double, alpha: Double = 0.05) throws(StatsError)
        -> SampleSize
    {
        try check(p1: p1, p2: p2, alpha: alpha)
        guard p1 != p2 else { throw .invalid("no sample size detects a difference of 0 (p1 = p2)") }
        guard power > alpha / 2, power < 1 else {
            throw .invalid("the target power must be between alpha/2 and 1 (got \(power))")
        }
        let za = Normal.upperQuantile(alpha / 2)
        let zb = Normal.quantile(power)
        let pbar = (p1 + p2) / 2
        let root =
            za * (2 * pbar * (1 - pbar)).squareRoot()
            + zb * (p1 * (1 - p1) + p2 * (1 - p2)).squareRoot()
        let n = root * root / ((p1 - p2) * (p1 - p2))
        guard n.isFinite, n < 1e9 else {
            throw .invalid("the sample size is too large to plan (more than 1e9 per group)")
        }
        let perGroup = max(1, Int(n.rounded(.up)))
        return SampleSize(
            n: n, perGroup: perGroup,
            achieved: try ProportionsPower(p1: p1, p2: p2, n1: perGroup, n2: perGroup, alpha: alpha))
    }

    static func check(p1: Double, p2: Double, alpha: Double) throws(StatsError) {
        for (name, p) in [("p1", p1), ("p2", p2)] where !(p >= 0 && p <= 1) {
            throw .invalid("\(name) must be a probability between 0 and 1 (got \(p))")
        }
        guard alpha > 0, alpha < 1 else { throw .invalid("alpha must be between 0 and 1 (got \(alpha))") }
    }

    /// Σ P(x₁)P(x₂) over the tables Pearson's χ² rejects (χ² > z²); tables with an empty column are never rejected.
    ///
    /// For each x₁ the accepted x₂ form an interval around x₁·n₂/n₁ (the score statistic is convex in p₂), which is
    /// found by walking outward; the rejected mass is a prefix plus a suffix sum of x₂'s probabilities.
    static func exactPearsonPower(p1: Double, n1: Int, p2: Double, n2: Int, critical: Double) -> Double {
        let pmf1 = BinomialMass(n: n1, p: p1)
        let pmf2 = BinomialMass(n: n2, p: p2)
        let (a, b) = (Double(n1), Double(n2))
        let total = a + b
        func accepts(_ x1: Int, _ x2: Int) -> Bool {
            let col1 = x1 + x2
            let col2 = n1 + n2 - col1
            if col1 == 0 || col2 == 0 { return true }
            let adbc = Double(x1) * Double(n2 - x2) - Double(n1 - x1) * Double(x2)
            let chi2 = total * adbc * adbc / (a * b * Double(col1) * Double(col2))
            return chi2 <= critical
        }
        var power = 0.0
        for x1 in pmf1.range {
            let w = pmf1[x1]
            if w == 0 { continue }
            var centre = Int((Double(x1) * b / a).rounded())
            centre = min(max(centre, 0), n2)
            guard accepts(x1, centre) else {
                power += w * pmf2.total
                continue
            }
            var lo = centre
            while lo > 0 && accepts(x1, lo - 1) { lo -= 1 }
            var hi = centre
            while hi < n2 && accepts(x1, hi + 1) { hi += 1 }
            power += w * (pmf2.below(lo) + pmf2.above(hi))
        }
        return min(1, power)
    }
}

/// The probabilities of a binomial distribution over the range that carries all but about 1e-30 of its mass,
/// with prefix and suffix sums for tail masses.
struct BinomialMass {
    let n: Int
    let range: ClosedRange<Int>
    private let mass: [Double]
    private let prefix: [Double]
    private let suffix: [Double]

    init(n: Int, p: Double) {
        self.n = n
        let mean = Double(n) * p
        let sd = (Double(n) * p * (1 - p)).squareRoot()
        let low = max(0, Int((mean - 12 * sd - 12).rounded(.down)))
        let high = min(n, Int((mean + 12 * sd + 12).rounded(.up)))
        range = low...high
        mass = range.map { exp(Binomial.logProbability($0, trials: n, probability: p)) }
        var running = 0.0
        prefix =
            [0]
            + mass.map {
                running += $0
                return running
            }
        running = 0
        suffix =
            (mass.reversed().map {
                running += $0
                return running
            }).reversed() + [0]
    }

    /// P(X = x).
    subscript(x: Int) -> Double { range.contains(x) ? mass[x - range.lowerBound] : 0 }
    /// The mass held (≈ 1).
    var total: Double { prefix[prefix.count - 1] }
    /// P(X < x).
    func below(_ x: Int) -> Double {
        let i = min(max(x - range.lowerBound, 0), mass.count)
        return prefix[i]
    }
    /// P(X > x).
    func above(_ x: Int) -> Double {
        let i = min(max(x - range.lowerBound + 1, 0), mass.count)
        return suffix[i]
    }
}
