import Foundation
import QFlowEngine
import QFlowStore

/// A report definition: what to put in the workbook. Read from `Reports/NAME.yaml`.
public struct ReportSpec: Sendable {
    /// A comparison of a measure between cohorts (or a chart of one over months).
    public struct ComparisonSpec: Sendable {
        /// The measure, `KIND:NAME`.
        public var measure: String
        /// Cohort names (saved in the database, or defined in the report).
        public var cohorts: [String]
        /// Chart month by month instead.
        public var overTime: Bool
        /// A short title for the sheet and the summary.
        public var title: LocalizedText?
        /// With `overTime` and two cohorts (before, after): also the interrupted time series (`design: its`).
        public var interruptedTimeSeries: Bool

        /// Creates a comparison spec.
        public init(
            measure: String, cohorts: [String], overTime: Bool = false, title: LocalizedText? = nil,
            interruptedTimeSeries: Bool = false
        ) {
            self.interruptedTimeSeries = interruptedTimeSeries
            self.measure = measure
            self.cohorts = cohorts
            self.overTime = overTime
            self.title = title
        }
    }

    /// The protocol a report lists as corrective actions unless its file names another: `corrective_action`.
    public static let defaultActionsProtocol = "corrective_action"

    /// The report's title.
    public var title: LocalizedText
    /// Cohorts defined by the report itself (in addition to those saved in the database).
    public var cohorts: [Cohort]
    /// Comparisons, each on its own sheet.
    public var comparisons: [ComparisonSpec]
    /// Item compliance: which cohort, grouped how.
    public var compliance: (cohort: String?, by: [ComplianceDimension], threshold: Double)?
    /// The SPC sheet: yes/no measures month by month in one cohort, one p-chart each.
    public var spc: (measures: [String], cohort: String?)?
    /// Whether to list corrective actions.
    public var actions: Bool
    /// The protocol whose runs are the corrective actions (`actions: { protocol: ID }`; default
    /// ``defaultActionsProtocol``).
    public var actionsProtocol: String
    /// Whether to list the runs completed with a documented deviation (failed critical items signed off).
    public var deviations: Bool
    /// Raw data: the cohort and protocols exported in long and wide format.
    public var raw: (cohort: String?, protocols: [String])?
    /// The file the report was read from.
    public var file: String?

    /// Creates a report spec.
    public init(
        title: LocalizedText, cohorts: [Cohort] = [], comparisons: [ComparisonSpec] = [],
        compliance: (cohort: String?, by: [ComplianceDimension], threshold: Double)? = nil,
        spc: (measures: [String], cohort: String?)? = nil, actions: Bool = false,
        raw: (cohort: String?, protocols: [String])? = nil, file: String? = nil, deviations: Bool = false,
        actionsProtocol: String = ReportSpec.defaultActionsProtocol
    ) {
        self.title = title
        self.cohorts = cohorts
        self.comparisons = comparisons
        self.compliance = compliance
        self.spc = spc
        self.actions = actions
        self.actionsProtocol = actionsProtocol
        self.deviations = deviations
        self.raw = raw
        self.file = file
    }
}
