import CXLSXWriter
import Foundation

/// A native Excel chart, as a value: its kind, axes and series, each series a range of cells on some sheet.
///
/// ```swift
/// var chart = ChartSpec(kind: .scatter, title: "p-chart")
/// chart.series = [.init(name: "p", categories: x, values: p, marker: .circle)]
/// let rows = try sheet.insertChart(chart, at: 12, 0)
/// ```
public struct ChartSpec: Sendable {
    /// The chart types the reports use.
    public enum Kind: Sendable {
        /// x–y with straight lines: numbers or dates on both axes (steps need two points at one x).
        case scatter
        /// Lines over text categories (markers and error bars; lines may be switched off).
        case line
    }

    /// One axis.
    public struct Axis: Sendable {
        /// The axis title.
        public var name: String?
        /// The tick labels' number format, e.g. `0%` or `yyyy-mm`.
        public var numberFormat: String?
        /// Fixed bounds and tick spacing (nil: the reader chooses).
        public var min: Double?, max: Double?, majorUnit: Double?
        /// Creates an axis.
        public init(
            name: String? = nil, numberFormat: String? = nil, min: Double? = nil, max: Double? = nil,
            majorUnit: Double? = nil
        ) {
            self.name = name
            self.numberFormat = numberFormat
            self.min = min
            self.max = max
            self.majorUnit = majorUnit
        }
    }

    /// Cells of one column on a sheet: `sheet!column firstRow…lastRow` (0-based).
    public struct Range: Sendable, Equatable {
        /// The sheet's name.
        public var sheet: String
        /// The column.
        public var column: Int
        /// First and last rows.
        public var first: Int, last: Int
        /// Creates a range.
        public init(sheet: String, column: Int, first: Int, last: Int) {
            self.sheet = sheet
            self.column = column
            self.first = first
            self.last = last
        }
    }

    /// A point marker.
    public enum Marker: Sendable {
        /// A filled circle.
        case circle
        /// A diamond.
        case diamond
    }

    /// A fixed-length error bar.
    public enum ErrorBar: Sendable {
        /// From y up to y + length.
        case plus(Double)
        /// From y down to y − length.
        case minus(Double)
    }

    /// One data series.
    public struct Series: Sendable {
        /// The legend entry.
        public var name: String
        /// x values (scatter) or category labels (line).
        public var categories: Range
        /// y values.
        public var values: Range
        /// The point marker (nil: none).
        public var marker: Marker?
        /// Marker and line colour, 0xRRGGBB (nil: the reader's palette).
        public var color: UInt32?
        /// Draw the connecting line; `dashed` for limits.
        public var line = true, dashed = false
        /// Line width in points.
        public var width = 1.5
        /// Data labels with this number format (nil: no labels).
        public var labels: String?
        /// A fixed error bar above or below every point (an asymmetric interval takes two series).
        public var errorBar: ErrorBar?
        /// Listed in the legend.
        public var inLegend = true

        /// Creates a series.
        public init(
            name: String, categories: Range, values: Range, marker: Marker? = nil, color: UInt32? = nil,
            line: Bool = true, dashed: Bool = false
        ) {
            self.name = name
            self.categories = categories
            self.values = values
            self.marker = marker
            self.color = color
            self.line = line
            self.dashed = dashed
        }
    }

    /// The kind.
    public var kind: Kind
    /// The title above the plot.
    public var title: String
    /// The axes.
    public var x = Axis(), y = Axis()
    /// The series, drawn in order.
    public var series: [Series] = []
    /// Size in pixels.
    public var width = 640, height = 300
    /// Show the legend (below the plot).
    public var legend = true
    /// Font of titles, labels and legend (nil: the reader's default).
    public var font: String?

    /// Creates a chart spec.
    public init(kind: Kind, title: String) {
        self.kind = kind
        self.title = title
    }
}

extension Worksheet {
    /// Pixels of a default-height row (15 pt).
    static let rowPixels = 20

    /// Inserts a native chart with its top-left corner at (`row`, `column`); returns how many rows it covers.
    @discardableResult
    public func insertChart(_ spec: ChartSpec, at row: Int, _ column: Int) throws(ReportError) -> Int {
        let chart = try workbook.addChart(spec.kind == .scatter ? LXW_CHART_SCATTER_STRAIGHT : LXW_CHART_LINE)
        var font = lxw_chart_font()
        let fontName = spec.font.flatMap { strdup($0) }
        defer { free(fontName) }
        font.name = fontName
        font.size = 9
        for s in spec.series { try addSeries(s, to: chart, font: &font) }
        chart_title_set_name(chart, spec.title)
        var titleFont = font
        titleFont.size = 11
        titleFont.bold = UInt8(LXW_TRUE.rawValue)
        chart_title_set_name_font(chart, &titleFont)
        for (axis, a) in [(chart.pointee.x_axis, spec.x), (chart.pointee.y_axis, spec.y)] {
            guard let axis else { continue }
            Self.setAxis(axis, a, font: &font)
        }
        try setLegend(chart, spec, font: &font)
        var options = lxw_chart_options()
        options.x_scale = Double(spec.width) / 480
        options.y_scale = Double(spec.height) / 288
        options.x_offset = 4
        options.y_offset = 4
        try check(
            worksheet_insert_chart_opt(handle, lxw_row_t(row), lxw_col_t(column), chart, &options),
            "\(name): insert chart")
        return (spec.height + 8 + Self.rowPixels - 1) / Self.rowPixels
    }

