import Foundation

/// Segmented regression for an interrupted time series of monthly proportions: level and slope before and after
/// an intervention, with Newey–West standard errors and tests for autocorrelation.
///
/// Model (identity scale, so effects are in proportion units — multiply by 100 for percentage points), fitted by
/// ordinary least squares on the monthly proportions pₜ = xₜ/nₜ, one point per month, unweighted:
///
///     pₜ = β₀ + β₁·t + β₂·Dₜ + β₃·(t − t₀)·Dₜ + εₜ
///
/// t is the month number (gaps allowed), Dₜ = 1 from the intervention month t₀ on. β₂ is the **level change** at
/// t₀ and β₃ the **slope change** per month (Wagner et al., J Clin Pharm Ther 2002). Standard errors are
/// Newey–West (Bartlett kernel, lag L = ⌊4·(T/100)^(2/9)⌋, no prewhitening, no small-sample adjustment: R's
/// `sandwich::NeweyWest(fit, lag = L, prewhite = FALSE, adjust = FALSE)`); tests and 95% intervals use t with
/// T − 4 degrees of freedom (`lmtest::coeftest` / `coefci`). Autocorrelation: Durbin–Watson statistic, lag-1
/// residual autocorrelation and the Breusch–Godfrey LM test of order L (`lmtest::bgtest(fit, order = L)`:
/// T·R² of the residuals on X and L lagged residuals, missing lags set to 0, χ²(L)).
public struct InterruptedTimeSeries: Sendable, Equatable {
    /// One coefficient with its ordinary and Newey–West standard errors.
    public struct Coefficient: Sendable, Equatable {
        /// The estimate.
        public let estimate: Double
        /// The ordinary least-squares standard error.
        public let olsStandardError: Double
        /// The Newey–West standard error (used for t, p and the interval).
        public let standardError: Double
        /// estimate / standardError.
        public let t: Double?
        /// Two-sided p-value, t with T − 4 degrees of freedom.
        public let p: Double?
        /// 95% interval: estimate ± t(0.975; T − 4)·SE.
        public let interval: ConfidenceInterval
    }

    /// The Breusch–Godfrey test.
    public struct BreuschGodfrey: Sendable, Equatable {
        /// T·R² of the auxiliary regression.
        public let statistic: Double
        /// Its degrees of freedom (the order L).
        public let degreesOfFreedom: Int
        /// P(χ²(L) > statistic).
        public let p: Double
    }

    /// Month numbers.
    public let times: [Double]
    /// Monthly proportions.
    public let values: [Double]
    /// Index of the first month after the intervention.
    public let intervention: Int
    /// β₀: the level at t = 0.
    public let baseline: Coefficient
    /// β₁: the slope before the intervention, per month.
    public let preSlope: Coefficient
    /// β₂: the level change at the intervention.
    public let levelChange: Coefficient
    /// β₃: the change of slope per month.
    public let slopeChange: Coefficient
    /// β₁ + β₃: the slope after the intervention.
    public let postSlope: Coefficient
    /// The fitted values.
    public let fitted: [Double]
    /// The counterfactual: the pre-intervention line extended over every month.
    public let counterfactual: [Double]
    /// T − 4.
    public let residualDegreesOfFreedom: Int
    /// The Newey–West lag L.
    public let lag: Int
    /// Σ(eₜ − eₜ₋₁)² / Σeₜ² (≈ 2 without autocorrelation).
    public let durbinWatson: Double?
    /// Σeₜeₜ₋₁ / Σeₜ².
    public let lagOneAutocorrelation: Double?
    /// The Breusch–Godfrey test of order L, nil when there are too few months for the auxiliary regression.
    public let breuschGodfrey: BreuschGodfrey?

    /// The fewest months needed on each side of the intervention.
    public static let minimumPerSegment = 3

    /// Fits monthly counts; throws `.invalidInput` for mismatched or empty arrays, a month with total ≤ 0, events
    /// outside [0, total], month numbers not strictly increasing, or fewer than 3 months on either side.
    public init(events: [Int], totals: [Int], times: [Int]? = nil, intervention: Int) throws(StatsError) {
        guard events.count == totals.count else {
            throw .invalid("events has \(events.count) values but totals has \(totals.count)")
        }
        for i in events.indices {
            guard totals[i] > 0 else { throw .invalid("month \(i) has total \(totals[i]); it must be at least 1") }
            guard events[i] >= 0, events[i] <= totals[i] else {
                throw .invalid("month \(i) has \(events[i]) events out of \(totals[i])")
            }
        }
        let values = zip(events, totals).map { Double($0) / Double($1) }
        try self.init(values: values, times: times.map { $0.map(Double.init) }, intervention: intervention)
    }

