import CXLSXWriter
import Foundation
import QFlowEngine

/// A report that could not be read or written: a code, the operation that failed, and the cause where there is one.
public struct ReportError: CodedError, Sendable {
    /// What kind of report failure this is.
    public typealias Code = ErrorCode<ReportError>

    /// What kind of failure.
    public var code: Code
    /// What failed and why, in one line.
    public var message: String
    /// The lower-level error, if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// The message.
    public var description: String { message }
    /// A bad report file is `invalid_input`; a missing LibreOffice is `unavailable`; the rest are `io`.
    public var kind: ErrorKind {
        switch code {
        case .invalidReportFile: .invalidInput
        case .pdfUnavailable: .unavailable
        default: .io
        }
    }
    /// The code's text.
    public var codeText: String { code.rawValue }
}

/// The one place an `lxw_error` is checked: anything but success becomes a `ReportError` naming the operation.
@inline(__always)
func check(_ error: lxw_error, _ operation: @autoclosure () -> String) throws(ReportError) {
    guard error != LXW_NO_ERROR else { return }
    let reason = lxw_strerror(error).map { String(cString: $0) } ?? "error \(error.rawValue)"
    throw ReportError(.xlsx, "\(operation()): \(reason)")
}

/// An .xlsx file being written. Owns the C workbook: `close()` writes the file and checks the result; a workbook
/// released without `close()` is freed without writing anything.
public final class Workbook {
    private var handle: UnsafeMutablePointer<lxw_workbook>?
    /// Where the file goes.
    public let path: String
    private var formats: [FormatSpec: UnsafeMutablePointer<lxw_format>] = [:]
    /// The last format asked for and what it resolved to.
    private var lastFormat: (requested: FormatSpec, format: UnsafeMutablePointer<lxw_format>?)?
    private var sheets: [Worksheet] = []
    /// The font of every cell, chart and header (e.g. a CJK font for a Chinese workbook); nil keeps Excel's default.
    public var font: String? {
        didSet { lastFormat = nil }  // a format resolved before names the font it was made with
    }

    /// Starts a workbook; `constantMemory` streams each sheet's rows to disk (rows must then be written in order).
    public init(path: String, constantMemory: Bool = false) throws(ReportError) {
        self.path = path
        var options = lxw_workbook_options()
        options.constant_memory = constantMemory ? UInt8(LXW_TRUE.rawValue) : 0
        guard let workbook = workbook_new_opt(path, &options) else {
            throw ReportError(
                .xlsx, "create workbook \(path): libxlsxwriter could not start it (out of memory or bad path)")
        }
        handle = workbook
    }

    deinit {
        if let handle { lxw_workbook_free(handle) }
    }

    private func workbook() throws(ReportError) -> UnsafeMutablePointer<lxw_workbook> {
        guard let handle else { throw ReportError(.xlsx, "workbook \(path) is already closed") }
        return handle
    }

    /// Adds a worksheet (names are at most 31 characters, without `[]:*?/\`).
    public func addWorksheet(_ name: String) throws(ReportError) -> Worksheet {
        let workbook = try workbook()
        try check(workbook_validate_sheet_name(workbook, name), "worksheet name '\(name)'")
        guard let sheet = workbook_add_worksheet(workbook, name) else {
            throw ReportError(.xlsx, "add worksheet '\(name)': libxlsxwriter refused it")
        }
        let worksheet = Worksheet(sheet, name: name, workbook: self)
        sheets.append(worksheet)
        return worksheet
    }

    /// A cell format, created once per distinct spec.
    func format(_ requested: FormatSpec) throws(ReportError) -> UnsafeMutablePointer<lxw_format>? {
        // Most cells have no format, and the others of a raw-data row ask for the same few cell after cell: a
        // comparison or two instead of hashing the spec.
        if font == nil, requested == FormatSpec.plain { return nil }
        if let last = lastFormat, last.requested == requested { return last.format }
        let format = try newOrCachedFormat(requested)
        lastFormat = (requested, format)
        return format
    }

