import QFlowStats

extension Comparison {
    /// What a comparison found: one case per design, each with the test that design calls for.
    ///
    /// ```swift
    /// switch comparison.result {
    /// case .independentBinary(let block): print(block.fisher.twoSidedP)
    /// case .pairedBinary(let table, let mcnemar): print(table.total, mcnemar.exactP)
    /// default: break
    /// }
    /// ```
    public enum Result: Sendable {
        /// Different subjects in each cohort, a yes/no outcome: the SPSS 2×2 block (Pearson, Yates, LR, Fisher).
        case independentBinary(ProportionsComparison)
        /// The same subjects in both cohorts, a yes/no outcome: the paired table and McNemar's test.
        case pairedBinary(table: PairedTable, mcnemar: McNemarTest)
        /// Two cohorts, a continuous outcome: Welch's t and Mann–Whitney.
        case continuous(welch: WelchTTest, mannWhitney: MannWhitneyTest)
        /// One or more cohorts month by month, a yes/no outcome: one p-chart per cohort.
        case overTime([MonthlyChart])
        /// Two cohorts month by month (before, after an intervention): their p-charts and the segmented regression.
        case interruptedTimeSeries(charts: [MonthlyChart], fit: TimeSeriesFit)

        /// The design behind the result (an interrupted time series is a design over time).
        public var design: ComparisonDesign {
            switch self {
            case .independentBinary: .independentBinary
            case .pairedBinary: .pairedBinary
            case .continuous: .continuous
            case .overTime, .interruptedTimeSeries: .overTime
            }
        }
    }

    /// The paired table of a before/after yes/no comparison, one respondent per cell count.
    public struct PairedTable: Sendable, Hashable {
        /// Yes in both cohorts.
        public var both: Int
        /// Yes in the first cohort only.
        public var aOnly: Int
        /// Yes in the second cohort only.
        public var bOnly: Int
        /// No in both cohorts.
        public var neither: Int

        /// Creates a table from its four cells.
        public init(both: Int = 0, aOnly: Int = 0, bOnly: Int = 0, neither: Int = 0) {
            self.both = both
            self.aOnly = aOnly
            self.bOnly = bOnly
            self.neither = neither
        }

        /// The respondents paired: every cell.
        public var total: Int { both + aOnly + bOnly + neither }
    }

    /// One cohort's yes/no measure month by month and its p-chart.
    public struct MonthlyChart: Sendable {
        /// The cohort's name.
        public var cohortName: String
        /// The months charted, `YYYY-MM`, in order.
        public var months: [String]
        /// The p-chart of those months.
        public var chart: PChart
    }

    /// The segmented regression of an interrupted time series: the first cohort's months before, the second's after.
    public struct TimeSeriesFit: Sendable {
        /// Every month, before then after.
        public var months: [String]
        /// Yes answers per month.
        public var events: [Int]
        /// Answers per month.
        public var totals: [Int]
        /// Month numbers from the first month (gaps kept).
        public var times: [Int]
        /// The fitted model.
        public var model: InterruptedTimeSeries
    }
}
