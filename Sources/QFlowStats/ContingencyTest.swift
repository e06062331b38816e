import Foundation

/// Pearson's χ² test of independence for an r×c table of counts (no continuity correction), with Cramér's V.
public struct ContingencyTest: Sendable, Equatable {
    /// The observed counts.
    public let table: [[Int]]
    /// Pearson χ².
    public let chi2: Double
    /// Degrees of freedom, (r − 1)(c − 1).
    public let degreesOfFreedom: Int
    /// p-value, P(χ²(df) ≥ chi2).
    public let p: Double
    /// Cramér's V = √(χ² / (N·(min(r, c) − 1))).
    public let cramersV: Double
    /// The smallest expected count.
    public let minExpected: Double

    /// Runs the test; throws `.invalidInput` for fewer than 2 rows or columns, ragged rows, negative counts,
    /// or an all-zero row or column.
    public init(table: [[Int]]) throws(StatsError) {
        guard table.count >= 2 else { throw .invalid("the table needs at least 2 rows (got \(table.count))") }
        let columns = table[0].count
        guard columns >= 2 else { throw .invalid("the table needs at least 2 columns (got \(columns))") }
        for (i, row) in table.enumerated() {
            guard row.count == columns else {
                throw .invalid("row \(i) has \(row.count) cells but row 0 has \(columns)")
            }
            if let negative = row.first(where: { $0 < 0 }) {
                throw .invalid("row \(i) has a negative count (\(negative))")
            }
        }
        let rowTotals = table.map { $0.reduce(0, +) }
        let columnTotals = (0..<columns).map { j in table.reduce(0) { $0 + $1[j] } }
        if let i = rowTotals.firstIndex(of: 0) { throw .invalid("row \(i) is all zero; the test is undefined") }
        if let j = columnTotals.firstIndex(of: 0) {
            throw .invalid("column \(j) is all zero; the test is undefined")
        }
        let n = Double(rowTotals.reduce(0, +))
        var chi2 = 0.0
        var minE = Double.infinity
        for (i, row) in table.enumerated() {
            for (j, o) in row.enumerated() {
                let e = Double(rowTotals[i]) * Double(columnTotals[j]) / n
                let diff = Double(o) - e
                chi2 += diff * diff / e
                minE = min(minE, e)
            }
        }
        self.table = table
        self.chi2 = chi2
        degreesOfFreedom = (table.count - 1) * (columns - 1)
        p = ChiSquareDistribution.survival(chi2, degreesOfFreedom: Double(degreesOfFreedom))
        cramersV = (chi2 / (n * Double(min(table.count, columns) - 1))).squareRoot()
        minExpected = minE
    }
}