    private func newOrCachedFormat(_ requested: FormatSpec) throws(ReportError) -> UnsafeMutablePointer<lxw_format>? {
        var spec = requested
        if spec.fontName == nil { spec.fontName = font }
        if spec == FormatSpec.plain { return nil }
        if let existing = formats[spec] { return existing }
        guard let format = workbook_add_format(try workbook()) else {
            throw ReportError(.xlsx, "add format: out of memory")
        }
        if let name = spec.fontName { format_set_font_name(format, name) }
        switch spec.align {
        case .general: break
        case .left: format_set_align(format, UInt8(LXW_ALIGN_LEFT.rawValue))
        case .center: format_set_align(format, UInt8(LXW_ALIGN_CENTER.rawValue))
        case .right: format_set_align(format, UInt8(LXW_ALIGN_RIGHT.rawValue))
        }
        if spec.top { format_set_align(format, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue)) }
        if spec.bold { format_set_bold(format) }
        if spec.italic { format_set_italic(format) }
        if let number = spec.numberFormat { format_set_num_format(format, number) }
        if spec.wrap { format_set_text_wrap(format) }
        if let color = spec.fontColor { format_set_font_color(format, color) }
        if let color = spec.background {
            format_set_pattern(format, UInt8(LXW_PATTERN_SOLID.rawValue))
            format_set_bg_color(format, color)
        }
        if spec.border { format_set_bottom(format, UInt8(LXW_BORDER_THIN.rawValue)) }
        if let size = spec.size { format_set_font_size(format, size) }
        formats[spec] = format
        return format
    }

    /// Adds a native Excel chart (line, column, …).
    func addChart(_ type: lxw_chart_type) throws(ReportError) -> UnsafeMutablePointer<lxw_chart> {
        guard let chart = workbook_add_chart(try workbook(), UInt8(type.rawValue)) else {
            throw ReportError(.xlsx, "add chart: libxlsxwriter refused it")
        }
        return chart
    }

    /// Sets the document properties shown by File › Info.
    public func setProperties(title: String, subject: String, author: String, keywords: String, comments: String)
        throws(ReportError)
    {
        let workbook = try workbook()
        try withCStrings([title, subject, author, keywords, comments]) { (c) throws(ReportError) in
            var properties = lxw_doc_properties()
            properties.title = c[0]
            properties.subject = c[1]
            properties.author = c[2]
            properties.keywords = c[3]
            properties.comments = c[4]
            try check(workbook_set_properties(workbook, &properties), "set document properties")
        }
    }

    /// Writes the file. Errors (a full disk, a missing folder) surface here, so the result is always checked.
    public func close() throws(ReportError) {
        let workbook = try workbook()
        handle = nil
        try check(workbook_close(workbook), "write \(path)")
    }
}

/// Calls `body` with C copies of `strings` that live for the call.
func withCStrings<T>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>]) throws(ReportError) -> T)
    throws(ReportError) -> T
{
    let copies = strings.map { strdup($0)! }
    defer { for copy in copies { free(copy) } }
    return try body(copies)
}

/// A cell format, as a value (formats are created once per distinct spec).
public struct FormatSpec: Hashable, Sendable {
    /// Bold text.
    public var bold = false
    /// Italic text.
    public var italic = false
    /// An Excel number format, e.g. `0.0%`, `yyyy-mm-dd hh:mm`.
    public var numberFormat: String?
    /// Wrap long text.
    public var wrap = false
    /// Font colour, 0xRRGGBB.
    public var fontColor: UInt32?
    /// Solid fill colour, 0xRRGGBB.
    public var background: UInt32?
    /// A thin bottom border.
    public var border = false
    /// Font size in points.
    public var size: Double?
    /// Font name; nil takes the workbook's font.
    public var fontName: String?
    /// Horizontal alignment.
    public var align: Alignment = .general
    /// Text starts at the top of the cell (for wrapped paragraphs).
    public var top = false

    /// Horizontal alignment of a cell's content.
    public enum Alignment: Hashable, Sendable {
        /// Excel's default: text left, numbers right.
        case general
        /// Left.
        case left
        /// Centred.
        case center
        /// Right.
        case right
    }

    /// Creates a format spec.
    public init(
        bold: Bool = false, italic: Bool = false, numberFormat: String? = nil, wrap: Bool = false,
        fontColor: UInt32? = nil, background: UInt32? = nil, border: Bool = false, size: Double? = nil,
        align: Alignment = .general, top: Bool = false
    ) {
        self.align = align
        self.top = top
        self.bold = bold
        self.italic = italic
        self.numberFormat = numberFormat
        self.wrap = wrap
        self.fontColor = fontColor
        self.background = background
        self.border = border
        self.size = size
    }

    /// This format with a number format (a row's alignment and fill kept, its wrapping dropped).
    public func with(number: String) -> FormatSpec {
        var spec = self
        spec.numberFormat = number
        spec.wrap = false
        return spec
    }

    /// No formatting at all: Excel's default cell.
    static let plain = FormatSpec()
    /// Column headers (wrapped, so that a long header grows the row instead of running into its neighbour).
    public static let header = FormatSpec(bold: true, wrap: true, background: 0xDDE5F0, border: true)
    /// Percentages with one decimal.
    public static let percent = FormatSpec(numberFormat: "0.0%")
    /// Date and time.
    public static let dateTime = FormatSpec(numberFormat: "yyyy-mm-dd hh:mm")
    /// Three decimals (statistics).
    public static let decimal3 = FormatSpec(numberFormat: "0.000")
    /// A sheet title.
    public static let title = FormatSpec(bold: true, size: 14)
}

extension ErrorCode where Domain == ReportError {
    /// A report file (`Reports/NAME.yaml`) does not read or does not check.
    public static let invalidReportFile = Self(rawValue: "invalid_report_file")
    /// A file could not be read or written (the output folder, a CSV, a report file).
    public static let io = Self(rawValue: "io")
    /// libxlsxwriter refused an operation (a bad path, out of memory, a full disk).
    public static let xlsx = Self(rawValue: "xlsx")
    /// A PDF was asked for and LibreOffice is not installed.
    public static let pdfUnavailable = Self(rawValue: "pdf_unavailable")
    /// LibreOffice did not convert the workbook.
    public static let pdfFailed = Self(rawValue: "pdf_failed")
}
