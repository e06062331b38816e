import Foundation

/// Who did something, in which role, at which workstation.
public struct Actor: Sendable, Hashable, Codable {
    /// The user's id (a staff id, never a patient's).
    public var id: String
    /// The role the user acted in.
    public var role: String
    /// The workstation, if known.
    public var workstation: String?
    /// The subject this actor is bound to (a survey respondent answers only their own survey), if any.
    public var subject: String?

    /// Creates an actor.
    public init(id: String, role: String, workstation: String? = nil, subject: String? = nil) {
        self.id = id
        self.role = role
        self.workstation = workstation
        self.subject = subject
    }
}

/// One fact in a run's history. A run's state is the fold of its events (``RunState/fold(_:)``).
public struct RunEvent: Sendable, Hashable, Codable {
    /// When it happened.
    public var at: Date
    /// Who did it.
    public var actor: Actor
    /// Why (required for every verb except record, sign and complete).
    public var reason: String?
    /// What changed.
    public var change: Change

    /// Creates an event.
    public init(at: Date, actor: Actor, reason: String? = nil, change: Change) {
        self.at = at
        self.actor = actor
        self.reason = reason
        self.change = change
    }

    /// What an event changes.
    public enum Change: Sendable, Hashable, Codable {
        /// The run began.
        case started(Start)
        /// An item was answered (a later answer supersedes an earlier one).
        case recorded(item: String, value: AnswerValue)
        /// A role signed a signature item.
        case signed(item: String, role: String)
        /// The run went back to an item; answers from it onward are superseded and open again.
        case returned(to: String, reopened: [String])
        /// The run jumped forward to an item; the open items passed over are skipped.
        case jumped(to: String, skipped: [String])
        /// Work paused.
        case suspended
        /// Work resumed.
        case resumed
        /// The run was terminated.
        case stopped
        /// A new attempt of this run was started under `newRun`.
        case restarted(newRun: String)
        /// The run moved to a newer version of its protocol.
        case migrated(Migration)
        /// A trigger's condition held: the application starts `protocolId` on the same subject.
        case triggered(trigger: String, protocolId: String)
        /// A documented deviation was signed off: the failed critical items, by the actor in a sign-off role, with
        /// the event's reason. A `completed` event follows it.
        case deviated(items: [String])
        /// The run was completed.
        case completed
        /// The actor claimed the run from its queue and owns it.
        case claimed
        /// The owner gave the run back to its queue.
        case released
        /// A supervisor role gave the run to the named person (with the event's reason); `from` is the owner before.
        case reassigned(to: String, from: String?)
        /// A step of a deadline's ladder (or the queue's unclaimed limit) was reached and its role told.
        case escalated(Escalation)
    }

    /// A ladder step reached: which item and step, who is told, when it was due, and who owned the run then.
    public struct Escalation: Sendable, Hashable, Codable {
        /// The item whose deadline it is; nil for the queue's unclaimed step (about the run itself).
        public var item: String?
        /// The step: `1`, `2`, … (the ladder's steps in file order), `overdue`, or `unclaimed`.
        public var step: String
        /// The roles told.
        public var to: [String]
        /// Whether it escalates (to a supervisor) rather than reminds.
        public var escalates: Bool
        /// When the step was due (the event's time is when it was recorded).
        public var due: Date
        /// The run's owner when the step was reached, if it had one.
        public var owner: String?

        /// Creates an escalation.
        public init(item: String?, step: String, to: [String], escalates: Bool, due: Date, owner: String?) {
            self.item = item
            self.step = step
            self.to = to
            self.escalates = escalates
            self.due = due
            self.owner = owner
        }

        /// The key that makes a step fire once per run: `ITEM/STEP` (`/unclaimed` for the queue).
        public var key: String { "\(item ?? "")/\(step)" }
    }

    /// The facts of a run's beginning.
    public struct Start: Sendable, Hashable, Codable {
        /// The run's id.
        public var runId: String
        /// The protocol id.
        public var protocolId: String
        /// The protocol version.
        public var version: Int
        /// The content hash of that version.
        public var specHash: String
        /// The subject's id.
        public var subjectId: String
        /// Attempt number (1 for a first run).
        public var attempt: Int
        /// The run this one restarts, if any.
        public var previousRun: String?
        /// The run and trigger that started this run, if a trigger did.
        public var triggeredBy: Origin?
    }

    /// The run and trigger that started another run.
    public struct Origin: Sendable, Hashable, Codable {
        /// The run whose trigger fired.
        public var run: String
        /// The trigger's id in that run's protocol.
        public var trigger: String

        /// Creates an origin.
        public init(run: String, trigger: String) {
            self.run = run
            self.trigger = trigger
        }
    }

    /// The facts of a migration.
    public struct Migration: Sendable, Hashable, Codable {
        /// The version before.
        public var fromVersion: Int
        /// The version after.
        public var toVersion: Int
        /// The content hash of the new version.
        public var toHash: String
        /// Old item id → new item id, for answers, skips and signatures carried over.
        public var carried: [String: String]
        /// Old item ids whose answers were dropped.
        public var dropped: [String]
    }

    /// A short name of the kind of change, for logs and listings (`recorded`, `jumped`, …).
    public var kind: String {
        switch change {
        case .started: "started"
        case .recorded: "recorded"
        case .signed: "signed"
        case .returned: "returned"
        case .jumped: "jumped"
        case .suspended: "suspended"
        case .resumed: "resumed"
        case .stopped: "stopped"
        case .restarted: "restarted"
        case .migrated: "migrated"
        case .triggered: "triggered"
        case .deviated: "deviated"
        case .completed: "completed"
        case .claimed: "claimed"
        case .released: "released"
        case .reassigned: "reassigned"
        case .escalated: "escalated"
        }
    }
}
