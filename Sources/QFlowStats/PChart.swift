/// A p-chart (proportion defective / compliant per subgroup) with stepped 3-sigma limits.
///
/// Centre p̄ = Σevents / Σtotals (pooled, not the mean of the pᵢ); limits p̄ ± 3·√(p̄(1 − p̄)/nᵢ) clipped to
/// [0, 1]; a subgroup is out of control when its pᵢ is strictly outside its own limits.
public struct PChart: Sendable, Equatable {
    /// Events per subgroup.
    public let events: [Int]
    /// Subgroup sizes.
    public let totals: [Int]
    /// The centre line p̄.
    public let center: Double
    /// Upper control limit per subgroup.
    public let upperLimits: [Double]
    /// Lower control limit per subgroup.
    public let lowerLimits: [Double]
    /// 0-based indices of subgroups strictly outside their limits.
    public let outOfControl: [Int]

    /// The plotted proportions pᵢ = eventsᵢ / totalsᵢ.
    public var proportions: [Double] { zip(events, totals).map { Double($0) / Double($1) } }

    /// Builds the chart; throws `.invalidInput` for empty or mismatched arrays, a total ≤ 0, a negative count,
    /// or events greater than the total.
    public init(events: [Int], totals: [Int]) throws(StatsError) {
        let center = try Self.validatedCenter(events: events, totals: totals)
        self.events = events
        self.totals = totals
        self.center = center
        var ucl: [Double] = []
        var lcl: [Double] = []
        var out: [Int] = []
        for i in events.indices {
            let sigma = (center * (1 - center) / Double(totals[i])).squareRoot()
            let upper = min(1, center + 3 * sigma)
            let lower = max(0, center - 3 * sigma)
            ucl.append(upper)
            lcl.append(lower)
            let p = Double(events[i]) / Double(totals[i])
            if p > upper || p < lower { out.append(i) }
        }
        upperLimits = ucl
        lowerLimits = lcl
        outOfControl = out
    }

    /// Checks the counts as ``init(events:totals:)`` does and returns the centre line Σx / Σn, without the limits.
    static func validatedCenter(events: [Int], totals: [Int]) throws(StatsError) -> Double {
        guard !events.isEmpty else { throw .invalid("the p-chart needs at least one subgroup") }
        guard events.count == totals.count else {
            throw .invalid("events has \(events.count) values but totals has \(totals.count)")
        }
        var x = 0
        var n = 0
        for i in events.indices {
            guard totals[i] > 0 else { throw .invalid("subgroup \(i) has total \(totals[i]); it must be at least 1") }
            guard events[i] >= 0 else { throw .invalid("subgroup \(i) has a negative event count (\(events[i]))") }
            guard events[i] <= totals[i] else {
                throw .invalid("subgroup \(i) has \(events[i]) events but a total of \(totals[i])")
            }
            x += events[i]
            n += totals[i]
        }
        return Double(x) / Double(n)
    }
}
