import GRDB
import QFlowEngine

/// Why the store refused or failed an operation. Nothing already recorded is changed when one is thrown.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// A stable, machine-readable code (also used by the JSON API).
    public typealias Code = ErrorCode<StoreError>

    /// What kind of failure this is.
    public var code: Code
    /// One line for a person: what, which item, why.
    public var message: String
    /// The engine's reason when `code` is `refused`.
    public var engineCode: EngineError.Code?
    /// The item concerned, if any.
    public var item: String?
    /// Every problem of a refused batch or form (rows of a schedule, fields of a case), in order; empty otherwise.
    public var problems: [Problem] = []
    /// The file the problems' lines refer to (a case schedule), when the caller knows it.
    public var file: String?
    /// The SQLite or engine error this one wraps, if any.
    public var cause: (any Error)?

    /// One problem of a refused input: where (line of a file, field or column) and what is wrong.
    ///
    /// Messages name the field and the line, never the value entered (patient data may be in it).
    public struct Problem: Sendable, Hashable, Codable, CustomStringConvertible {
        /// The 1-based line of the file (a schedule's physical line), or nil for a single case.
        public var line: Int?
        /// The field or column concerned, if any (`room`, `implant`).
        public var field: String?
        /// What is wrong.
        public var message: String
        /// What is wrong, in Chinese (the workstation's zh pages show it), when it has been written.
        public var zh: String?

        /// Creates a problem.
        public init(line: Int? = nil, field: String? = nil, message: String, zh: String? = nil) {
            self.line = line
            self.field = field
            self.message = message
            self.zh = zh
        }

        /// Creates a problem from a bilingual message.
        public init(line: Int? = nil, field: String? = nil, _ text: LocalizedText) {
            self.init(line: line, field: field, message: text.en, zh: text.zh)
        }

        /// The message in a language (English where no Chinese was written).
        public func message(_ language: Language) -> String { language == .zh ? zh ?? message : message }

        /// `LINE: field: message`, leaving out what is not known.
        public var description: String {
            [line.map(String.init), field].compactMap { $0 }.map { $0 + ": " }.joined() + message
        }
    }

    /// Creates an error.
    public init(_ code: Code, _ message: String, engineCode: EngineError.Code? = nil, item: String? = nil) {
        self.code = code
        self.message = message
        self.engineCode = engineCode
        self.item = item
    }

    /// Creates an `invalid_input` error carrying every problem found.
    public init(_ message: String, problems: [Problem]) {
        self.init(.invalidInput, message, item: problems.count == 1 ? problems[0].field : nil)
        self.problems = problems
    }

    /// Wraps an engine refusal.
    public init(_ error: EngineError) {
        self.init(.refused, error.message, engineCode: error.code, item: error.item)
        cause = error
    }

    /// The message, prefixed by the code.
    public var description: String { "\(engineCode?.rawValue ?? code.rawValue): \(message)" }

    /// Converts any error thrown inside a database closure.
    package static func wrap(_ error: any Error, _ operation: String) -> StoreError {
        switch error {
        case let error as StoreError: return error
        case let error as EngineError: return StoreError(error)
        case let error as DatabaseError:
            var wrapped = database(error, operation)
            wrapped.cause = error
            return wrapped
        default:
            var wrapped = StoreError(.database, "\(operation): \(error)")
            wrapped.cause = error
            return wrapped
        }
    }

    private static func database(_ error: DatabaseError, _ operation: String) -> StoreError {
        if error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            return StoreError(
                .database,
                "\(operation): the database stayed busy past the timeout; nothing was recorded, try again")
        }
        if error.resultCode == .SQLITE_CONSTRAINT, error.message?.contains("event.run_id, event.seq") == true {
            return StoreError(.conflict, "\(operation): another workstation recorded on this run first; reload")
        }
        if error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
            return StoreError(
                .corrupt, "\(operation): the file is not a valid QualityFlow database (\(error.resultCode))")
        }
        return StoreError(.database, "\(operation): SQLite error \(error.resultCode): \(error.message ?? "")")
    }
}

extension StoreError: CodedError {
    /// The kind of the store's code; a refusal takes the engine's kind (a role not held is `forbidden`).
    public var kind: ErrorKind {
        switch code {
        case .notFound: .notFound
        case .conflict: .conflict
        case .alreadyExists: .alreadyExists
        case .invalidInput: .invalidInput
        case .signInRefused: .unauthenticated
        case .forbidden: .forbidden
        case .refused: engineCode?.kind ?? .refused
        case .corrupt: .corrupt
        case .database: .database
        default: .internal
        }
    }
    /// The engine's code for a refusal, else the store's.
    public var codeText: String { engineCode?.rawValue ?? code.rawValue }
    /// The item or field concerned.
    public var field: String? { item }
}

extension ErrorCode where Domain == StoreError {
    /// No such protocol, subject or run.
    public static let notFound = Self(rawValue: "not_found")
    /// Someone else changed the run first (a stale sequence number); reload and try again.
    public static let conflict = Self(rawValue: "conflict")
    /// The thing exists already with different content (a published version never changes).
    public static let alreadyExists = Self(rawValue: "already_exists")
    /// The request itself is malformed (unknown subject field, bad value).
    public static let invalidInput = Self(rawValue: "invalid_input")
    /// A sign-in was refused (unknown id, wrong password, locked or inactive account: deliberately alike).
    public static let signInRefused = Self(rawValue: "sign_in_refused")
    /// The signed-in user may not do this (a role not held, a page or run outside the role's scope).
    public static let forbidden = Self(rawValue: "forbidden")
    /// The engine refused the command; `engineCode` says why.
    public static let refused = Self(rawValue: "refused")
    /// The database file is not a QualityFlow database, is newer than this program, or is damaged.
    public static let corrupt = Self(rawValue: "corrupt")
    /// SQLite failed (disk full, I/O error, locked past the busy timeout).
    public static let database = Self(rawValue: "database")
}
