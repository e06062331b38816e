/// What kind of failure an error is, across modules: the one thing a front end reads to choose an exit code or an
/// HTTP status.
///
/// Each module keeps its own precise codes (`StoreError.Code`, `EngineError.Code`, …); each of those codes belongs to
/// one kind. The CLI maps kinds to exit codes in one place and the server maps them to statuses in one place, so no
/// front end decides anything by reading an error's type or its text.
public enum ErrorKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The input itself is malformed: an unknown field, a bad value, a file that does not parse.
    case invalidInput = "invalid_input"
    /// No such protocol, subject, run, user or file.
    case notFound = "not_found"
    /// The thing exists already with different content.
    case alreadyExists = "already_exists"
    /// Someone else changed it first (a stale sequence number, a run claimed first): reload and try again.
    case conflict
    /// The input is well formed but the rules refuse it (the engine's refusals, a comparison the data cannot make).
    case refused
    /// The person could not be identified (unknown id, wrong password, locked account: deliberately alike).
    case unauthenticated
    /// The person is identified but may not do this.
    case forbidden
    /// The database failed (disk full, I/O error, busy past the timeout).
    case database
    /// The database or a file is damaged, of another application, or newer than this program.
    case corrupt
    /// A file could not be read or written.
    case io
    /// Something this needs is not installed or not reachable (LibreOffice for PDF, a database server).
    case unavailable
    /// A fault of the program itself (an algorithm that did not converge, a broken invariant).
    case `internal`

    /// The kind's text, e.g. `invalid_input`.
    public var description: String { rawValue }
}

/// An error of QualityFlow: a kind, a stable code, one line for people, and where there is one, the field at fault
/// and the cause.
///
/// Every module's error type conforms. Messages name items, fields, lines and files, never the values entered
/// (patient data can be in them).
public protocol CodedError: Error, CustomStringConvertible {
    /// What kind of failure this is (chooses the exit code and the HTTP status).
    var kind: ErrorKind { get }
    /// The stable, machine-readable code (`conflict`, `invalid_answer`, `insufficient_data`, …), as the API returns it.
    var codeText: String { get }
    /// What went wrong and why, in one line.
    var message: String { get }
    /// The item or field concerned, if any.
    var field: String? { get }
    /// The lower-level error this one wraps, if any (kept for logs and debugging; never shown as is).
    var cause: (any Error)? { get }
}

extension CodedError {
    /// No field, unless the error names one.
    public var field: String? { nil }
    /// No cause, unless the error wraps one.
    public var cause: (any Error)? { nil }
}
