import Foundation

/// A work queue: runs of the protocol are offered to a role, one of its people claims a run and owns it, and a
/// supervisor role may reassign it to a named person.
///
/// ```yaml
/// queue: { offered_to: agent, reassign_by: [supervisor], unclaimed: P2D }
/// ```
public struct QueueSpec: Sendable, Hashable, Codable {
    /// The role whose people may claim a run.
    public var offeredTo: String
    /// The roles that may reassign a run to a named person (with a reason).
    public var reassignBy: [String]
    /// How long a run may wait unclaimed (from its start or its last release) before the `reassign_by` roles are
    /// told (an `escalated` event with the step ``LadderStep/unclaimedStep``); nil: never.
    public var unclaimed: ISODuration?
    /// How long an owned run may go without any work on it (an answer, a signature, any verb) before the
    /// `reassign_by` roles are told (the step ``LadderStep/stalledStep``, once per stall); nil: never.
    public var stalled: ISODuration?

    /// Creates a queue.
    public init(
        offeredTo: String, reassignBy: [String], unclaimed: ISODuration? = nil, stalled: ISODuration? = nil
    ) {
        self.offeredTo = offeredTo
        self.reassignBy = reassignBy
        self.unclaimed = unclaimed
        self.stalled = stalled
    }
}

/// One step of a deadline's escalation ladder: a moment relative to the item's due time, and who is told.
///
/// ```yaml
/// deadline:
///   before: P0D
///   of: subject.policy_expiry
///   escalate_to: department_head          # the last step: when the item is overdue
///   ladder:
///     - { before: P90D, notify: agent }    # a reminder, 90 days before it is due
///     - { before: P5D, escalate_to: supervisor }
/// ```
public struct LadderStep: Sendable, Hashable, Codable {
    /// Signed offset from the due time: `before` counts back, otherwise forward (`after: P1D` — a day overdue).
    public var offset: ISODuration
    /// Whether the offset is counted before the due time.
    public var before: Bool
    /// The role told: a reminder (``escalates`` false) or an escalation to a supervisor (true).
    public var role: String
    /// Whether the step escalates (`escalate_to`) rather than reminds (`notify`).
    public var escalates: Bool

    /// Creates a step.
    public init(offset: ISODuration, before: Bool, role: String, escalates: Bool) {
        self.offset = offset
        self.before = before
        self.role = role
        self.escalates = escalates
    }

    /// The step's moment for a due time.
    public func moment(dueAt due: Date) -> Date {
        due.addingTimeInterval(Double(before ? -offset.seconds : offset.seconds))
    }

    /// The step id of the overdue step (the deadline's own `escalate_to`).
    public static let overdueStep = "overdue"
    /// The step id of the queue's unclaimed escalation.
    public static let unclaimedStep = "unclaimed"
    /// The step id of the queue's stalled escalation.
    public static let stalledStep = "stalled"
}
