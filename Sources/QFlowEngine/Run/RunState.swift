import Foundation

/// Where a run stands in its life.
public enum RunStatus: String, Sendable, Hashable, Codable {
    /// Being worked on.
    case active
    /// Paused; only resume, stop and reads are allowed.
    case suspended
    /// Terminated before completion.
    case stopped
    /// Completed.
    case completed

    /// Whether the run can still change (active or suspended).
    public var isOpen: Bool { self == .active || self == .suspended }
}

/// The state of one run: the fold of its events. It does not need the protocol definition to be built.
public struct RunState: Sendable, Hashable {
    /// A current answer.
    public struct Answer: Sendable, Hashable {
        /// The value.
        public var value: AnswerValue
        /// When it was recorded.
        public var at: Date
        /// Who recorded it.
        public var actor: Actor
    }

    /// A signature by one role.
    public struct Signature: Sendable, Hashable {
        /// When it was signed.
        public var at: Date
        /// Who signed.
        public var actor: Actor
    }

    /// A documented deviation: failed critical items signed off so that the run could complete.
    public struct Deviation: Sendable, Hashable {
        /// The failed critical items.
        public var items: [String]
        /// Why the run was completed despite them.
        public var reason: String
        /// Who signed it off, in which role.
        public var actor: Actor
        /// When.
        public var at: Date
    }

    /// Who owns a run claimed from its queue.
    public struct Owner: Sendable, Hashable {
        /// The person's id.
        public var user: String
        /// Since when.
        public var since: Date
        /// Whether they claimed it themselves (false: it was reassigned to them).
        public var claimed: Bool
    }

    /// An escalation step reached, as recorded.
    public struct EscalationRecord: Sendable, Hashable {
        /// The step.
        public var escalation: RunEvent.Escalation
        /// When it was recorded.
        public var at: Date
    }

    /// The run's id.
    public private(set) var runId: String
    /// The protocol id.
    public private(set) var protocolId: String
    /// The protocol version in force (changes on migrate).
    public private(set) var version: Int
    /// The content hash of that version.
    public private(set) var specHash: String
    /// The subject's id.
    public private(set) var subjectId: String
    /// Attempt number.
    public private(set) var attempt: Int
    /// The run this one restarts.
    public private(set) var previousRun: String?
    /// The run that restarted this one.
    public private(set) var nextRun: String?
    /// Life-cycle status.
    public private(set) var status: RunStatus
    /// Current answers by item id.
    public private(set) var answers: [String: Answer] = [:]
    /// Skipped items by id, with the reason.
    public private(set) var skipped: [String: String] = [:]
    /// Signatures by item id, then role.
    public private(set) var signatures: [String: [String: Signature]] = [:]
    /// How many times each item's answer was superseded (re-answered or reopened by return).
    public private(set) var revisions: [String: Int] = [:]
    /// How many times each item was reopened by a return (a subset of its revisions).
    public private(set) var returns: [String: Int] = [:]
    /// The run and trigger that started this run, if a trigger did.
    public private(set) var triggeredBy: RunEvent.Origin?
    /// The documented deviation the run was completed with, if any.
    public private(set) var deviation: Deviation?
    /// Triggers that have fired.
    public private(set) var firedTriggers: Set<String> = []
    /// When the run started.
    public private(set) var startedAt: Date
    /// When the run was completed or stopped.
    public private(set) var endedAt: Date?
    /// Number of events folded.
    public private(set) var eventCount: Int
    /// The run's owner (claimed or reassigned), nil while it waits in its queue.
    public private(set) var owner: Owner?
    /// Since when the run has waited unclaimed (its start, or its last release); nil while owned.
    public private(set) var unclaimedSince: Date?
    /// When the run was last worked on: its last event other than an escalation.
    public private(set) var lastWorkAt: Date
    /// The escalation steps reached, in order.
    public private(set) var escalations: [EscalationRecord] = []
    /// The keys of the steps reached (``RunEvent/Escalation/key``); the unclaimed step's key is dropped when the
    /// run is claimed or reassigned, so that a later release can escalate again.
    public private(set) var firedSteps: Set<String> = []

    /// Builds the state from the first event of a run.
    public init(start event: RunEvent) throws(EngineError) {
        guard case .started(let s) = event.change else {
            throw EngineError(.corruptHistory, "a run's history must begin with 'started', not '\(event.kind)'")
        }
        runId = s.runId
        protocolId = s.protocolId
        version = s.version
        specHash = s.specHash
        subjectId = s.subjectId
        attempt = s.attempt
        previousRun = s.previousRun
        triggeredBy = s.triggeredBy
        status = .active
        startedAt = event.at
        unclaimedSince = event.at
        lastWorkAt = event.at
        eventCount = 1
    }

    /// Makes room for the answers of `items` items, so that recording them one by one never regrows the table.
    mutating func reserveCapacity(answers items: Int) {
        answers.reserveCapacity(items)
    }

