import Foundation

/// Ordinary least squares by Householder QR (as R's `lm`), for the small designs of the time-series models.
struct LeastSquares {
    /// The coefficients.
    let coefficients: [Double]
    /// y − Xβ.
    let residuals: [Double]
    /// (XᵀX)⁻¹ = R⁻¹R⁻ᵀ.
    let xtxInverse: [[Double]]

    /// Fits y on the columns of `rows` (n × p, n > p); nil when X is rank-deficient or the rows differ in length.
    init?(rows: [[Double]], y: [Double]) {
        let n = rows.count
        guard n > 0, let p = rows.first?.count, p > 0, n > p, y.count == n, rows.allSatisfy({ $0.count == p }) else {
            return nil
        }
        // Column-major copy of X (column j at j·n) and a copy of y, reduced in place; one flat buffer, because nested
        // arrays cost a uniqueness check and a bounds check per element in the inner loops.
        var a = [Double](repeating: 0, count: n * p)
        for i in 0..<n {
            for j in 0..<p { a[j * n + i] = rows[i][j] }
        }
        var qty = y
        var diagonal = [Double](repeating: 0, count: p)
        let fullRank = a.withUnsafeMutableBufferPointer { a in
            qty.withUnsafeMutableBufferPointer { qty in
                for k in 0..<p {
                    let ck = k * n
                    var norm = Self.norm(a, ck + k, ck + n)
                    guard norm > 0 else { return false }
                    if a[ck + k] > 0 { norm = -norm }
                    for i in k..<n { a[ck + i] /= -norm }
                    a[ck + k] += 1
                    for j in (k + 1)..<max(k + 1, p) {
                        let cj = j * n
                        var s = 0.0
                        for i in k..<n { s += a[ck + i] * a[cj + i] }
                        s = -s / a[ck + k]
                        for i in k..<n { a[cj + i] += s * a[ck + i] }
                    }
                    var s = 0.0
                    for i in k..<n { s += a[ck + i] * qty[i] }
                    s = -s / a[ck + k]
                    for i in k..<n { qty[i] += s * a[ck + i] }
                    diagonal[k] = norm
                }
                return true
            }
        }
        guard fullRank else { return nil }
        // R is upper triangular: R[i][j] = a[j][i] for i < j, R[k][k] = diagonal[k] (up to sign conventions).
        func r(_ i: Int, _ j: Int) -> Double { i == j ? diagonal[i] : a[j * n + i] }
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
        residuals = (0..<n).map { i in
            var fitted = 0.0
            for j in 0..<p { fitted += rows[i][j] * beta[j] }
            return y[i] - fitted
        }
        xtxInverse = xtx
    }

    /// The Euclidean norm of x[from..<to], scaled by the largest magnitude first so that no square overflows or
    /// underflows (LAPACK's dnrm2 idea, in two passes; a `hypot` per element costs several times more).
    private static func norm(_ x: UnsafeMutableBufferPointer<Double>, _ from: Int, _ to: Int) -> Double {
        var largest = 0.0
        for i in from..<to { largest = max(largest, abs(x[i])) }
        guard largest > 0, largest.isFinite else { return largest }
        var sum = 0.0
        for i in from..<to {
            let v = x[i] / largest
            sum += v * v
        }
        return largest * sum.squareRoot()
    }
}
