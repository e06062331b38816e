import CXLSXWriter
import Foundation

/// How a sheet prints: paper, orientation, scaling, repeated rows, header/footer and print area.
public struct PageSetup: Sendable {
    /// Landscape rather than portrait.
    public var landscape = false
    /// Scale to one page wide (any number of pages tall).
    public var fitToWidth = true
    /// Rows printed at the top of every page (column headers), 0-based.
    public var repeatRows: ClosedRange<Int>?
    /// The page header and footer in Excel's codes (`&L`, `&C`, `&R`, `&P`, `&N`, `&A`); at most 255 characters.
    public var header: String?, footer: String?
    /// What prints: rows × columns (nil: everything written).
    public var printArea: (rows: ClosedRange<Int>, columns: ClosedRange<Int>)?
    /// Rows that start a new page.
    public var pageBreaks: [Int] = []

    /// Creates a page setup (A4, portrait, one page wide).
    public init() {}

    /// `text` for a header or footer: `&` doubled so that it is not read as a code.
    public static func literal(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&&")
    }
}

extension Worksheet {
    /// A4 paper (Excel's paper code 9).
    static let a4: UInt8 = 9

    /// Applies a page setup.
    public func apply(_ page: PageSetup) throws(ReportError) {
        worksheet_set_paper(handle, Self.a4)
        if page.landscape { worksheet_set_landscape(handle) } else { worksheet_set_portrait(handle) }
        worksheet_set_margins(handle, 0.5, 0.5, 0.75, 0.75)
        if page.fitToWidth { worksheet_fit_to_pages(handle, 1, 0) }
        if let rows = page.repeatRows {
            try check(
                worksheet_repeat_rows(handle, lxw_row_t(rows.lowerBound), lxw_row_t(rows.upperBound)),
                "\(name): repeat rows \(rows.lowerBound + 1)…\(rows.upperBound + 1) on every page")
        }
        if let header = page.header {
            try check(worksheet_set_header(handle, header), "\(name): page header")
        }
        if let footer = page.footer {
            try check(worksheet_set_footer(handle, footer), "\(name): page footer")
        }
        if let area = page.printArea {
            try check(
                worksheet_print_area(
                    handle, lxw_row_t(area.rows.lowerBound), lxw_col_t(area.columns.lowerBound),
                    lxw_row_t(area.rows.upperBound), lxw_col_t(area.columns.upperBound)),
                "\(name): print area")
        }
        if !page.pageBreaks.isEmpty {
            var breaks = page.pageBreaks.map { lxw_row_t($0) } + [0]
            try check(worksheet_set_h_pagebreaks(handle, &breaks), "\(name): page breaks")
        }
    }
}
