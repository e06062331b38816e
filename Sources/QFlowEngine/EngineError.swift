/// Why the engine refused a command: a stable code, a message for people, and the item concerned.
///
/// Messages name items and rules, never patient data.
public struct EngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, extensible error code.
    public typealias Code = ErrorCode<EngineError>

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

extension ErrorCode where Domain == EngineError {
    /// The run is not in a state that allows the command (stopped, completed, suspended…).
    public static let invalidState = Self(rawValue: "invalid_state")
    /// The item does not exist in this protocol version.
    public static let unknownItem = Self(rawValue: "unknown_item")
    /// The answer does not fit the item's type, range or options.
    public static let invalidAnswer = Self(rawValue: "invalid_answer")
    /// The item is hidden by its `show_if` rule.
    public static let itemHidden = Self(rawValue: "item_hidden")
    /// The item belongs to a phase that has not been reached.
    public static let itemNotReached = Self(rawValue: "item_not_reached")
    /// The item cannot be recorded this way (a signature must be signed).
    public static let notRecordable = Self(rawValue: "not_recordable")
    /// The actor's role may not do this.
    public static let roleNotAllowed = Self(rawValue: "role_not_allowed")
    /// The person already signed the item in another role (one person, one signature).
    public static let duplicateSigner = Self(rawValue: "duplicate_signer")
    /// A verb that needs a reason was given none.
    public static let reasonRequired = Self(rawValue: "reason_required")
    /// The target of return or jump is not valid.
    public static let invalidTarget = Self(rawValue: "invalid_target")
    /// A critical item failed: completion is blocked.
    public static let criticalFailure = Self(rawValue: "critical_failure")
    /// A gate item (`gate: true`) is unanswered or failed: the item asked for lies behind it. ``item`` names the
    /// gate.
    public static let gated = Self(rawValue: "gated")
    /// A completion with a deviation does not name exactly the failed critical items, or the protocol allows none.
    public static let invalidDeviation = Self(rawValue: "invalid_deviation")
    /// Required items are still open.
    public static let incomplete = Self(rawValue: "incomplete")
    /// Migration between these versions is not possible.
    public static let invalidMigration = Self(rawValue: "invalid_migration")
    /// The protocol has no work queue: its runs are not claimed, released or reassigned.
    public static let notQueued = Self(rawValue: "not_queued")
    /// The run already has an owner (claim), or already belongs to the person named (reassign).
    public static let alreadyClaimed = Self(rawValue: "already_claimed")
    /// Only the run's owner may do this (release).
    public static let notOwner = Self(rawValue: "not_owner")
    /// The event log is not a valid history of a run.
    public static let corruptHistory = Self(rawValue: "corrupt_history")
}
