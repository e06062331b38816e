import CXLSXWriter
import Foundation

/// One sheet of a `Workbook`. Keeps its workbook alive; every write is checked.
public final class Worksheet {
    let handle: UnsafeMutablePointer<lxw_worksheet>
    /// The sheet's name.
    public let name: String
    let workbook: Workbook

    init(_ handle: UnsafeMutablePointer<lxw_worksheet>, name: String, workbook: Workbook) {
        self.handle = handle
        self.name = name
        self.workbook = workbook
    }

    /// Writes text as a string cell — never a formula, whatever it begins with (`=`, `+`, `-`, `@`, tab, CR).
    public func text(_ row: Int, _ column: Int, _ value: String, _ format: FormatSpec = FormatSpec()) throws(ReportError)
    {
        let f = try workbook.format(format)
        try check(
            worksheet_write_string(handle, lxw_row_t(row), lxw_col_t(column), value, f),
            "\(name)!R\(row + 1)C\(column + 1): write text")
    }

    /// Writes a number (NaN and infinities, which Excel cannot hold, are left blank).
    public func number(_ row: Int, _ column: Int, _ value: Double, _ format: FormatSpec = FormatSpec())
        throws(ReportError)
    {
        guard value.isFinite else { return try blank(row, column, format) }
        try check(
            worksheet_write_number(handle, lxw_row_t(row), lxw_col_t(column), value, try workbook.format(format)),
            "\(name)!R\(row + 1)C\(column + 1): write number")
    }

    /// Writes a point in time as an Excel date serial in the given UTC offset, with a date format.
    public func date(_ row: Int, _ column: Int, _ value: Date, utcOffset: Int, _ format: FormatSpec = .dateTime)
        throws(ReportError)
    {
        let serial = (value.timeIntervalSince1970 + Double(utcOffset)) / 86_400 + 25_569
        try number(row, column, serial, format)
    }

    /// Writes an empty, formatted cell.
    public func blank(_ row: Int, _ column: Int, _ format: FormatSpec = FormatSpec()) throws(ReportError) {
        try check(
            worksheet_write_blank(handle, lxw_row_t(row), lxw_col_t(column), try workbook.format(format)),
            "\(name)!R\(row + 1)C\(column + 1): write blank")
    }

    /// Writes a formula the report itself built, with its computed value cached for readers that do not recalculate.
    public func formula(_ row: Int, _ column: Int, _ formula: String, value: Double, _ format: FormatSpec = FormatSpec())
        throws(ReportError)
    {
        try check(
            worksheet_write_formula_num(
                handle, lxw_row_t(row), lxw_col_t(column), formula, try workbook.format(format), value),
            "\(name)!R\(row + 1)C\(column + 1): write formula")
    }

    /// Writes a row of cells: text, numbers or blanks.
    public func row(_ row: Int, _ cells: [Cell], from column: Int = 0, format: FormatSpec = FormatSpec())
        throws(ReportError)
    {
        for (offset, cell) in cells.enumerated() {
            switch cell {
            case .text(let s): try text(row, column + offset, s, format)
            case .number(let x): try number(row, column + offset, x, format)
            case .percent(let x): try number(row, column + offset, x, .percent)
            case .statistic(let x): try number(row, column + offset, x, .decimal3)
            case .date(let serial): try number(row, column + offset, serial, .dateTime)
            case .blank: try blank(row, column + offset, format)
            }
        }
    }

    /// Column widths in characters, from the first column.
    public func widths(_ widths: [Double]) throws(ReportError) {
        for (column, width) in widths.enumerated() {
            try check(
                worksheet_set_column(handle, lxw_col_t(column), lxw_col_t(column), width, nil),
                "\(name): set width of column \(column + 1)")
        }
    }

    /// Freezes the rows above `row` (the header stays in view).
    public func freeze(rows row: Int) {
        worksheet_freeze_panes(handle, lxw_row_t(row), 0)
    }

    /// An autofilter over a header row and the rows below it.
    public func autofilter(headerRow: Int, lastRow: Int, columns: Int) throws(ReportError) {
        try check(
            worksheet_autofilter(
                handle, lxw_row_t(headerRow), 0, lxw_row_t(max(headerRow, lastRow)), lxw_col_t(max(0, columns - 1))),
            "\(name): autofilter")
    }

    /// Highlights cells of a range whose number is below `threshold` (e.g. compliance under 95%).
    public func highlightBelow(
        _ threshold: Double, firstRow: Int, lastRow: Int, column: Int, format: FormatSpec
    ) throws(ReportError) {
        guard lastRow >= firstRow else { return }
        var rule = lxw_conditional_format()
        rule.type = UInt8(LXW_CONDITIONAL_TYPE_CELL.rawValue)
        rule.criteria = UInt8(LXW_CONDITIONAL_CRITERIA_LESS_THAN.rawValue)
        rule.value = threshold
        rule.format = try workbook.format(format)
        try check(
            worksheet_conditional_format_range(
                handle, lxw_row_t(firstRow), lxw_col_t(column), lxw_row_t(lastRow), lxw_col_t(column), &rule),
            "\(name): conditional format")
    }

    /// A cell value for `row(_:_:)`.
    public enum Cell: Sendable {
        /// Text (never a formula).
        case text(String)
        /// A number.
        case number(Double)
        /// A share, shown as a percentage.
        case percent(Double)
        /// A statistic shown with three decimals.
        case statistic(Double)
        /// An Excel date serial, shown as date and time.
        case date(Double)
        /// An empty cell.
        case blank
    }
}
