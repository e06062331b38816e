import QFlowEngine
import QFlowProtocolFile

/// A BPMN file that cannot be read, imported or exported: what failed and every problem, located where it can be.
///
/// The problems are ``Diagnostic`` values (`FILE:LINE:COLUMN: message`), as for protocol files. Messages name
/// element ids, item ids and positions, never answers or patient data.
public struct BPMNError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's name.
        public let name: String
        /// The file is not safe or not well-formed XML (size, encoding, DOCTYPE, depth, syntax).
        public static let unsafeOrMalformed = Code(name: "unsafe_or_malformed")
        /// The XML is well formed but uses BPMN outside the documented subset, or breaks its rules.
        public static let unsupported = Code(name: "unsupported")
        /// The imported protocol does not validate.
        public static let invalidProtocol = Code(name: "invalid_protocol")
        /// The protocol cannot be written as BPMN (something without a mapping).
        public static let notExportable = Code(name: "not_exportable")
        /// The code's name.
        public var description: String { name }
    }

    /// What kind of failure.
    public var code: Code
    /// Every problem, in file order.
    public var diagnostics: [Diagnostic]

    /// Creates an error.
    public init(_ code: Code, _ diagnostics: [Diagnostic]) {
        self.code = code
        self.diagnostics = diagnostics
    }

    /// Creates an error with one located problem.
    public init(_ code: Code, file: String, line: Int, column: Int, _ message: String) {
        self.init(code, [Diagnostic(file: file, line: line, column: column, message: message)])
    }

    /// One line per problem.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

extension BPMNError: CodedError {
    /// Every BPMN failure is about the file given: invalid input.
    public var kind: ErrorKind { .invalidInput }
    /// The code's name.
    public var codeText: String { code.name }
    /// Every problem, one per line.
    public var message: String { description }
}
