import QFlowBPMN
import QFlowEngine
import QFlowStore

/// What the CLI prints for an error and the code it exits with: the one translation of errors for a terminal.
///
/// Exit codes by kind: 3 for `conflict` (reload and try again), 4 for `database` and `corrupt`, 1 for every other
/// kind. A store error's problems are printed as `FILE:LINE: column: message` before the error line when the error
/// names its file, else as `  field: message` lines after it; a BPMN error's problems as `FILE:LINE:COLUMN: message`.
///
///     let report = ErrorReport(StoreError(.conflict, "run R000001 changed since you loaded it"))
///     // report.exitCode == 3, report.lines == ["error: run R000001 changed since you loaded it"]
public struct ErrorReport: Sendable, Hashable {
    /// The process's exit code.
    public var exitCode: Int32
    /// The lines for standard error, in order.
    public var lines: [String]

    /// The report of an error.
    public init(_ error: any CodedError) {
        exitCode = Self.exitCode(for: error.kind)
        switch error {
        case let error as StoreError: lines = Self.lines(error)
        case let error as BPMNError: lines = Self.lines(error)
        default: lines = ["error: \(error.message)"]
        }
    }

    /// The exit code of an error kind: 3 for a conflict, 4 for a database failure or damage, 1 otherwise.
    public static func exitCode(for kind: ErrorKind) -> Int32 {
        switch kind {
        case .conflict: 3
        case .database, .corrupt: 4
        case .invalidInput, .notFound, .alreadyExists, .refused, .unauthenticated, .forbidden, .io, .unavailable,
            .internal:
            1
        }
    }

    /// The lines for standard error, each ended by a newline.
    public var text: String { lines.map { $0 + "\n" }.joined() }

    private static func lines(_ error: StoreError) -> [String] {
        if let file = error.file {
            return error.problems.map { problemLine(file, $0) } + ["error: \(error.message)"]
        }
        // A single problem is the message itself; more are listed under it.
        let problems = error.problems.count > 1 ? error.problems.map { "  \($0)" } : []
        return ["error: \(error.message)"] + problems
    }

    private static func lines(_ error: BPMNError) -> [String] {
        // An export's problems are about a definition, not a position in a file.
        let exporting = error.code == .notExportable
        return error.diagnostics.map { exporting ? "\($0.file): \($0.message)" : $0.description }
            + ["error: \(exporting ? "nothing was exported" : "nothing was imported")"]
    }
}

/// `FILE:LINE: field: message` (without the parts a problem does not have).
func problemLine(_ file: String, _ problem: StoreError.Problem) -> String {
    var out = file
    if let line = problem.line { out += ":\(line)" }
    out += ": "
    if let field = problem.field { out += "\(field): " }
    return out + problem.message
}
