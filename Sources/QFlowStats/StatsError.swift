/// The single error type of the statistics module: a machine-readable code and a human-readable message.
///
/// Messages name the operation and the offending field, never a patient or clinical value beyond the
/// input numbers the caller supplied.
public struct StatsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An extensible set of error kinds.
    public typealias Code = ErrorCode<StatsError>

    /// What kind of error this is.
    public let code: Code
    /// A clear, complete sentence describing the problem.
    public let message: String

    /// Creates an error with a code and a message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message, prefixed by nothing: suitable for a CLI error line.
    public var description: String { message }

    static func invalid(_ message: String) -> StatsError { StatsError(.invalidInput, message) }
}

extension StatsError: CodedError {
    /// Bad input, malformed JSON and unknown tests are `invalid_input`; an algorithm that did not converge is
    /// `internal`.
    public var kind: ErrorKind { code == .noConvergence ? .internal : .invalidInput }
    /// The code's text.
    public var codeText: String { code.rawValue }
}

extension ErrorCode where Domain == StatsError {
    /// An argument is outside the domain of the function or test (negative count, x > n, empty sample…).
    public static let invalidInput = Self(rawValue: "invalid_input")
    /// A JSON document could not be parsed or has the wrong overall shape.
    public static let malformedJSON = Self(rawValue: "malformed_json")
    /// A request asked for a test this module does not know.
    public static let unknownTest = Self(rawValue: "unknown_test")
    /// An iterative algorithm did not converge (should not happen for valid input).
    public static let noConvergence = Self(rawValue: "no_convergence")
}
