import Foundation

/// Binomial probabilities in log space (Loader's saddle-point form, as in R's dbinom).
public enum Binomial {
    /// log P(X = x) for X ~ Binomial(n, p).
    public static func logProbability(_ x: Int, trials n: Int, probability p: Double) -> Double {
        if x < 0 || x > n { return -.infinity }
        return Saddlepoint.logBinomialRaw(Double(x), Double(n), p, 1 - p)
    }

    /// P(X ≤ k) for X ~ Binomial(n, ½) with k ≤ n/2, summed downward from k in log space (no underflow to 0
    /// while the true value is representable).
    public static func lowerTailHalf(_ k: Int, trials n: Int) -> Double {
        if k < 0 { return 0 }
        if k >= n { return 1 }
        let logTop = logProbability(k, trials: n, probability: 0.5)
        // Terms relative to P(X = k): P(x−1)/P(x) = x / (n − x + 1).
        var sum = 1.0
        var term = 1.0
        var x = k
        while x > 0 {
            term *= Double(x) / Double(n - x + 1)
            sum += term
            if term < sum * 1e-17 { break }
            x -= 1
        }
        return exp(logTop + log(sum))
    }
}
