import Foundation
import Testing

@testable import QFlowEngine

/// Small definitions built directly, for engine tests.
enum Fixtures {
    static func text(_ s: String) -> LocalizedText { LocalizedText(zh: s, en: s) }
    static func rule(_ s: String) -> RuleExpression { try! RuleExpression(parsing: s) }

    static let t0 = Date(timeIntervalSince1970: 1_772_000_000)
    static let circulator = Actor(id: "n1", role: "circulating_nurse", workstation: "or-3")
    static let scrub = Actor(id: "n2", role: "scrub_nurse", workstation: "or-3")

    static func context(
        _ actor: Actor = circulator, minutes: Double = 0, reason: String? = nil,
        subject: SubjectFacts = SubjectFacts()
    ) -> CommandContext {
        CommandContext(actor: actor, at: t0.addingTimeInterval(minutes * 60), reason: reason, subject: subject)
    }

    /// A counts checklist: baseline, an optional cavity count, closure counts with reconciliation, a signature.
    static func counts(version: Int = 1) -> ProtocolSpec {
        ProtocolSpec(
            id: "counts", version: version, title: text("Counts"), kind: .core, subject: "surgical-case",
            subjectFields: [
                SubjectFieldSpec(name: "scheduled_start", type: .time),
                SubjectFieldSpec(name: "infected", type: .bool),
            ],
            roles: [
                RoleSpec(id: "circulating_nurse", title: text("Circulator")),
                RoleSpec(id: "scrub_nurse", title: text("Scrub")),
            ],
            phases: [
                PhaseSpec(
                    id: "pre", title: text("Pre"),
                    items: [
                        ItemSpec(id: "identity", title: text("Identity"), type: .check, critical: true),
                        ItemSpec(
                            id: "baseline", title: text("Baseline"), type: .count, critical: true,
                            roles: ["circulating_nurse"], passIf: rule("baseline >= 0"),
                            deadline: DeadlineSpec(
                                anchor: .subjectField("scheduled_start"),
                                offset: try! ISODuration(parsing: "PT30M"), before: true,
                                escalateTo: "circulating_nurse")),
                        ItemSpec(
                            id: "temp", title: text("Room temp"), type: .number(unit: "°C", min: 10, max: 40),
                            required: false),
                        ItemSpec(
                            id: "position", title: text("Position"),
                            type: .choice(options: [
                                ChoiceOption(id: "supine", label: text("Supine")),
                                ChoiceOption(id: "prone", label: text("Prone")),
                            ])),
                    ]),
                PhaseSpec(
                    id: "intra", title: text("Intra"),
                    items: [
                        ItemSpec(id: "added", title: text("Added"), type: .count),
                        ItemSpec(id: "cavity_needed", title: text("Cavity?"), type: .check, passIf: rule("true")),
                        ItemSpec(
                            id: "cavity", title: text("Cavity count"), type: .count, critical: true,
                            showIf: rule("cavity_needed"), passIf: rule("cavity == baseline + added")),
                        ItemSpec(id: "antibiotic", title: text("Antibiotic"), type: .time, allowsNotApplicable: true),
                    ]),
                PhaseSpec(
                    id: "close", title: text("Close"),
                    items: [
                        ItemSpec(
                            id: "final", title: text("Final count"), type: .count, critical: true,
                            passIf: rule("final == baseline + added")),
                        ItemSpec(id: "note", title: text("Note"), type: .text, required: false),
                        ItemSpec(
                            id: "signed", title: text("Signed"),
                            type: .signature(signers: ["scrub_nurse", "circulating_nurse"])),
                    ]),
            ],
            triggers: [
                TriggerSpec(id: "discrepancy", protocolId: "discrepancy", when: rule("final != baseline + added")),
                TriggerSpec(id: "infection", protocolId: "special_infection", when: rule("subject.infected")),
            ]
        )
    }

    /// The counts checklist with its identity check as a gate that also holds the position item of its own phase.
    static func gated(version: Int = 1) -> ProtocolSpec {
        var spec = counts(version: version)
        spec.id = "gated_counts"
        spec.phases[0].items[0].gate = true
        spec.phases[0].items[0].gates = ["position"]
        return spec
    }

    static let headNurse = Actor(id: "hn1", role: "head_nurse", workstation: "office")

    /// The counts checklist whose failed critical items the head nurse may sign off as a documented deviation.
    static func deviating(version: Int = 1) -> ProtocolSpec {
        var spec = counts(version: version)
        spec.id = "deviating_counts"
        spec.deviation = DeviationSpec(signOff: ["head_nurse"])
        return spec
    }

    /// Starts a run and returns its state and events.
    static func started(_ spec: ProtocolSpec = counts(), subject: SubjectFacts = SubjectFacts()) throws -> (
        RunState, [RunEvent]
    ) {
        let events = try Engine.start(spec, runId: "r1", subjectId: "case-1", context: context(subject: subject))
        return (try RunState.fold(events), events)
    }
}

/// Applies commands one by one, keeping the live state and the whole log.
struct Session {
    var spec: ProtocolSpec
    var state: RunState
    var log: [RunEvent]
    var subject = SubjectFacts()

    init(_ spec: ProtocolSpec = Fixtures.counts(), subject: SubjectFacts = SubjectFacts()) throws {
        self.spec = spec
        self.subject = subject
        (state, log) = try Fixtures.started(spec, subject: subject)
    }

    /// A tracking sheet kept beside the state: every command is also executed on it, and must give the same events
    /// or the same error as on the state, and it must read as a sheet tracked from scratch would (the incremental
    /// path is checked by every test that runs a session).
    private var tracked: RunSheet?

    @discardableResult
    mutating func run(
        _ command: RunCommand, as actor: Actor = Fixtures.circulator, minutes: Double = 1,
        reason: String? = nil
    ) throws(EngineError) -> [RunEvent] {
        let context = Fixtures.context(actor, minutes: minutes, reason: reason, subject: subject)
        if tracked?.state != state || tracked?.definition != spec || tracked?.subject != subject {
            tracked = RunSheet(tracking: spec, state: state, subject: subject)  // a test set the state itself
        }
        let incremental = Result { () throws(EngineError) in try Engine.execute(command, on: tracked!, context: context)
        }
        let events: [RunEvent]
        do {
            events = try Engine.execute(command, spec: spec, state: state, context: context)
        } catch {
            #expect(incremental.failure == error, "a tracking sheet refuses \(command.verb) as the state does")
            throw error
        }
        #expect(try incremental.get() == events, "a tracking sheet gives the same events for \(command.verb)")
        for event in events { try state.apply(event) }
        if events.contains(where: { if case .migrated = $0.change { true } else { false } }) {
            tracked = nil
        } else {
            for event in events { try tracked!.apply(event) }
            #expect(tracked!.state == state)
            #expect(tracked!.progress == RunSheet(tracking: spec, state: state, subject: subject).progress)
        }
        log += events
        return events
    }

    mutating func record(_ item: String, _ value: AnswerValue, as actor: Actor = Fixtures.circulator)
        throws(EngineError)
    {
        try run(.record(item: item, value: value), as: actor)
    }

    /// Answers everything compliantly up to (not including) the signature.
    mutating func answerCompliantly() throws {
        try record("identity", .check(true))
        try record("baseline", .count(20))
        try record("position", .choice("supine"))
        try record("added", .count(2))
        try record("cavity_needed", .check(false))
        try record("antibiotic", .notApplicable)
        try record("final", .count(22))
    }

    var sheet: RunSheet { RunSheet(spec: spec, state: state, subject: subject) }
}

extension Result {
    /// The error, if this is a failure.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
