import Foundation
import QFlowEngine

/// A run as a document (JSON for the CLI and the API): its summary, every item with status and outcome, what
/// blocks completion, and its history.
public struct RunDocument: Encodable, Sendable {
    /// One item.
    public struct Item: Encodable, Sendable {
        /// Item id, phase id, item type and status (`open`, `answered`, `not_applicable`, `skipped`, `hidden`).
        public var id, phase, type, status: String
        /// The item's title in zh and en.
        public var title: LocalizedText
        /// The current answer, as text.
        public var value: String?
        /// `pass`, `fail` or `undetermined` once answered.
        public var outcome: String?
        /// Why it failed, or why it was skipped.
        public var why: String?
        /// Whether it is a hard stop, and whether it must be answered.
        public var critical, required: Bool
        /// When it is due, if it has a deadline whose anchor is known.
        public var due: String?
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
        /// Kind of change, when, who, in which role.
        public var kind, at, user, role: String
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
                var outcome: String?
                switch sheet.outcome(of: item) {
                case .pass?: outcome = "pass"
                case .fail(let reason)?:
                    outcome = "fail"
                    why = reason
                case .undetermined?: outcome = "undetermined"
                case nil: break
                }
                return Item(
                    id: item.id, phase: phase.id, type: item.type.name, status: sheet.status(of: item).rawValue,
                    title: item.title, value: detail.state.answers[item.id]?.value.description, outcome: outcome,
                    why: why ?? detail.state.skipped[item.id], critical: item.critical,
                    required: sheet.isRequired(item), due: sheet.due(item).map(Timestamp.format),
                    signedBy: detail.state.signatures[item.id].map { $0.keys.sorted() })
            }
        }
        blockers =
            detail.state.status.isOpen
            ? sheet.completionBlockers.map { Blocker(code: $0.code.rawValue, item: $0.item, message: $0.message) } : []
        events = detail.events.map {
            Event(
                seq: $0.seq, kind: $0.event.kind, at: Timestamp.format($0.event.at), user: $0.event.actor.id,
                role: $0.event.actor.role, workstation: $0.event.actor.workstation, reason: $0.event.reason)
        }
    }
}
