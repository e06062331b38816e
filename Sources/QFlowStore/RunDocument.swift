import Foundation
import QFlowEngine

/// A run as a document (JSON for the CLI and the API): its summary, every item with status and outcome, what
/// blocks completion, and its history.
public struct RunDocument: Encodable, Sendable {
    /// One item.
    public struct Item: Encodable, Sendable {
        /// Item id, phase id and item type.
        public var id, phase, type: String
        /// `open`, `answered`, `not_applicable`, `skipped` or `hidden`.
        public var status: ItemStatus
        /// The item's title in zh and en.
        public var title: LocalizedText
        /// The current answer, as text.
        public var value: String?
        /// `pass`, `fail` or `undetermined` once answered.
        public var outcome: Verdict?
        /// Why it failed, or why it was skipped.
        public var why: String?
        /// Whether it is a hard stop, and whether it must be answered.
        public var critical, required: Bool
        /// When it is due, if it has a deadline whose anchor is known.
        public var due: Date?
        /// The roles that have signed, for signature items.
        public var signedBy: [String]?
    }

    /// Something that blocks completion.
    public struct Blocker: Encodable, Sendable {
        /// The engine's code (`incomplete`, `critical_failure`).
        public var code: String
        /// The item concerned.
        public var item: String?
        /// Why, in one line.
        public var message: String
    }

    /// One event of the history.
    public struct Event: Encodable, Sendable {
        /// The event's sequence number in the run.
        public var seq: Int
        /// Kind of change, who, in which role.
        public var kind, user, role: String
        /// When.
        public var at: Date
        /// Where, and why (for verbs that need a reason).
        public var workstation, reason: String?
    }

    /// The projection row.
    public var run: RunSummary
    /// Every item, in order.
    public var items: [Item]
    /// What blocks completion (empty once the run has ended).
    public var blockers: [Blocker]
    /// The history.
    public var events: [Event]

    /// Builds the document of a run.
    public init(_ detail: RunDetail) {
        run = detail.summary
        let sheet = detail.sheet
        items = sheet.spec.phases.flatMap { phase in
            phase.items.map { item in
                var why: String?
                var outcome: Verdict?
                switch sheet.outcome(of: item) {
                case .pass?: outcome = .pass
                case .fail(let reason)?:
                    outcome = .fail
                    why = reason
                case .undetermined?: outcome = .undetermined
                case nil: break
                }
                return Item(
                    id: item.id, phase: phase.id, type: item.type.name, status: sheet.status(of: item),
                    title: item.title, value: detail.state.answers[item.id]?.value.description, outcome: outcome,
                    why: why ?? detail.state.skipped[item.id], critical: item.critical,
                    required: sheet.isRequired(item), due: sheet.due(item),
                    signedBy: detail.state.signatures[item.id].map { $0.keys.sorted() })
            }
        }
        blockers =
            detail.state.status.isOpen
            ? sheet.completionBlockers.map { Blocker(code: $0.code.rawValue, item: $0.item, message: $0.message) } : []
        events = detail.events.map {
            Event(
                seq: $0.seq, kind: $0.event.kind, user: $0.event.actor.id,
                role: $0.event.actor.role, at: $0.event.at, workstation: $0.event.actor.workstation,
                reason: $0.event.reason)
        }
    }
}
