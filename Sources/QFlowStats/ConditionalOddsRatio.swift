import Foundation

/// The conditional maximum-likelihood odds ratio of a 2×2 table and its exact interval, as R's `fisher.test`
/// `estimate` and `conf.int`: X = a given the margins follows Fisher's noncentral hypergeometric distribution
/// with odds ratio ψ; the estimate solves E[X; ψ] = a, the limits P(X ≥ a; ψ_L) = α/2 and P(X ≤ a; ψ_U) = α/2.
///
/// R finds the roots with `uniroot` at its default tolerance (about 1e-4); here Brent's method on log ψ runs to
/// full precision. The estimate is 0 (∞) when a is the smallest (largest) value the margins allow; a limit that is
/// infinite is `nil`.
public struct ConditionalOddsRatio: Sendable, Equatable {
    /// The conditional MLE of the odds ratio (∞ when a is at the top of its range).
    public let estimate: Double
    /// The exact lower limit (0 when a is at the bottom of its range).
    public let low: Double
    /// The exact upper limit, nil when infinite.
    public let high: Double?

    /// Computes the estimate and the 95% (or `confidence`) interval for [[a, b], [c, d]]; throws `.invalidInput`
    /// for a negative count or a table with an empty row or column (the odds ratio is then undefined).
    public init(a: Int, b: Int, c: Int, d: Int, confidence: Double = 0.95) throws(StatsError) {
        guard a >= 0, b >= 0, c >= 0, d >= 0 else { throw .invalid("the 2×2 table has a negative count") }
        guard a + b > 0, c + d > 0, a + c > 0, b + d > 0 else {
            throw .invalid("the conditional odds ratio needs no empty row or column")
        }
        let m = a + c
        let n = b + d
        let k = a + b
        let lo = max(0, k - n)
        let hi = min(k, m)
        let support = Array(lo...hi)
        let logBase = support.map { Hypergeometric.logProbability($0, marked: m, unmarked: n, draws: k) }
        // Log-weights at log ψ = θ, normalised by their maximum.
        func weights(_ theta: Double) -> [Double] {
            let logs = zip(support, logBase).map { $1 + theta * Double($0) }
            let top = logs.max() ?? 0
            return logs.map { exp($0 - top) }
        }
        func mean(_ theta: Double) -> Double {
            let w = weights(theta)
            let total = w.reduce(0, +)
            return zip(support, w).reduce(0) { $0 + Double($1.0) * $1.1 } / total
        }
        func upperTail(_ theta: Double) -> Double {  // P(X ≥ a)
            let w = weights(theta)
            let total = w.reduce(0, +)
            return zip(support, w).filter { $0.0 >= a }.reduce(0) { $0 + $1.1 } / total
        }
        func lowerTail(_ theta: Double) -> Double {  // P(X ≤ a)
            let w = weights(theta)
            let total = w.reduce(0, +)
            return zip(support, w).filter { $0.0 <= a }.reduce(0) { $0 + $1.1 } / total
        }
        func solve(_ f: (Double) -> Double) -> Double? {
            // f is increasing in θ; widen the bracket until it changes sign.
            var span = 2.0
            while span < 1500 {
                if f(-span) < 0 && f(span) > 0 { return RootFinding.brent(-span, span, tolerance: 1e-14, f) }
                span *= 2
            }
            return nil
        }
        let alpha = (1 - confidence) / 2
        if a == lo {
            estimate = 0
        } else if a == hi {
            estimate = .infinity
        } else {
            estimate = solve { mean($0) - Double(a) }.map(exp) ?? .nan
        }
        low = a == lo ? 0 : (solve { upperTail($0) - alpha }.map(exp) ?? 0)
        high = a == hi ? nil : solve { alpha - lowerTail($0) }.map(exp)
    }
}
