import Foundation

/// Fisher's exact test for a 2×2 table [[a, b], [c, d]], conditional on the margins (X = a is hypergeometric).
///
/// The two-sided p-value is R's `fisher.test`: the sum of P(X = x) over every table with P(X = x) ≤
/// P(X = a)·(1 + 1e-7), the comparison done on log-probabilities (so mirror tables of equal probability count).
/// Tail sums start from log-space anchors and use exact term ratios, so p-values stay accurate below 1e-300.
public struct FisherExactTest: Sendable, Equatable {
    /// The two-sided p-value (R `fisher.test`, alternative = "two.sided"), at most 1.
    public let twoSidedP: Double
    /// P(X ≤ a): the one-sided p-value for a negative association (R alternative = "less").
    public let lessP: Double
    /// P(X ≥ a): the one-sided p-value for a positive association (R alternative = "greater").
    public let greaterP: Double

    /// The one-sided p-value SPSS prints: the tail in the direction of the observed difference, min(less, greater).
    public var oneSidedP: Double { min(lessP, greaterP) }

    /// Runs the test on the cells of [[a, b], [c, d]] (all ≥ 0).
    public init(a: Int, b: Int, c: Int, d: Int) {
        precondition(a >= 0 && b >= 0 && c >= 0 && d >= 0, "Fisher's exact test needs non-negative counts")
        let dist = Distribution(row1: a + b, col1: a + c, total: a + b + c + d)
        let logObserved = dist.logP(a)
        let threshold = logObserved + log1p(1e-7)
        var p = 0.0
        if a <= dist.mode {
            p += dist.lowerTail(a)
            // Right side: first x > a, x ≥ mode, whose probability is within the threshold.
            if let j = dist.firstAtOrBelow(threshold, from: max(dist.mode, a + 1), to: dist.hi, decreasing: true) {
                p += dist.upperTail(j)
            }
        } else {
            p += dist.upperTail(a)
            if let j = dist.firstAtOrBelow(threshold, from: min(dist.mode, a - 1), to: dist.lo, decreasing: false) {
                p += dist.lowerTail(j)
            }
        }
        twoSidedP = min(1, p)
        lessP = a <= dist.mode ? min(1, dist.lowerTail(a)) : max(0, 1 - dist.upperTail(a + 1))
        greaterP = a >= dist.mode ? min(1, dist.upperTail(a)) : max(0, 1 - dist.lowerTail(a - 1))
    }

    /// The hypergeometric law of the top-left cell given the margins.
    struct Distribution {
        let row1: Int
        let col1: Int
        let total: Int
        let lo: Int
        let hi: Int
        let mode: Int

        init(row1: Int, col1: Int, total: Int) {
            self.row1 = row1
            self.col1 = col1
            self.total = total
            lo = max(0, row1 + col1 - total)
            hi = min(row1, col1)
            let m = Int((Double(row1 + 1) * Double(col1 + 1) / Double(total + 2)).rounded(.down))
            mode = min(max(m, lo), hi)
        }

        func logP(_ x: Int) -> Double {
            Hypergeometric.logProbability(x, marked: col1, unmarked: total - col1, draws: row1)
        }

        /// P(X ≤ k) for k ≤ mode: anchored at log P(k), summed downward with P(x−1)/P(x) ≤ 1.
        func lowerTail(_ k: Int) -> Double {
            if k < lo { return 0 }
            var sum = 1.0
            var term = 1.0
            var x = k
            let d0 = total - row1 - col1
            while x > lo {
                term *= Double(x) * Double(d0 + x) / (Double(row1 - x + 1) * Double(col1 - x + 1))
                sum += term
                if term < sum * 1e-17 { break }
                x -= 1
            }
            return exp(logP(k) + log(sum))
        }

        /// P(X ≥ k) for k ≥ mode: anchored at log P(k), summed upward with P(x+1)/P(x) ≤ 1.
        func upperTail(_ k: Int) -> Double {
            if k > hi { return 0 }
            var sum = 1.0
            var term = 1.0
            var x = k
            let d0 = total - row1 - col1
            while x < hi {
                term *= Double(row1 - x) * Double(col1 - x) / (Double(x + 1) * Double(d0 + x + 1))
                sum += term
                if term < sum * 1e-17 { break }
                x += 1
            }
            return exp(logP(k) + log(sum))
        }

        /// On a monotone stretch [from … to] of the log-probability (decreasing in the direction of travel),
        /// the first x whose log-probability is ≤ threshold, by bisection; nil if none.
        func firstAtOrBelow(_ threshold: Double, from start: Int, to end: Int, decreasing: Bool) -> Int? {
            if decreasing ? start > end : start < end { return nil }
            if logP(end) > threshold { return nil }
            if logP(start) <= threshold { return start }
            // Invariant: logP(good) ≤ threshold, logP(bad) > threshold.
            var bad = start
            var good = end
            while abs(good - bad) > 1 {
                let mid = (good + bad) / 2
                if logP(mid) <= threshold { good = mid } else { bad = mid }
            }
            return good
        }
    }
}
