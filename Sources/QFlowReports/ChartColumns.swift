/// The named columns of one kind of block on the chart helper sheet (``ChartData``): each case a column, in order,
/// its name the column's heading.
protocol ChartColumns: CaseIterable, RawRepresentable<Int> {}

/// One row of a helper block, its cells set by column name rather than by number.
///
/// ```swift
/// var row = ChartRow<PChartColumn>()
/// row[.p] = .number(0.95)
/// ```
struct ChartRow<Column: ChartColumns> {
    /// The row's cells, one per column (blank until set).
    private(set) var cells = [Worksheet.Cell](repeating: .blank, count: Column.allCases.count)

    /// The cell in `column`.
    subscript(column: Column) -> Worksheet.Cell {
        get { cells[column.rawValue] }
        set { cells[column.rawValue] = newValue }
    }
}

/// Columns of a p-chart's block on the helper sheet: one row per month for the points, two per month for the
/// stepped limits (each month's limit from its left edge to its right edge).
enum PChartColumn: Int, ChartColumns {
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
enum IntervalColumn: Int, ChartColumns {
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

/// Columns of an interrupted time series' block on the helper sheet: one row per month.
enum TimeSeriesColumn: Int, ChartColumns {
    /// The month, as text.
    case month
    /// The point's x on the month grid (as the p-charts place it).
    case x
    /// The observed proportion.
    case observed
    /// The segmented regression's fitted value.
    case fitted
    /// After the intervention: the pre-intervention trend carried on (what would have happened), else blank.
    case counterfactual
}