    /// One series: its ranges, name, line, marker, labels and error bar.
    private func addSeries(
        _ s: ChartSpec.Series, to chart: UnsafeMutablePointer<lxw_chart>, font: inout lxw_chart_font
    ) throws(ReportError) {
        guard let added = chart_add_series(chart, nil, nil) else {
            throw ReportError(.xlsx, "\(name): add chart series")
        }
        chart_series_set_categories(
            added, s.categories.sheet, lxw_row_t(s.categories.first), lxw_col_t(s.categories.column),
            lxw_row_t(s.categories.last), lxw_col_t(s.categories.column))
        chart_series_set_values(
            added, s.values.sheet, lxw_row_t(s.values.first), lxw_col_t(s.values.column),
            lxw_row_t(s.values.last), lxw_col_t(s.values.column))
        chart_series_set_name(added, s.name)
        var line = lxw_chart_line()
        if s.line {
            line.width = Float(s.width)
            if s.dashed { line.dash_type = UInt8(LXW_CHART_LINE_DASH_DASH.rawValue) }
            if let color = s.color { line.color = color }
        } else {
            line.none = UInt8(LXW_TRUE.rawValue)
        }
        chart_series_set_line(added, &line)
        Self.setMarker(added, s)
        if let format = s.labels {
            chart_series_set_labels(added)
            chart_series_set_labels_num_format(added, format)
            chart_series_set_labels_position(added, UInt8(LXW_CHART_LABEL_POSITION_RIGHT.rawValue))
            chart_series_set_labels_font(added, &font)
        }
        if let bar = s.errorBar { try setErrorBar(added, bar, color: s.color) }
    }

    /// A series' point marker, filled and outlined in its colour.
    private static func setMarker(_ added: UnsafeMutablePointer<lxw_chart_series>, _ s: ChartSpec.Series) {
        switch s.marker {
        case nil: chart_series_set_marker_type(added, UInt8(LXW_CHART_MARKER_NONE.rawValue))
        case .circle?: chart_series_set_marker_type(added, UInt8(LXW_CHART_MARKER_CIRCLE.rawValue))
        case .diamond?: chart_series_set_marker_type(added, UInt8(LXW_CHART_MARKER_DIAMOND.rawValue))
        }
        guard s.marker != nil else { return }
        chart_series_set_marker_size(added, 7)
        if let color = s.color {
            var fill = lxw_chart_fill()
            fill.color = color
            var border = lxw_chart_line()
            border.color = color
            chart_series_set_marker_fill(added, &fill)
            chart_series_set_marker_line(added, &border)
        }
    }

    /// A fixed error bar above or below every point of a series.
    private func setErrorBar(
        _ added: UnsafeMutablePointer<lxw_chart_series>, _ bar: ChartSpec.ErrorBar, color: UInt32?
    ) throws(ReportError) {
        let (direction, value) =
            switch bar {
            case .plus(let v): (LXW_CHART_ERROR_BAR_DIR_PLUS, v)
            case .minus(let v): (LXW_CHART_ERROR_BAR_DIR_MINUS, v)
            }
        guard let bars = chart_series_get_error_bars(added, LXW_CHART_ERROR_BAR_AXIS_Y) else {
            throw ReportError(.xlsx, "\(name): chart error bars")
        }
        chart_series_set_error_bars(bars, UInt8(LXW_CHART_ERROR_BAR_TYPE_FIXED.rawValue), max(0, value))
        chart_series_set_error_bars_direction(bars, UInt8(direction.rawValue))
        var barLine = lxw_chart_line()
        barLine.width = 1.5
        if let color { barLine.color = color }
        chart_series_set_error_bars_line(bars, &barLine)
    }

    /// An axis' title, tick labels, bounds and tick spacing.
    private static func setAxis(
        _ axis: UnsafeMutablePointer<lxw_chart_axis>, _ a: ChartSpec.Axis, font: inout lxw_chart_font
    ) {
        if let title = a.name {
            chart_axis_set_name(axis, title)
            chart_axis_set_name_font(axis, &font)
        }
        chart_axis_set_num_font(axis, &font)
        if let format = a.numberFormat { chart_axis_set_num_format(axis, format) }
        if let min = a.min { chart_axis_set_min(axis, min) }
        if let max = a.max { chart_axis_set_max(axis, max) }
        if let unit = a.majorUnit { chart_axis_set_major_unit(axis, unit) }
    }

    /// The legend below the plot without the series left out of it, or no legend.
    private func setLegend(
        _ chart: UnsafeMutablePointer<lxw_chart>, _ spec: ChartSpec, font: inout lxw_chart_font
    ) throws(ReportError) {
        guard spec.legend else {
            chart_legend_set_position(chart, UInt8(LXW_CHART_LEGEND_NONE.rawValue))
            return
        }
        chart_legend_set_position(chart, UInt8(LXW_CHART_LEGEND_BOTTOM.rawValue))
        chart_legend_set_font(chart, &font)
        let hidden = spec.series.indices.filter { !spec.series[$0].inLegend }
        if !hidden.isEmpty {
            var indexes = hidden.map { Int16($0) } + [-1]
            try check(chart_legend_delete_series(chart, &indexes), "\(name): chart legend")
        }
    }
}
