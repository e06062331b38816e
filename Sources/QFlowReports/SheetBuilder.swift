import Foundation

/// A committee sheet laid out in memory, then written top to bottom (constant-memory sheets must be).
///
/// Laying out first lets the writer fit column widths to the tables' content (in zh or en) before the first row
/// is written, so that paragraphs merged across the table wrap to the right number of lines and no text runs into
/// its neighbour. `row` is the cursor: the next free row.
///
/// ```swift
/// var b = SheetBuilder(columns: 6)
/// b.paragraph("Comparison 1", .title)
/// b.cells([.text("n"), .number(233)], format: .header)
/// let (sheet, lastRow) = try b.write(to: book, name: "Comparison 1")
/// ```
struct SheetBuilder {
    enum Line {
        case cells([Worksheet.Cell], FormatSpec)
        case paragraph(String, ClosedRange<Int>?, FormatSpec)
        /// Several paragraphs side by side on one row (a key and its value).
        case paragraphs([(String, ClosedRange<Int>, FormatSpec)])
        case blank
        /// Charts anchored on this row, each over its columns (the rows they cover after it are `.blank`).
        case charts([(ChartSpec, ClosedRange<Int>)])
    }

    /// Columns of the sheet's tables (paragraphs span them all).
    let columns: Int
    private(set) var lines: [Line] = []
    /// Widths fixed by the sheet (others fit their content within `minWidth`…`maxWidth`).
    var fixedWidths: [Int: Double] = [:]
    var minWidth = 6.0, maxWidth = 40.0
    /// Per-column caps over `maxWidth` (a label column may be wider than the figures beside it).
    var maxWidths: [Int: Double] = [:]

    init(columns: Int) { self.columns = columns }

    /// The next free row.
    var row: Int { lines.count }

    /// A row of cells; returns its row.
    @discardableResult
    mutating func cells(_ cells: [Worksheet.Cell], format: FormatSpec = FormatSpec()) -> Int {
        lines.append(.cells(cells, format))
        return row - 1
    }

    /// Text across `span` (default: every column), wrapped; returns its row.
    @discardableResult
    mutating func paragraph(_ text: String, _ format: FormatSpec = FormatSpec(), span: ClosedRange<Int>? = nil) -> Int {
        lines.append(.paragraph(text, span, format))
        return row - 1
    }

    /// Paragraphs side by side on one row, each over its own columns; returns the row.
    @discardableResult
    mutating func paragraphs(_ parts: [(String, ClosedRange<Int>, FormatSpec)]) -> Int {
        lines.append(.paragraphs(parts))
        return row - 1
    }

    /// Leaves `count` empty rows.
    mutating func skip(_ count: Int = 1) {
        for _ in 0..<count { lines.append(.blank) }
    }

    /// A chart over `columns` (its width is theirs), `height` pixels tall, starting at the next row.
    mutating func chart(_ spec: ChartSpec, columns span: ClosedRange<Int>? = nil) {
        var spec = spec
        let covered = (spec.height + 8 + Worksheet.rowPixels - 1) / Worksheet.rowPixels
        let span = span ?? 0...(columns - 1)
        spec.width = 0  // set from the fitted column widths when written
        lines.append(.charts([(spec, span)]))
        skip(covered - 1)
    }

    /// Two charts side by side over the left and right halves of the columns, starting at the next row.
    mutating func chartPair(_ left: ChartSpec, _ right: ChartSpec?) {
        let half = columns / 2
        guard let right else { return chart(left, columns: 0...(half - 1)) }
        let covered = (max(left.height, right.height) + 8 + Worksheet.rowPixels - 1) / Worksheet.rowPixels
        lines.append(.charts([(left, 0...(half - 1)), (right, half...(columns - 1))]))
        skip(covered - 1)
    }

    /// The widths the sheet's columns get: fixed, or fitted to their widest cell.
    func fittedWidths() -> [Double] {
        var widest = [Double](repeating: 0, count: columns)
        for line in lines {
            guard case .cells(let cells, let format) = line else { continue }
            for (i, cell) in cells.enumerated() where i < columns {
                widest[i] = max(widest[i], Self.width(cell, format))
            }
        }
        return (0..<columns).map { fixedWidths[$0] ?? min(maxWidths[$0] ?? maxWidth, max(minWidth, widest[$0] + 2)) }
    }

    static func width(_ cell: Worksheet.Cell, _ format: FormatSpec) -> Double {
        let bold = format.bold ? 1.1 : 1
        switch cell {
        case .text(let s): return TextWidth.of(s) * bold
        case .number(let x): return TextWidth.ofNumber(x, format: format.numberFormat)
        case .percent(let x): return TextWidth.ofNumber(x, format: "0.0%")
        case .statistic(let x): return TextWidth.ofNumber(x, format: "0.000")
        case .date: return 16
        case .blank: return 0
        }
    }

    /// Adds the sheet and writes every line in order; returns the sheet and its last row.
    func write(to book: Workbook, name: String) throws(ReportError) -> (sheet: Worksheet, lastRow: Int) {
        let sheet = try book.addWorksheet(name)
        let widths = fittedWidths()
        try sheet.widths(widths)
        for (r, line) in lines.enumerated() {
            switch line {
            case .blank: continue
            case .paragraph(let text, let span, let format):
                try sheet.paragraph(r, span ?? 0...(columns - 1), text, format)
            case .paragraphs(let parts):
                let tallest = parts.map { sheet.lines($0.0, $0.1, $0.2) }.max() ?? 1
                for (text, span, format) in parts { try sheet.paragraph(r, span, text, format, lines: tallest) }
            case .charts(let charts):
                for (chart, span) in charts {
                    var spec = chart
                    spec.width = sheet.pixels(span) - 8
                    spec.font = book.font
                    try sheet.insertChart(spec, at: r, span.lowerBound)
                }
            case .cells(let cells, let format):
                var lines = 1
                for (i, cell) in cells.enumerated() {
                    guard case .text(let s) = cell, i < widths.count else { continue }
                    let scale = format.bold ? 1.1 : 1
                    if TextWidth.of(s) * scale > widths[i] - 1 {
                        lines = max(lines, TextWidth.lines(s, width: widths[i] / scale))
                    }
                }
                var wrapped = format
                if lines > 1 {
                    wrapped.wrap = true
                    try sheet.height(r, Double(lines) * 15 + 2)
                }
                try sheet.row(r, cells, format: wrapped)
            }
        }
        return (sheet, max(0, lines.count - 1))
    }
}
