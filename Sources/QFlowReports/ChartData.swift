import Foundation

/// The hidden helper sheet that holds what charts plot but tables do not show (x positions, stepped limits,
/// interval ends), so that no helper value prints beside a table. Blocks are collected while the sheets are laid
/// out and written last, as one hidden sheet.
final class ChartData {
    /// The helper sheet's name.
    let sheet: String
    private(set) var rows: [[Worksheet.Cell]] = []

    init(sheet: String) { self.sheet = sheet }

    /// Columns of the widest block so far (each gets a width).
    private(set) var columns = 0

    /// Appends a block of rows under a row naming its columns; returns the block's first row on the sheet.
    func append<Column: ChartColumns>(_ block: [ChartRow<Column>]) -> Int {
        rows.append(Column.allCases.map { .text("\($0)") })
        columns = max(columns, Column.allCases.count)
        let first = rows.count
        rows += block.map(\.cells)
        rows.append([])  // a blank row between blocks, for whoever opens the sheet
        return first
    }

    /// `count` rows of one column of a block starting at sheet row `first`.
    func range<Column: ChartColumns>(_ column: Column, from first: Int, count: Int) -> ChartSpec.Range {
        ChartSpec.Range(sheet: sheet, column: column.rawValue, first: first, last: first + max(1, count) - 1)
    }

    /// Writes the sheet (if any chart used it) and hides it.
    func write(to book: Workbook) throws(ReportError) {
        guard !rows.isEmpty else { return }
        let helper = try book.addWorksheet(sheet)
        try helper.widths(Array(repeating: 12, count: columns))
        for (r, cells) in rows.enumerated() where !cells.isEmpty {
            try helper.row(r, cells)
        }
        helper.hide()
    }
}
