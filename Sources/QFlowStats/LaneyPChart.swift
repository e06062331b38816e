import Foundation

/// Laney's p′-chart: p-chart limits widened (or narrowed) by the between-subgroup variation that the binomial
/// model does not explain, so that very large subgroups do not make every point a signal.
///
/// zᵢ = (pᵢ − p̄)/σᵢ with σᵢ = √(p̄(1 − p̄)/nᵢ); σ_z = mean |zᵢ − zᵢ₋₁| / 1.128 (the average moving range, as
/// qicharts2's `chart = "pp"`); limits p̄ ± 3·σᵢ·σ_z clipped to [0, 1]. Laney, "Improved control charts for
/// attributes", Quality Engineering 14 (2002) 531–537. When p̄ is 0 or 1 every σᵢ is 0, σ_z is 0 and the limits
/// are p̄.
public struct LaneyPChart: Sendable, Equatable {
    /// Events per subgroup.
    public let events: [Int]
    /// Subgroup sizes.
    public let totals: [Int]
    /// The centre line p̄ = Σevents / Σtotals.
    public let center: Double
    /// The standardised residuals zᵢ (0 when σᵢ = 0).
    public let z: [Double]
    /// σ_z = MR̄ / 1.128.
    public let sigmaZ: Double
    /// Upper limit per subgroup.
    public let upperLimits: [Double]
    /// Lower limit per subgroup.
    public let lowerLimits: [Double]
    /// 0-based indices of subgroups strictly outside their limits.
    public let outOfControl: [Int]

    /// The plotted proportions.
    public var proportions: [Double] { zip(events, totals).map { Double($0) / Double($1) } }

    /// Builds the chart; throws `.invalidInput` as `PChart` does, and for fewer than 2 subgroups (σ_z needs a
    /// moving range).
    public init(events: [Int], totals: [Int]) throws(StatsError) {
        let p = try PChart.validatedCenter(events: events, totals: totals)
        guard events.count >= 2 else { throw .invalid("Laney's p′-chart needs at least 2 subgroups") }
        self.events = events
        self.totals = totals
        center = p
        // One pass for the z-scores and their moving range, one for the limits (σᵢ again, not kept in an array).
        let binomial = p * (1 - p)
        var zs = [Double](repeating: 0, count: events.count)
        var movingRange = 0.0
        for i in events.indices {
            let sigma = (binomial / Double(totals[i])).squareRoot()
            zs[i] = sigma > 0 ? (Double(events[i]) / Double(totals[i]) - p) / sigma : 0
            if i > 0 { movingRange += abs(zs[i] - zs[i - 1]) }
        }
        z = zs
        let sz = movingRange / Double(zs.count - 1) / 1.128
        sigmaZ = sz
        var upper = [Double](repeating: 0, count: events.count)
        var lower = [Double](repeating: 0, count: events.count)
        var out: [Int] = []
        for i in events.indices {
            let width = 3 * (binomial / Double(totals[i])).squareRoot() * sz
            upper[i] = min(1, p + width)
            lower[i] = max(0, p - width)
            let proportion = Double(events[i]) / Double(totals[i])
            if proportion > upper[i] || proportion < lower[i] { out.append(i) }
        }
        upperLimits = upper
        lowerLimits = lower
        outOfControl = out
    }
}