    /// Fits a series of proportions (or any monthly values) directly.
    public init(values: [Double], times: [Double]? = nil, intervention: Int) throws(StatsError) {
        let k = Self.minimumPerSegment
        guard values.allSatisfy(\.isFinite) else { throw .invalid("the series has a non-finite value") }
        guard intervention >= k, values.count - intervention >= k else {
            throw .invalid(
                "an interrupted time series needs at least \(k) months before and \(k) after the intervention "
                    + "(got \(max(0, min(intervention, values.count))) before "
                    + "and \(max(0, values.count - intervention)) after)"
            )
        }
        let t = times ?? values.indices.map(Double.init)
        guard t.count == values.count else {
            throw .invalid("times has \(t.count) values but the series has \(values.count)")
        }
        for i in 1..<t.count where !(t[i] > t[i - 1]) {
            throw .invalid("month numbers must increase strictly (month \(i))")
        }
        self.times = t
        self.values = values
        self.intervention = intervention
        let t0 = t[intervention]
        let rows = t.indices.map { i -> [Double] in
            let post = i >= intervention ? 1.0 : 0
            return [1, t[i], post, post * (t[i] - t0)]
        }
        guard let fit = LeastSquares(rows: rows, y: values) else {
            throw .invalid("the segmented regression cannot be fitted (the design is singular)")
        }
        let n = values.count
        let df = n - 4
        residualDegreesOfFreedom = df
        // Residuals within rounding of the data (a series the four lines fit exactly, e.g. a flat one) are zero: no
        // autocorrelation statistic or standard error is computed from rounding noise.
        let scale = values.reduce(0) { max($0, abs($1)) }
        let noise = 64 * Double.ulpOfOne * scale
        let e = fit.residuals.allSatisfy { abs($0) <= noise } ? [Double](repeating: 0, count: n) : fit.residuals
        let lag = Int((4 * pow(Double(n) / 100, 2.0 / 9)).rounded(.down))
        self.lag = lag
        // Newey–West: (XᵀX)⁻¹ S (XᵀX)⁻¹, S = Σ w_l Σ (u_t u_{t−l}ᵀ + u_{t−l} u_tᵀ), u_t = x_t e_t, w_l = 1 − l/(L+1).
        // u row-major, 4 per month, and the meat as 16 flat values: nested arrays would cost a uniqueness and a
        // bounds check per element of this n·(L+1)·16 loop.
        var u = [Double](repeating: 0, count: 4 * n)
        for i in 0..<n {
            for c in 0..<4 { u[4 * i + c] = rows[i][c] * e[i] }
        }
        var flatMeat = [Double](repeating: 0, count: 16)
        for l in 0...lag {
            let w = l == 0 ? 1 : 1 - Double(l) / Double(lag + 1)
            for i in l..<n {
                let now = 4 * i
                let then = 4 * (i - l)
                for a in 0..<4 {
                    for b in 0..<4 {
                        let term = u[now + a] * u[then + b]
                        flatMeat[4 * a + b] += l == 0 ? term : w * (term + u[then + a] * u[now + b])
                    }
                }
            }
        }
        let meat = (0..<4).map { a in Array(flatMeat[(4 * a)..<(4 * a + 4)]) }
        let bread = fit.xtxInverse
        func product(_ x: [[Double]], _ y: [[Double]]) -> [[Double]] {
            (0..<4).map { i in (0..<4).map { j in (0..<4).reduce(0) { $0 + x[i][$1] * y[$1][j] } } }
        }
        let hac = product(product(bread, meat), bread)
        let rss = e.reduce(0) { $0 + $1 * $1 }
        let sigma2 = rss / Double(df)
        let q = StudentT.upperQuantile(0.025, degreesOfFreedom: Double(df))
        func coefficient(_ weights: [Double]) -> Coefficient {
            let estimate = zip(weights, fit.coefficients).reduce(0) { $0 + $1.0 * $1.1 }
            var v = 0.0
            var vOLS = 0.0
            for i in 0..<4 {
                for j in 0..<4 {
                    v += weights[i] * weights[j] * hac[i][j]
                    vOLS += weights[i] * weights[j] * bread[i][j]
                }
            }
            let se = max(0, v).squareRoot()
            let tValue = se > 0 ? estimate / se : nil
            return Coefficient(
                estimate: estimate, olsStandardError: (max(0, vOLS) * sigma2).squareRoot(), standardError: se,
                t: tValue, p: tValue.map { StudentT.twoSidedP($0, degreesOfFreedom: Double(df)) },
                interval: ConfidenceInterval(low: estimate - q * se, high: estimate + q * se))
        }
        baseline = coefficient([1, 0, 0, 0])
        preSlope = coefficient([0, 1, 0, 0])
        levelChange = coefficient([0, 0, 1, 0])
        slopeChange = coefficient([0, 0, 0, 1])
        postSlope = coefficient([0, 1, 0, 1])
        let beta = fit.coefficients
        fitted = rows.map { zip($0, beta).reduce(0) { $0 + $1.0 * $1.1 } }
        counterfactual = t.map { beta[0] + beta[1] * $0 }
        if rss > 0 {
            var dw = 0.0
            var ac = 0.0
            for i in 1..<n {
                dw += (e[i] - e[i - 1]) * (e[i] - e[i - 1])
                ac += e[i] * e[i - 1]
            }
            durbinWatson = dw / rss
            lagOneAutocorrelation = ac / rss
        } else {
            durbinWatson = nil
            lagOneAutocorrelation = nil
        }
        // Breusch–Godfrey: e on X and e_{t−1…t−L} (0 where the lag is missing); LM = T·R².
        let order = max(1, lag)
        if rss > 0, n > 4 + order {
            let auxRows = rows.indices.map { i in rows[i] + (1...order).map { i - $0 >= 0 ? e[i - $0] : 0 } }
            if let aux = LeastSquares(rows: auxRows, y: e) {
                let mean = e.reduce(0, +) / Double(n)
                let sst = e.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
                let ssr = aux.residuals.reduce(0) { $0 + $1 * $1 }
                let lm = Double(n) * (1 - ssr / sst)
                breuschGodfrey = BreuschGodfrey(
                    statistic: lm, degreesOfFreedom: order,
                    p: ChiSquareDistribution.survival(lm, degreesOfFreedom: Double(order)))
            } else {
                breuschGodfrey = nil
            }
        } else {
            breuschGodfrey = nil
        }
    }
}
