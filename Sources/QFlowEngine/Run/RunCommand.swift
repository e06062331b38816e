import Foundation

/// A verb applied to a run.
public enum RunCommand: Sendable, Hashable {
    /// Answer an item (a later answer supersedes an earlier one; history keeps both).
    case record(item: String, value: AnswerValue)
    /// Sign a signature item in the actor's role.
    case sign(item: String)
    /// Go back to an item (nil: the previous step); answers from it onward are superseded and open again.
    case returnTo(item: String?)
    /// Go forward to an item; open items passed over are skipped with the reason.
    case jump(to: String)
    /// Pause the run.
    case suspend
    /// Continue a paused run.
    case resume
    /// Terminate the run.
    case stop
    /// Complete the run (refused while required items are open or a critical item fails).
    case complete
    /// Complete a run whose critical items failed, as a documented deviation: `items` names every failed critical
    /// item, the context's reason says why, and the actor signs off in a role the protocol's `deviation` names.
    case completeWithDeviation(items: [String])
    /// Claim the run from its queue (the actor holds the queue's `offered_to` role and nobody owns the run).
    case claim
    /// Give the run back to its queue (only its owner).
    case release
    /// Give the run to the named person (a `reassign_by` role, with a reason).
    case reassign(to: String)

    /// Whether the verb needs a reason.
    public var needsReason: Bool {
        switch self {
        case .record, .sign, .complete, .claim, .release: false
        case .returnTo, .jump, .suspend, .resume, .stop, .completeWithDeviation, .reassign: true
        }
    }

    /// The control verb this command uses, whose roles the protocol grants (nil for record and sign).
    public var controlVerb: ControlVerb? {
        switch self {
        // A deviation is signed off by the protocol's `deviation.sign_off` roles, not the `complete` permission.
        // Queue verbs are granted by the protocol's `queue` (offered_to, reassign_by).
        case .record, .sign, .completeWithDeviation, .claim, .release, .reassign: nil
        case .returnTo: .return
        case .jump: .jump
        case .suspend: .suspend
        case .resume: .resume
        case .stop: .stop
        case .complete: .complete
        }
    }

    /// The verb's name.
    public var verb: String {
        switch self {
        case .record: "record"
        case .sign: "sign"
        case .returnTo: "return"
        case .jump: "jump"
        case .suspend: "suspend"
        case .resume: "resume"
        case .stop: "stop"
        case .complete: "complete"
        case .completeWithDeviation: "complete with a deviation"
        case .claim: "claim"
        case .release: "release"
        case .reassign: "reassign"
        }
    }
}

/// Who runs a command, when, why, and what is known about the subject.
public struct CommandContext: Sendable {
    /// Who.
    public var actor: Actor
    /// When (the engine has no clock).
    public var at: Date
    /// Why.
    public var reason: String?
    /// The subject's facts.
    public var subject: SubjectFacts

    /// Creates a context.
    public init(actor: Actor, at: Date, reason: String? = nil, subject: SubjectFacts = SubjectFacts()) {
        self.actor = actor
        self.at = at
        self.reason = reason
        self.subject = subject
    }
}
