import Foundation

/// What a workbook carries beyond the report definition.
public struct ReportOptions: Sendable {
    /// The hospital's name, printed in every committee sheet's page header (nil: left out).
    public var hospital: String?
    /// Only the sheets a committee reads (Summary, Comparison, Compliance, SPC, Corrective actions): the raw data
    /// and the dictionary are left out. This is the workbook a PDF is made from.
    public var committeeOnly = false
    /// Replace the ids of respondents who are the subject of their run (staff surveys) by pseudonyms made for this
    /// workbook alone, in the raw data: for readers outside the quality office. Pairs stay pairs within the file.
    public var pseudonymiseRespondents = false

    /// Creates options.
    public init(hospital: String? = nil, committeeOnly: Bool = false, pseudonymiseRespondents: Bool = false) {
        self.hospital = hospital
        self.committeeOnly = committeeOnly
        self.pseudonymiseRespondents = pseudonymiseRespondents
    }
}
