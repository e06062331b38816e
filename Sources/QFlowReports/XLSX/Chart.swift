import CXLSXWriter
import Foundation

extension Worksheet {
    /// A native Excel p-chart: points, centre line and stepped control limits, from columns already on this sheet.
    ///
    /// `x` and the `y` columns are ranges of rows `first...last` on this sheet; limits use their own stepped x.
    public func insertControlChart(
        at row: Int, _ column: Int, title: String, xAxis: String, yAxis: String,
        series: [(name: String, xColumn: Int, yColumn: Int, first: Int, last: Int, markers: Bool)]
    ) throws(ReportError) {
        let chart = try workbook.addChart(LXW_CHART_SCATTER_STRAIGHT)
        for s in series {
            guard let added = chart_add_series(chart, nil, nil) else { throw ReportError("\(name): add chart series") }
            chart_series_set_categories(
                added, name, lxw_row_t(s.first), lxw_col_t(s.xColumn), lxw_row_t(s.last), lxw_col_t(s.xColumn))
            chart_series_set_values(
                added, name, lxw_row_t(s.first), lxw_col_t(s.yColumn), lxw_row_t(s.last), lxw_col_t(s.yColumn))
            chart_series_set_name(added, s.name)
            if s.markers {
                chart_series_set_marker_type(added, UInt8(LXW_CHART_MARKER_CIRCLE.rawValue))
            } else {
                chart_series_set_marker_type(added, UInt8(LXW_CHART_MARKER_NONE.rawValue))
                var line = lxw_chart_line()
                line.dash_type = UInt8(LXW_CHART_LINE_DASH_DASH.rawValue)
                line.width = 1.25
                chart_series_set_line(added, &line)
            }
        }
        chart_title_set_name(chart, title)
        chart_axis_set_name(chart.pointee.x_axis, xAxis)
        chart_axis_set_name(chart.pointee.y_axis, yAxis)
        chart_axis_set_num_format(chart.pointee.y_axis, "0%")
        chart_legend_set_position(chart, UInt8(LXW_CHART_LEGEND_BOTTOM.rawValue))
        try check(worksheet_insert_chart(handle, lxw_row_t(row), lxw_col_t(column), chart), "\(name): insert chart")
    }
}
