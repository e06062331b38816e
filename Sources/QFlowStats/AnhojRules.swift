import Foundation

/// The Anhøj run-chart rules (Anhøj & Olesen, PLoS ONE 2014), with the limits that depend on the number of
/// useful points, as R's qicharts2: points on the centre line are dropped; a signal is an **unusually long run**
/// (longest run on one side > round(log₂ n) + 3) or **unusually few crossings** (crossings <
/// `qbinom(0.05, n − 1, 0.5)`), n being the number of useful points.
///
/// ```swift
/// let r = AnhojRules(values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], centre: 5.5)
/// r.longestRun   // 5, limit 6: no run signal; crossings 1 < 2: a crossings signal
/// ```
public struct AnhojRules: Sendable, Equatable {
    /// The centre line the runs are counted about (the median on a run chart, p̄ on a p-chart).
    public let centre: Double
    /// Points not on the centre line.
    public let usefulPoints: Int
    /// The longest run of useful points on one side of the centre.
    public let longestRun: Int
    /// The largest longest run that is not a signal: round(log₂ n) + 3 (0 when n = 0).
    public let longestRunLimit: Int
    /// How many times consecutive useful points change side.
    public let crossings: Int
    /// The fewest crossings that are not a signal: the 5% quantile of Binomial(n − 1, ½).
    public let crossingsLimit: Int

    /// Whether the longest run exceeds its limit.
    public var longRunSignal: Bool { longestRun > longestRunLimit }
    /// Whether there are fewer crossings than the limit.
    public var fewCrossingsSignal: Bool { crossings < crossingsLimit }
    /// Whether either rule signals non-random variation.
    public var signal: Bool { longRunSignal || fewCrossingsSignal }

    /// Applies the rules to a series (non-finite values are treated as missing, as R's NA).
    public init(values: [Double], centre: Double) {
        self.centre = centre
        // One pass over the useful points (finite, off the centre line): no array of sides.
        var useful = 0
        var previous = 0
        var longest = 0
        var current = 0
        var crossings = 0
        for v in values where v.isFinite && v != centre {
            let side = v > centre ? 1 : -1
            if useful > 0 && side != previous {
                crossings += 1
                current = 1
            } else {
                current += 1
            }
            longest = max(longest, current)
            previous = side
            useful += 1
        }
        usefulPoints = useful
        longestRun = longest
        self.crossings = crossings
        let n = useful
        longestRunLimit = n == 0 ? 0 : Int(log2(Double(n)).rounded(.toNearestOrEven)) + 3
        crossingsLimit = Self.binomialHalfQuantile(0.05, trials: max(0, n - 1))
    }

    /// The smallest k with P(X ≤ k) ≥ q for X ~ Binomial(trials, ½), q ≤ ½ (R `qbinom(q, trials, 0.5)`).
    static func binomialHalfQuantile(_ q: Double, trials: Int) -> Int {
        let level = q * (1 - 64 * Double.ulpOfOne)
        if trials <= 1000 {
            // P(X = 0) = 2⁻ⁿ is a normal double up to n = 1,022; the cumulative sum is exact to a few ulps, well
            // inside the 64-ulp allowance the log-space sum below has always had.
            var probability = pow(0.5, Double(trials))
            var cumulative = probability
            var k = 0
            while k < trials && cumulative < level {
                probability *= Double(trials - k) / Double(k + 1)
                k += 1
                cumulative += probability
            }
            return k
        }
        var k = 0
        while k < trials && Binomial.lowerTailHalf(k, trials: trials) < level { k += 1 }
        return k
    }
}

extension RunChart {
    /// The Anhøj rules about this chart's median.
    public var anhoj: AnhojRules { AnhojRules(values: values, centre: median) }
}
