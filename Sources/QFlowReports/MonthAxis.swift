/// Where a chart's months sit on its x axis: Excel dates mid-month on a uniform grid when every month parses
/// (`yyyy-mm`), else 1, 2, 3, …; monthly ticks fall on the points.
struct MonthAxis {
    /// Each month's x.
    let x: [Double]
    /// Whether `x` are dates (every month parsed).
    let dated: Bool

    /// Places `months` on the grid.
    init(_ months: [String]) {
        (x, dated) = ReportWriter.monthGrid(months)
    }

    /// One month on the axis: the mean Gregorian month in days, or 1.
    var unit: Double { dated ? ReportWriter.monthDays : 1 }

    /// The first point (a single month gets a third of a month before it).
    var low: Double { x.count > 1 ? x[0] : (x.first ?? 0) - unit / 3 }

    /// The last point (a single month gets a third of a month after it).
    var high: Double { x.count > 1 ? x[x.count - 1] : (x.first ?? 0) + unit / 3 }

    /// Where a month's step (its control limit) starts (`left`) or ends: half a month either side, within the axis.
    func stepEdge(_ month: Int, left: Bool) -> Double {
        left ? max(low, x[month] - unit / 2) : min(high, x[month] + unit / 2)
    }

    /// The x axis: from the first point to the last, a tick every month (every few months past a year).
    ///
    /// With `padSingleMonth` a chart of one month is widened by a third of a month either side (p-charts).
    func axis(name: String, padSingleMonth: Bool) -> ChartSpec.Axis {
        let n = x.count
        let bounds =
            padSingleMonth ? (low, high + (n > 1 ? 0.01 : 0)) : (x.first ?? 0, (x.last ?? 0) + 0.01)
        return ChartSpec.Axis(
            name: name, numberFormat: dated ? "yyyy-mm" : "0", min: bounds.0, max: bounds.1,
            majorUnit: unit * Double(max(1, (n + 11) / 12)))
    }
}
