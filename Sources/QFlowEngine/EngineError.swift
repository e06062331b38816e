/// Why the engine refused a command: a stable code, a message for people, and the item concerned.
///
/// Messages name items and rules, never patient data.
public struct EngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, extensible error code.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code's text, e.g. `invalid_answer`.
        public let rawValue: String
        /// Creates a code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's text.
        public var description: String { rawValue }

        /// The run is not in a state that allows the command (stopped, completed, suspended…).
        public static let invalidState = Code(rawValue: "invalid_state")
        /// The item does not exist in this protocol version.
        public static let unknownItem = Code(rawValue: "unknown_item")
        /// The answer does not fit the item's type, range or options.
        public static let invalidAnswer = Code(rawValue: "invalid_answer")
        /// The item is hidden by its `show_if` rule.
        public static let itemHidden = Code(rawValue: "item_hidden")
        /// The item belongs to a phase that has not been reached.
        public static let itemNotReached = Code(rawValue: "item_not_reached")
        /// The item cannot be recorded this way (a signature must be signed).
        public static let notRecordable = Code(rawValue: "not_recordable")
        /// The actor's role may not do this.
        public static let roleNotAllowed = Code(rawValue: "role_not_allowed")
        /// The person already signed the item in another role (one person, one signature).
        public static let duplicateSigner = Code(rawValue: "duplicate_signer")
        /// A verb that needs a reason was given none.
        public static let reasonRequired = Code(rawValue: "reason_required")
        /// The target of return or jump is not valid.
        public static let invalidTarget = Code(rawValue: "invalid_target")
        /// A critical item failed: completion is blocked.
        public static let criticalFailure = Code(rawValue: "critical_failure")
        /// A gate item (`gate: true`) is unanswered or failed: the item asked for lies behind it. ``item`` names the
        /// gate.
        public static let gated = Code(rawValue: "gated")
        /// A completion with a deviation does not name exactly the failed critical items, or the protocol allows none.
        public static let invalidDeviation = Code(rawValue: "invalid_deviation")
        /// Required items are still open.
        public static let incomplete = Code(rawValue: "incomplete")
        /// Migration between these versions is not possible.
        public static let invalidMigration = Code(rawValue: "invalid_migration")
        /// The protocol has no work queue: its runs are not claimed, released or reassigned.
        public static let notQueued = Code(rawValue: "not_queued")
        /// The run already has an owner (claim), or already belongs to the person named (reassign).
        public static let alreadyClaimed = Code(rawValue: "already_claimed")
        /// Only the run's owner may do this (release).
        public static let notOwner = Code(rawValue: "not_owner")
        /// The event log is not a valid history of a run.
        public static let corruptHistory = Code(rawValue: "corrupt_history")
    }

    /// The code.
    public var code: Code
    /// What happened and why, for people.
    public var message: String
    /// The item concerned, if any.
    public var item: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, item: String? = nil) {
        self.code = code
        self.message = message
        self.item = item
    }

    /// The message.
    public var description: String { message }
}

extension EngineError.Code {
    /// Role and ownership refusals are `forbidden`, a run claimed first is a `conflict`, a broken history is
    /// `corrupt`; every other refusal is `refused`.
    public var kind: ErrorKind {
        switch self {
        case .roleNotAllowed, .duplicateSigner, .notOwner: .forbidden
        case .alreadyClaimed: .conflict
        case .corruptHistory: .corrupt
        default: .refused
        }
    }
}

extension EngineError: CodedError {
    /// The kind of the code.
    public var kind: ErrorKind { code.kind }
    /// The code's text.
    public var codeText: String { code.rawValue }
    /// The item concerned.
    public var field: String? { item }
}
