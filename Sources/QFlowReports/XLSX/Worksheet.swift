import CXLSXWriter
import Foundation

/// One sheet of a `Workbook`. Keeps its workbook alive; every write is checked.
public final class Worksheet {
    let handle: UnsafeMutablePointer<lxw_worksheet>
    /// The sheet's name.
    public let name: String
    let workbook: Workbook
    /// The widest content written to each column, in character widths (CJK characters count two).
    public var contentWidths: [Int: Double] {
        Dictionary(uniqueKeysWithValues: widest.enumerated().filter { $0.element >= 0 }.map { ($0.offset, $0.element) })
    }
    /// ``contentWidths`` by column index (-1 where nothing was written): one array write a cell, no hashing.
    private var widest: [Double] = []
    /// Column widths set so far, in characters (Excel's default is 8.43).
    public private(set) var columnWidths: [Int: Double] = [:]
    /// The last row and column written (for print areas).
    public private(set) var lastRow = -1, lastColumn = -1

    init(_ handle: UnsafeMutablePointer<lxw_worksheet>, name: String, workbook: Workbook) {
        self.handle = handle
        self.name = name
        self.workbook = workbook
    }

    /// Writes text as a string cell — never a formula, whatever it begins with (`=`, `+`, `-`, `@`, tab, CR).
    public func text(_ row: Int, _ column: Int, _ value: String, _ format: FormatSpec = FormatSpec())
        throws(ReportError)
    {
        note(row, column, TextWidth.of(value) * (format.bold ? 1.1 : 1) * (format.size.map { $0 / 11 } ?? 1))
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
        note(row, column, TextWidth.ofNumber(value, format: format.numberFormat))
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
    public func formula(
        _ row: Int, _ column: Int, _ formula: String, value: Double, _ format: FormatSpec = FormatSpec()
    )
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
            case .percent(let x): try number(row, column + offset, x, format.with(number: "0.0%"))
            case .statistic(let x): try number(row, column + offset, x, format.with(number: "0.000"))
            case .date(let serial): try number(row, column + offset, serial, format.with(number: "yyyy-mm-dd hh:mm"))
            case .blank: try blank(row, column + offset, format)
            }
        }
    }

    func note(_ row: Int, _ column: Int, _ width: Double) {
        if column >= widest.count { widest.append(contentsOf: repeatElement(-1, count: column + 1 - widest.count)) }
        if width > widest[column] { widest[column] = width }
        if row > lastRow { lastRow = row }
        if column > lastColumn { lastColumn = column }
    }

    /// Column widths in characters, from the first column.
    public func widths(_ widths: [Double]) throws(ReportError) {
        for (column, w) in widths.enumerated() { try width(column, w) }
    }

    /// Sets one column's width in characters.
    public func width(_ column: Int, _ width: Double) throws(ReportError) {
        columnWidths[column] = width
        try check(
            worksheet_set_column(handle, lxw_col_t(column), lxw_col_t(column), width, nil),
            "\(name): set width of column \(column + 1)")
    }

    /// Widths from what was written: each column as wide as its widest cell plus a margin, within `min`…`max`
    /// (longer text wraps or is cut at the cell edge). Columns already set by `width` are left alone.
    public func autofit(columns: Range<Int>, min low: Double = 6, max high: Double = 45) throws(ReportError) {
        for column in columns where columnWidths[column] == nil {
            let content = column < widest.count ? Swift.max(0, widest[column]) : 0
            try width(column, Swift.min(high, Swift.max(low, content + 2)))
        }
    }

    /// The width in characters of `columns` together (unset columns count as Excel's default 8.43).
    public func span(_ columns: ClosedRange<Int>) -> Double {
        columns.reduce(0) { $0 + (columnWidths[$1] ?? 8.43) }
    }

    /// The width in pixels of `columns` together (Calibri 11: 7 pixels a character plus 5 of padding).
    public func pixels(_ columns: ClosedRange<Int>) -> Int {
        columns.reduce(0) { $0 + Int((columnWidths[$1] ?? 8.43) * 7 + 5) }
    }

    /// Writes `value` across `columns` of one row as one merged, wrapped cell, and makes the row tall enough for
    /// the lines it wraps to (neither Excel nor LibreOffice sizes a merged row by itself).
    public func paragraph(
        _ row: Int, _ columns: ClosedRange<Int>, _ value: String, _ format: FormatSpec = FormatSpec(), lines: Int? = nil
    ) throws(ReportError) {
        var wrapped = format
        wrapped.wrap = true
        wrapped.top = true
        let lines = lines ?? self.lines(value, columns, format)
        let height = Double(lines) * 15 * (format.size.map { Swift.max(1, $0 / 11) } ?? 1) + 2
        try check(
            worksheet_set_row(handle, lxw_row_t(row), height, nil), "\(name)!R\(row + 1): set row height")
        lastRow = Swift.max(lastRow, row)
        lastColumn = Swift.max(lastColumn, columns.upperBound)
        if columns.count == 1 {
            return try check(
                worksheet_write_string(
                    handle, lxw_row_t(row), lxw_col_t(columns.lowerBound), value, try workbook.format(wrapped)),
                "\(name)!R\(row + 1)C\(columns.lowerBound + 1): write text")
        }
        try check(
            worksheet_merge_range(
                handle, lxw_row_t(row), lxw_col_t(columns.lowerBound), lxw_row_t(row), lxw_col_t(columns.upperBound),
                value, try workbook.format(wrapped)),
            "\(name)!R\(row + 1): merge C\(columns.lowerBound + 1)…C\(columns.upperBound + 1)")
    }

    /// How many lines `value` wraps to across `columns` in `format`.
    public func lines(_ value: String, _ columns: ClosedRange<Int>, _ format: FormatSpec) -> Int {
        let scale = (format.bold ? 1.1 : 1) * (format.size.map { $0 / 11 } ?? 1)
        return TextWidth.lines(value, width: span(columns) / scale)
    }

    /// Sets a row's height in points.
    public func height(_ row: Int, _ points: Double) throws(ReportError) {
        try check(worksheet_set_row(handle, lxw_row_t(row), points, nil), "\(name)!R\(row + 1): set row height")
    }

    /// Hides the sheet (it stays in the workbook for formulas and charts, but is neither shown nor printed).
    public func hide() {
        worksheet_hide(handle)
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
