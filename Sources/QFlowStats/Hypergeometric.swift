import Foundation

/// The hypergeometric distribution in log space (R's dhyper through Loader's binomial form).
///
/// X is the number of marked items in a draw of `draws` from `marked + unmarked` items.
public enum Hypergeometric {
    /// log P(X = x).
    public static func logProbability(_ x: Int, marked r: Int, unmarked b: Int, draws n: Int) -> Double {
        if x < 0 || x > r || n - x < 0 || n - x > b { return -.infinity }
        if n == 0 { return x == 0 ? 0 : -.infinity }
        let total = Double(r + b)
        let p = Double(n) / total
        let q = Double(r + b - n) / total
        let p1 = Saddlepoint.logBinomialRaw(Double(x), Double(r), p, q)
        let p2 = Saddlepoint.logBinomialRaw(Double(n - x), Double(b), p, q)
        let p3 = Saddlepoint.logBinomialRaw(Double(n), total, p, q)
        return p1 + p2 - p3
    }
}
