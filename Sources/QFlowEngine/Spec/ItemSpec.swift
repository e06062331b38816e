import Foundation

/// One checklist item: what to check or record, its type, flags, rules and deadline.
public struct ItemSpec: Sendable, Hashable, Codable {
    /// Item identifier, unique within the protocol (letters, digits, `_` and `.`).
    public var id: String
    /// Bilingual prompt.
    public var title: LocalizedText
    /// The kind of answer.
    public var type: ItemType
    /// Whether an answer is needed to finish the phase (default `true`); see also ``requiredIf``.
    public var required: Bool
    /// A failed critical item is a non-conformance that blocks completion (hard stop).
    public var critical: Bool
    /// Whether "not applicable" is an accepted answer.
    public var allowsNotApplicable: Bool
    /// Roles that may answer; empty means any role.
    public var roles: [String]
    /// The knowledge a nurse needs at this step.
    public var guidance: LocalizedText?
    /// Where the item comes from (standard and clause).
    public var source: String?
    /// The item is shown (and may be required) only when this holds.
    public var showIf: RuleExpression?
    /// The item is required only when this holds (overrides ``required``).
    public var requiredIf: RuleExpression?
    /// The answer passes only when this holds; otherwise the item fails.
    public var passIf: RuleExpression?
    /// When the item is due.
    public var deadline: DeadlineSpec?
    /// A hard stop that gates the next steps: while this item is unanswered or failed, items of later phases (and
    /// the items in ``gates``) refuse answers and signatures. Nil for an item that is not a gate, so that
    /// definitions without gates keep their content hash.
    public var gate: Bool?
    /// Further items this gate holds back, beyond the later phases (e.g. the incision time in the same phase).
    public var gates: [String]?

    /// Creates an item.
    public init(
        id: String, title: LocalizedText, type: ItemType, required: Bool = true, critical: Bool = false,
        allowsNotApplicable: Bool = false, roles: [String] = [], guidance: LocalizedText? = nil,
        source: String? = nil, showIf: RuleExpression? = nil, requiredIf: RuleExpression? = nil,
        passIf: RuleExpression? = nil, deadline: DeadlineSpec? = nil, gate: Bool = false, gates: [String] = []
    ) {
        self.id = id
        self.title = title
        self.type = type
        self.required = required
        self.critical = critical
        self.allowsNotApplicable = allowsNotApplicable
        self.roles = roles
        self.guidance = guidance
        self.source = source
        self.showIf = showIf
        self.requiredIf = requiredIf
        self.passIf = passIf
        self.deadline = deadline
        self.gate = gate ? true : nil
        self.gates = gates.isEmpty ? nil : gates
    }

    /// Whether the item is a gate (``gate``).
    public var isGate: Bool { gate == true }
}

/// The type of an item's answer.
public enum ItemType: Sendable, Hashable, Codable {
    /// Yes / no (and n.a. when allowed); "no" fails the item unless `pass_if` says otherwise.
    case check
    /// A whole number ≥ 0 (instrument, sponge, needle counts).
    case count
    /// A measured number with a unit and the range of plausible input.
    case number(unit: String?, min: Double?, max: Double?)
    /// A point in time (ISO-8601 with a time zone).
    case time
    /// One of the listed options.
    case choice(options: [ChoiceOption])
    /// Free text.
    case text
    /// Signed by every listed role.
    case signature(signers: [String])

    /// The name used in protocol files.
    public var name: String {
        switch self {
        case .check: "check"
        case .count: "count"
        case .number: "number"
        case .time: "time"
        case .choice: "choice"
        case .text: "text"
        case .signature: "signature"
        }
    }

    /// The names accepted in protocol files.
    public static let names = ["check", "count", "number", "time", "choice", "text", "signature"]

    /// The type of this item's value inside rule expressions.
    public var valueType: ValueType {
        switch self {
        case .check, .signature: .bool
        case .count, .number: .number
        case .time: .time
        case .choice, .text: .text
        }
    }
}

/// An option of a choice item.
public struct ChoiceOption: Sendable, Hashable, Codable {
    /// Option identifier (the stored value).
    public var id: String
    /// Bilingual label.
    public var label: LocalizedText

    /// Creates an option.
    public init(id: String, label: LocalizedText) {
        self.id = id
        self.label = label
    }
}

/// When an item is due: a duration before or after an anchor (a subject time or another item).
public struct DeadlineSpec: Sendable, Hashable, Codable {
    /// What the deadline is measured from.
    public enum Anchor: Sendable, Hashable, Codable {
        /// A time field of the subject, e.g. `subject.scheduled_start`.
        case subjectField(String)
        /// Another item: its time value for a time item, otherwise the moment it was answered.
        case item(String)
    }

    /// The anchor.
    public var anchor: Anchor
    /// Signed offset from the anchor in seconds (negative: before the anchor).
    public var offset: ISODuration
    /// Whether the offset is counted before the anchor.
    public var before: Bool
    /// The role told when the item is overdue (the ladder's last step, ``LadderStep/overdueStep``).
    public var escalateTo: String?
    /// Reminders and escalations before (or after) the due time, in the order they come; nil keeps the content
    /// hash of deadlines without a ladder.
    public var ladder: [LadderStep]?

    /// Creates a deadline.
    public init(
        anchor: Anchor, offset: ISODuration, before: Bool, escalateTo: String? = nil, ladder: [LadderStep] = []
    ) {
        self.anchor = anchor
        self.offset = offset
        self.before = before
        self.escalateTo = escalateTo
        self.ladder = ladder.isEmpty ? nil : ladder
    }

    /// The ladder's steps with their ids (`1`, `2`, … in file order), then the overdue step when ``escalateTo`` is
    /// set.
    public var steps: [(id: String, step: LadderStep)] {
        var out = (ladder ?? []).enumerated().map { (id: String($0.offset + 1), step: $0.element) }
        if let escalateTo {
            out.append(
                (
                    id: LadderStep.overdueStep,
                    step: LadderStep(offset: ISODuration.zero, before: false, role: escalateTo, escalates: true)
                ))
        }
        return out
    }

    /// The due moment for a given anchor time.
    public func due(from anchorTime: Date) -> Date {
        anchorTime.addingTimeInterval(Double(before ? -offset.seconds : offset.seconds))
    }
}
