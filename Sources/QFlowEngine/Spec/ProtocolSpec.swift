import QFlowCrypto

/// An immutable protocol definition: a versioned, bilingual checklist with roles, phases, rules and triggers.
///
/// A protocol is identified by ``id`` and ``version``; once published it never changes (its content hash,
/// ``contentHash``, is stored beside it). Runs execute one version of one protocol on one subject.
///
/// ```swift
/// let spec = ProtocolSpec(id: "who_ssc", version: 1, title: .init(zh: "手术安全核查", en: "Surgical safety"),
///                         kind: .core, subject: "surgical-case", roles: [...], phases: [...])
/// ```
public struct ProtocolSpec: Sendable, Hashable, Codable {
    /// Stable identifier shared by every version (`[a-z][a-z0-9_]*`).
    public var id: String
    /// Version number; a newer version has a larger number.
    public var version: Int
    /// Bilingual title.
    public var title: LocalizedText
    /// The family of flow this protocol belongs to.
    public var kind: ProtocolKind
    /// What a run is about, e.g. `surgical-case`, `linen-batch`, `audit`, `respondent`.
    public var subject: String
    /// Facts about the subject that rules and deadlines may read, by name.
    public var subjectFields: [SubjectFieldSpec]
    /// The roles that take part.
    public var roles: [RoleSpec]
    /// Ordered phases, each with ordered items.
    public var phases: [PhaseSpec] {
        didSet { indexCache = SheetIndexCache() }
    }
    /// Other protocols started when a condition holds.
    public var triggers: [TriggerSpec]
    /// Where the content comes from (standard, guideline, study).
    public var source: String?
    /// Who may use each control verb (``ControlVerb`` raw value → role ids); nil or a missing verb means the
    /// default of ``roles(allowedTo:)``.
    public var permissions: [String: [String]]?
    /// Who may complete a run whose critical items failed, as a documented deviation; nil: such a run cannot be
    /// completed (it can only be stopped). Nil keeps the content hash of definitions without it.
    public var deviation: DeviationSpec?
    /// The document-control header (number, owner, approver, dates, change log); nil keeps the content hash of
    /// definitions without one.
    public var document: DocumentControl?
    /// The work queue its runs are offered in; nil keeps the content hash of definitions without one.
    public var queue: QueueSpec?
    /// Where each item sits and which rules read it, built once from ``phases`` (``RunSheet`` reads it).
    var indexCache = SheetIndexCache()

    private enum CodingKeys: String, CodingKey {
        case id, version, title, kind, subject, subjectFields, roles, phases, triggers, source, permissions
        case deviation, document, queue
    }

    /// Creates a protocol definition.
    public init(
        id: String, version: Int, title: LocalizedText, kind: ProtocolKind, subject: String,
        subjectFields: [SubjectFieldSpec] = [], roles: [RoleSpec], phases: [PhaseSpec],
        triggers: [TriggerSpec] = [], source: String? = nil, permissions: [String: [String]]? = nil,
        deviation: DeviationSpec? = nil, document: DocumentControl? = nil, queue: QueueSpec? = nil
    ) {
        self.id = id
        self.version = version
        self.title = title
        self.kind = kind
        self.subject = subject
        self.subjectFields = subjectFields
        self.roles = roles
        self.phases = phases
        self.triggers = triggers
        self.source = source
        self.permissions = permissions
        self.deviation = deviation
        self.document = document
        self.queue = queue
    }

    /// The reference `id@version`.
    public var reference: String { "\(id)@\(version)" }

    /// All items in checklist order, across phases.
    public var items: [ItemSpec] { phases.flatMap(\.items) }
    /// How many items the protocol has (without copying them, as ``items`` does).
    public var itemCount: Int { phases.reduce(0) { $0 + $1.items.count } }

    /// The SHA-256 of the canonical JSON encoding of this definition, as lowercase hex.
    public var contentHash: String {
        SHA256.hex(of: CanonicalJSON.encode(self))
    }
}

/// How a run whose critical items failed after the fact may still be closed honestly: a named role signs off the
/// failed items with a reason (`deviation: {sign_off: [head_nurse]}`).
///
/// The run completes, but its failures stay failures: measures count it as non-compliant, and reports list it.
public struct DeviationSpec: Sendable, Hashable, Codable {
    /// The roles that may sign off a deviation (e.g. the head nurse).
    public var signOff: [String]

    /// Creates a deviation clause.
    public init(signOff: [String]) {
        self.signOff = signOff
    }
}

/// The family of a protocol, as the source study groups its flows.
public enum ProtocolKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Duties of the nurses on a case, pre-op to post-op follow-up.
    case core
    /// Flows started by a condition (consultation, special infection, IUSS, specimens, …).
    case auxiliary
    /// Quality-control audits.
    case qc
    /// Linen isolation stages.
    case linen
    /// Satisfaction surveys.
    case survey
    /// Anything else.
    case other
}

/// A role that takes part in a protocol (e.g. scrub nurse).
public struct RoleSpec: Sendable, Hashable, Codable {
    /// Role identifier.
    public var id: String
    /// Bilingual role name.
    public var title: LocalizedText
    /// True when the person in this role is the run's subject (a survey respondent); nil otherwise, so that
    /// definitions without subject roles keep their content hash.
    public var isSubject: Bool?

    /// Creates a role.
    public init(id: String, title: LocalizedText, isSubject: Bool = false) {
        self.id = id
        self.title = title
        self.isSubject = isSubject ? true : nil
    }
}

/// A named, ordered group of items (e.g. WHO "Sign In").
public struct PhaseSpec: Sendable, Hashable, Codable {
    /// Phase identifier.
    public var id: String
    /// Bilingual phase name.
    public var title: LocalizedText
    /// Ordered items.
    public var items: [ItemSpec]
    /// Repeating groups, after the items (``GroupSpec``); nil keeps the content hash of definitions without them.
    public var groups: [GroupSpec]?

    /// Creates a phase.
    public init(id: String, title: LocalizedText, items: [ItemSpec], groups: [GroupSpec] = []) {
        self.id = id
        self.title = title
        self.items = items
        self.groups = groups.isEmpty ? nil : groups
    }
}

/// A fact about the subject that rules may read as `subject.NAME` (e.g. `subject.scheduled_start`).
public struct SubjectFieldSpec: Sendable, Hashable, Codable {
    /// Field name.
    public var name: String
    /// Field type.
    public var type: ValueType

    /// Creates a subject field declaration.
    public init(name: String, type: ValueType) {
        self.name = name
        self.type = type
    }
}

/// Starts another protocol on the same subject when a condition holds.
public struct TriggerSpec: Sendable, Hashable, Codable {
    /// Trigger identifier, unique within the protocol.
    public var id: String
    /// The protocol to start (its id; the latest published version is used).
    public var protocolId: String
    /// The condition, a boolean rule.
    public var when: RuleExpression
    /// Why the flow starts, for people.
    public var title: LocalizedText?

    /// Creates a trigger.
    public init(id: String, protocolId: String, when: RuleExpression, title: LocalizedText? = nil) {
        self.id = id
        self.protocolId = protocolId
        self.when = when
        self.title = title
    }
}
