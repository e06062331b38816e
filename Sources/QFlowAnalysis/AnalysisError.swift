import QFlowEngine

/// A comparison that cannot be made: a code, and one line naming the cohorts or the measure at fault.
public struct AnalysisError: CodedError, Sendable {
    /// Why the comparison cannot be made.
    public typealias Code = ErrorCode<AnalysisError>

    /// Why.
    public var code: Code
    /// What and why, naming cohorts and measures (never a patient's data).
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
    /// A request that is not a comparison is `invalid_input`; a cohort without data is `refused`.
    public var kind: ErrorKind { code == .invalidDesign ? .invalidInput : .refused }
    /// The code's text.
    public var codeText: String { code.rawValue }
}

extension ErrorCode where Domain == AnalysisError {
    /// The request does not describe a comparison (cohort count, measure type, time series without months).
    public static let invalidDesign = Self(rawValue: "invalid_design")
    /// A cohort has nothing to compare: no run in it has the measure recorded.
    public static let noData = Self(rawValue: "no_data")
}
