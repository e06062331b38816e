import Foundation

extension Engine {
    /// The change a queue verb makes, after its rules: only the offered role claims, one owner at a time, only the
    /// owner releases, only a `reassign_by` role reassigns (the reason is checked by
    /// ``execute(_:spec:state:context:)``).
    static func queueChange(_ command: RunCommand, spec: ProtocolSpec, state: RunState, actor: Actor)
        throws(EngineError) -> RunEvent.Change
    {
        guard let queue = spec.queue else {
            throw EngineError(.notQueued, "\(spec.reference) has no work queue: its runs are not claimed or reassigned")
        }
        switch command {
        case .claim:
            guard actor.role == queue.offeredTo else {
                throw EngineError(
                    .roleNotAllowed,
                    "role \(actor.role) may not claim runs of \(spec.reference): they are offered to \(queue.offeredTo)"
                )
            }
            if let owner = state.owner {
                throw EngineError(
                    .alreadyClaimed,
                    owner.user == actor.id
                        ? "run \(state.runId) is already yours"
                        : "run \(state.runId) already has an owner: one owner at a time "
                            + "(a \(queue.reassignBy.joined(separator: " or ")) may reassign it)"
                )
            }
            return .claimed
        case .release:
            guard let owner = state.owner else {
                throw EngineError(.notOwner, "run \(state.runId) has no owner: there is nothing to release")
            }
            guard owner.user == actor.id else {
                throw EngineError(.notOwner, "only the owner of run \(state.runId) may release it")
            }
            return .released
        case .reassign(let target):
            guard queue.reassignBy.contains(actor.role) else {
                throw EngineError(
                    .roleNotAllowed,
                    "role \(actor.role) may not reassign runs of \(spec.reference) "
                        + "(allowed: \(queue.reassignBy.joined(separator: ", ")))"
                )
            }
            let user = target.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !user.isEmpty, user.count <= 100, !user.contains(where: \.isNewline), user == target else {
                throw EngineError(.invalidAnswer, "'to' must name a user: 1–100 characters on one line")
            }
            if state.owner?.user == user {
                throw EngineError(.alreadyClaimed, "run \(state.runId) already belongs to the user named in 'to'")
            }
            return .reassigned(to: user, from: state.owner?.user)
        default:
            throw EngineError(.invalidState, "\(command.verb) is not a queue verb")
        }
    }

    /// The `escalated` events of every ladder step (and the queue's unclaimed step) due at `now` that has not been
    /// reached before, in the order they fell due. Idempotent: applying them and asking again gives none.
    ///
    /// A run that is no longer open, and an item that is answered, hidden or skipped, escalate nothing. When
    /// several steps fell due since the last call, each is recorded (with its own due time), earliest first.
    ///
    /// ```swift
    /// let events = Engine.escalate(spec: spec, state: state, subject: facts, at: now, actor: .system)
    /// ```
    public static func escalate(
        spec: ProtocolSpec, state: RunState, subject: SubjectFacts, at now: Date, actor: Actor
    ) -> [RunEvent] {
        RunSheet(spec: spec, state: state, subject: subject).pendingSteps
            .filter { $0.escalation.due <= now }
            .map { RunEvent(at: now, actor: actor, change: .escalated($0.escalation)) }
    }
}

extension Actor {
    /// The actor of events the application records by itself (escalations): user `qflow`, role `system`.
    public static let system = Actor(id: "qflow", role: "system")
}

/// A ladder step (or the queue's unclaimed step) not reached yet, with the moment it falls due.
public struct PendingStep: Sendable, Hashable {
    /// The escalation that will be recorded (its `due` is the step's moment).
    public var escalation: RunEvent.Escalation
    /// The run.
    public var runId: String
}

extension RunSheet {
    /// The steps not reached yet of the open items' deadlines and of the queue, earliest first (ties: checklist
    /// order, then ladder order). Empty for a run that is not open.
    public var pendingSteps: [PendingStep] {
        guard state.status.isOpen else { return [] }
        var out: [(PendingStep, Int)] = []
        var order = 0
        if let queue = spec.queue, let limit = queue.unclaimed, state.owner == nil, let since = state.unclaimedSince,
            !state.firedSteps.contains("/" + LadderStep.unclaimedStep)
        {
            let escalation = RunEvent.Escalation(
                item: nil, step: LadderStep.unclaimedStep, to: queue.reassignBy, escalates: true,
                due: limit.shift(since, before: false, calendar: nil), owner: nil)
            out.append((PendingStep(escalation: escalation, runId: state.runId), order))
            order += 1
        }
        if let queue = spec.queue, let limit = queue.stalled, let owner = state.owner,
            !state.firedSteps.contains("/" + LadderStep.stalledStep)
        {
            let escalation = RunEvent.Escalation(
                item: nil, step: LadderStep.stalledStep, to: queue.reassignBy, escalates: true,
                due: limit.shift(state.lastWorkAt, before: false, calendar: nil), owner: owner.user)
            out.append((PendingStep(escalation: escalation, runId: state.runId), order))
            order += 1
        }
        // In place: `spec.items` would copy every item of the definition on each write of the projection.
        for phase in spec.phases {
            for item in phase.items {
                guard let deadline = item.deadline, status(of: item) == .open,
                    let (anchor, calendar) = anchor(of: deadline)
                else { continue }
                let due = deadline.offset.shift(anchor, before: deadline.before, calendar: calendar)
                for (id, step) in deadline.steps {
                    let escalation = RunEvent.Escalation(
                        item: item.id, step: id, to: [step.role], escalates: step.escalates,
                        due: step.offset.shift(due, before: step.before, calendar: calendar), owner: state.owner?.user)
                    order += 1
                    guard !state.firedSteps.contains(escalation.key) else { continue }
                    out.append((PendingStep(escalation: escalation, runId: state.runId), order))
                }
            }
        }
        return out.sorted { ($0.0.escalation.due, $0.1) < ($1.0.escalation.due, $1.1) }.map(\.0)
    }

    /// The last escalation step reached, if any (what the board shows).
    public var lastStepReached: RunState.EscalationRecord? { state.escalations.last }
}
