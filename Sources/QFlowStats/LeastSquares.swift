import Foundation

/// Ordinary least squares by Householder QR (as R's `lm`), for the small designs of the time-series models.
struct LeastSquares {
    /// The coefficients.
    let coefficients: [Double]
    /// y − Xβ.
    let residuals: [Double]
    /// (XᵀX)⁻¹ = R⁻¹R⁻ᵀ.
    let xtxInverse: [[Double]]

    /// Fits y on the columns of `rows` (n × p, n > p); nil when X is rank-deficient.
    init?(rows: [[Double]], y: [Double]) {
        let n = rows.count
        guard n > 0, let p = rows.first?.count, n > p, y.count == n else { return nil }
        // Column-major copy of X and a copy of y, reduced in place.
        var a = (0..<p).map { j in rows.map { $0[j] } }
        var qty = y
        var diagonal = [Double](repeating: 0, count: p)
        for k in 0..<p {
            var norm = 0.0
            for i in k..<n { norm = hypot(norm, a[k][i]) }
            guard norm > 0 else { return nil }
            if a[k][k] > 0 { norm = -norm }
            for i in k..<n { a[k][i] /= -norm }
            a[k][k] += 1
            for j in (k + 1)..<max(k + 1, p) {
                var s = 0.0
                for i in k..<n { s += a[k][i] * a[j][i] }
                s = -s / a[k][k]
                for i in k..<n { a[j][i] += s * a[k][i] }
            }
            var s = 0.0
            for i in k..<n { s += a[k][i] * qty[i] }
            s = -s / a[k][k]
            for i in k..<n { qty[i] += s * a[k][i] }
            diagonal[k] = norm
        }
        // R is upper triangular: R[i][j] = a[j][i] for i < j, R[k][k] = diagonal[k] (up to sign conventions).
        func r(_ i: Int, _ j: Int) -> Double { i == j ? diagonal[i] : a[j][i] }
        let scale = diagonal.map(abs).max() ?? 0
        guard diagonal.allSatisfy({ abs($0) > 1e-12 * scale }) else { return nil }
        var beta = [Double](repeating: 0, count: p)
        for i in stride(from: p - 1, through: 0, by: -1) {
            var s = qty[i]
            for j in (i + 1)..<max(i + 1, p) { s -= r(i, j) * beta[j] }
            beta[i] = s / r(i, i)
        }
        // R⁻¹ by back substitution, then (XᵀX)⁻¹ = R⁻¹ R⁻ᵀ.
        var inv = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
        for j in 0..<p {
            inv[j][j] = 1 / r(j, j)
            for i in stride(from: j - 1, through: 0, by: -1) {
                var s = 0.0
                for k in (i + 1)...j { s += r(i, k) * inv[k][j] }
                inv[i][j] = -s / r(i, i)
            }
        }
        var xtx = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
        for i in 0..<p {
            for j in 0..<p {
                var s = 0.0
                for k in max(i, j)..<p { s += inv[i][k] * inv[j][k] }
                xtx[i][j] = s
            }
        }
        coefficients = beta
        residuals = (0..<n).map { i in y[i] - zip(rows[i], beta).reduce(0) { $0 + $1.0 * $1.1 } }
        xtxInverse = xtx
    }
}
