import Foundation

/// The hidden helper sheet that holds what charts plot but tables do not show (x positions, stepped limits,
/// interval ends), so that no helper value prints beside a table. Blocks are collected while the sheets are laid
/// out and written last, as one hidden sheet.
final class ChartData {
    /// The helper sheet's name.
    let sheet: String
    private(set) var rows: [[Worksheet.Cell]] = []

    init(sheet: String) { self.sheet = sheet }

    /// Appends a block of rows under a row naming its columns; returns the block's first row on the sheet.
    func append(_ columns: [String], _ block: [[Worksheet.Cell]]) -> Int {
        rows.append(columns.map { .text($0) })
        let first = rows.count
        rows += block
        rows.append([])  // a blank row between blocks, for whoever opens the sheet
        return first
    }

    /// `count` rows of one column of a block starting at sheet row `first`.
    func range(_ column: Int, from first: Int, count: Int) -> ChartSpec.Range {
        ChartSpec.Range(sheet: sheet, column: column, first: first, last: first + max(1, count) - 1)
    }

    /// Writes the sheet (if any chart used it) and hides it.
    func write(to book: Workbook) throws(ReportError) {
        guard !rows.isEmpty else { return }
        let helper = try book.addWorksheet(sheet)
        try helper.widths(Array(repeating: 12, count: PChartColumn.allCases.count))
        for (r, cells) in rows.enumerated() where !cells.isEmpty {
            try helper.row(r, cells)
        }
        helper.hide()
    }
}

/// Columns of a p-chart's block on the helper sheet: one row per month for the points, two per month for the
/// stepped limits (each month's limit from its left edge to its right edge).
enum PChartColumn: Int, CaseIterable {
    /// The month, as text (what the table shows).
    case month
    /// The point's x: a date in the middle of its month, on a uniform grid so that ticks fall on points.
    case x
    /// The proportion.
    case p
    /// The centre line.
    case centre
    /// The proportion again where the month signals, else blank (drawn in red).
    case signal
    /// x of the steps: each month's left and right edges.
    case stepX
    /// Lower limit at each step end.
    case lcl
    /// Upper limit at each step end.
    case ucl
}

/// Columns of a two-group interval block: one row per group, each group's estimate in its own column so that
/// each gets its own (fixed, asymmetric) error bars.
enum IntervalColumn: Int, CaseIterable {
    /// Group label with n.
    case label
    /// The first group's estimate (blank on the second row).
    case first
    /// The second group's estimate (blank on the first row).
    case second
    /// Interval low end.
    case low
    /// Interval high end.
    case high
}

/// The colours and line widths every chart of a workbook shares, 0xRRGGBB.
enum ChartPalette {
    /// Observed points and the first group: dark blue.
    static let primary: UInt32 = 0x1F4E79
    /// The second group: dark orange.
    static let secondary: UInt32 = 0xC55A11
    /// Centre lines and trends without the intervention: grey.
    static let neutral: UInt32 = 0x7F7F7F
    /// Control limits: dark red.
    static let limit: UInt32 = 0xC00000
    /// Months outside the limits: red.
    static let signal: UInt32 = 0xFF0000
    /// Control limits are drawn thinner than the data.
    static let limitWidth = 1.25
}