    /// Replays a run's events from the first; throws when the history is not a valid one.
    public static func fold(_ events: some Sequence<RunEvent>) throws(EngineError) -> RunState {
        var state: RunState?
        for event in events {
            if state == nil {
                state = try RunState(start: event)
            } else {
                try state!.apply(event)
            }
        }
        guard let state else { throw EngineError(.corruptHistory, "a run needs at least one event") }
        return state
    }

    /// Applies one event (the engine only produces events that apply cleanly).
    public mutating func apply(_ event: RunEvent) throws(EngineError) {
        eventCount += 1
        var isWork = true
        if case .escalated = event.change { isWork = false }
        if isWork {
            // Work on the run (an escalation is not): a later stall may be told again.
            lastWorkAt = event.at
            if !firedSteps.isEmpty { firedSteps.remove("/" + LadderStep.stalledStep) }
        }
        switch event.change {
        case .started:
            throw EngineError(.corruptHistory, "run \(runId) cannot start twice")
        case .recorded(let item, let value):
            if answers.updateValue(Answer(value: value, at: event.at, actor: event.actor), forKey: item) != nil {
                revisions[item, default: 0] += 1
            }
            if !skipped.isEmpty { skipped[item] = nil }
        case .signed(let item, let role):
            signatures[item, default: [:]][role] = Signature(at: event.at, actor: event.actor)
            if !skipped.isEmpty { skipped[item] = nil }
        case .returned(_, let reopened):
            for item in reopened {
                if answers.removeValue(forKey: item) != nil || signatures.removeValue(forKey: item) != nil {
                    revisions[item, default: 0] += 1
                }
                returns[item, default: 0] += 1
                skipped[item] = nil
            }
        case .jumped(_, let items):
            for item in items { skipped[item] = event.reason ?? "" }
        case .suspended:
            status = .suspended
        case .resumed:
            status = .active
        case .stopped:
            status = .stopped
            endedAt = event.at
        case .restarted(let newRun):
            nextRun = newRun
        case .migrated(let m):
            version = m.toVersion
            specHash = m.toHash
            answers = Self.rename(answers, m.carried)
            skipped = Self.rename(skipped, m.carried)
            signatures = Self.rename(signatures, m.carried)
            revisions = Self.rename(revisions, m.carried)
            returns = Self.rename(returns, m.carried)
            if var d = deviation {
                d.items = d.items.map { m.carried[$0] ?? $0 }
                deviation = d
            }
            // A ladder step reached stays reached under the item's new id.
            firedSteps = Set(
                firedSteps.map { key in
                    guard let slash = key.firstIndex(of: "/"), let new = m.carried[String(key[..<slash])] else {
                        return key
                    }
                    return new + key[slash...]
                })
        case .triggered(let trigger, _):
            firedTriggers.insert(trigger)
        case .deviated(let items):
            deviation = Deviation(items: items, reason: event.reason ?? "", actor: event.actor, at: event.at)
        case .completed:
            status = .completed
            endedAt = event.at
        case .claimed:
            owner = Owner(user: event.actor.id, since: event.at, claimed: true)
            unclaimedSince = nil
            firedSteps.remove("/" + LadderStep.unclaimedStep)
        case .released:
            owner = nil
            unclaimedSince = event.at
        case .reassigned(let to, _):
            owner = Owner(user: to, since: event.at, claimed: false)
            unclaimedSince = nil
            firedSteps.remove("/" + LadderStep.unclaimedStep)
        case .escalated(let escalation):
            escalations.append(EscalationRecord(escalation: escalation, at: event.at))
            firedSteps.insert(escalation.key)
        }
    }

    private static func rename<V>(_ map: [String: V], _ carried: [String: String]) -> [String: V] {
        var out: [String: V] = [:]
        for (old, value) in map {
            if let new = carried[old] { out[new] = value }
        }
        return out
    }
}

extension RunState {
    /// The run-level facts of a state, without its answers: what a run listing shows.
    public struct Summary: Sendable, Hashable {
        /// Run id.
        public var runId: String
        /// Protocol id.
        public var protocolId: String
        /// Protocol version.
        public var version: Int
        /// Content hash of that version.
        public var specHash: String
        /// The subject.
        public var subjectId: String
        /// Status.
        public var status: RunStatus
        /// Attempt number.
        public var attempt: Int
        /// The run this one restarts.
        public var previousRun: String?
        /// The run that restarted this one.
        public var nextRun: String?
        /// The run and trigger that started this one.
        public var triggeredBy: RunEvent.Origin?
        /// When it started.
        public var startedAt: Date
        /// When it ended.
        public var endedAt: Date?
        /// Events folded so far (the last sequence number).
        public var eventCount: Int
    }

    /// The run-level facts of this state.
    public var summary: Summary {
        Summary(
            runId: runId, protocolId: protocolId, version: version, specHash: specHash, subjectId: subjectId,
            status: status, attempt: attempt, previousRun: previousRun, nextRun: nextRun, triggeredBy: triggeredBy,
            startedAt: startedAt, endedAt: endedAt, eventCount: eventCount)
    }
}
