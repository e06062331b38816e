import Foundation
import QFlowEngine
import Testing

@testable import QFlowProtocolFile

/// The engine outside the hospital (`Examples/`): the files validate, and each worked run — claims, reassignments
/// and a clock driven through its reminders and escalations — gives exactly the escalations it lists.
enum QueueExampleFixture {
    static let folder = LibraryFixture.root.appendingPathComponent("Examples")
    static let library = ProtocolLibraryLoader.load(paths: [folder.path])
    static var ids: [String] { library.specs.map(\.id).sorted() }
    /// The shipped site's zone, in which `date` facts are read.
    static let zone: TimeZone = {
        let site = SiteFile.load(path: LibraryFixture.root.appendingPathComponent("Site/site.yaml").path)
        return site.spec.flatMap { TimeZone(identifier: $0.timeZone) } ?? TimeZone(identifier: "UTC")!
    }()

    struct Outcome {
        var state: RunState
        var sheet: RunSheet
        /// Every escalation recorded: `ITEM/STEP`, when it was due, when recorded, the owner then.
        var escalations: [(key: String, due: Date, at: Date, owner: String?)]
        var refused: [(String, EngineError)]
    }

    /// A run being played: its state, the escalation clock and what was recorded.
    struct Player {
        let spec: ProtocolSpec
        let subject: SubjectFacts
        let every: TimeInterval
        var state: RunState
        var tick: Date
        var fired: [(key: String, due: Date, at: Date, owner: String?)] = []

        /// Escalates at every tick up to `moment`.
        mutating func escalate(through moment: Date) throws {
            while tick <= moment {
                for event in Engine.escalate(spec: spec, state: state, subject: subject, at: tick, actor: .system) {
                    guard case .escalated(let x) = event.change else { continue }
                    fired.append((x.key, x.due, event.at, x.owner))
                    try state.apply(event)
                }
                tick = tick.addingTimeInterval(every)
            }
        }

        /// Applies one step; returns the engine's refusal, if any.
        mutating func perform(_ command: RunCommand, _ context: CommandContext) -> EngineError? {
            do {
                for event in try Engine.execute(command, spec: spec, state: state, context: context) {
                    try state.apply(event)
                }
                return nil
            } catch {
                return error
            }
        }
    }

    static func command(for step: WorkedRun.Step, in spec: ProtocolSpec) throws -> RunCommand {
        switch step.queue {
        case "claim"?: return .claim
        case "release"?: return .release
        case "reassign"?: return .reassign(to: try #require(step.to, "a reassign step names 'to'"))
        case let verb?: throw EngineError(.invalidTarget, "unknown queue verb '\(verb)'")
        case nil:
            if let id = step.record {
                let item = try #require(spec.resolvedItem(id), "\(spec.id) has no item '\(id)'")
                return .record(item: id, value: try item.parseAnswer(step.value ?? ""))
            }
            return .sign(item: try #require(step.sign, "a step needs record, sign or queue"))
        }
    }

    /// Plays `steps` in order; before each step (and to `until`), escalates at every tick of `every` from the start.
    static func play(
        _ spec: ProtocolSpec, steps: [WorkedRun.Step], subject raw: [String: String], start: String,
        escalations: WorkedRun.Escalations?
    ) throws -> Outcome {
        let subject = try SubjectFacts.parse(raw, fields: spec.subjectFields, timeZone: zone)
        let started = try #require(Timestamp.parse(start))
        let every = Double(try ISODuration(parsing: escalations?.every ?? "PT6H").seconds)
        let until = try escalations.map { try #require(Timestamp.parse($0.until)) } ?? started
        let starter = Actor(id: "starter", role: spec.roles[0].id)
        let first = try Engine.start(
            spec, runId: "r-\(spec.id)", subjectId: "s-1",
            context: CommandContext(actor: starter, at: started, subject: subject))
        var player = Player(spec: spec, subject: subject, every: every, state: try RunState.fold(first), tick: started)
        var refused: [(String, EngineError)] = []
        var time = started
        for step in steps {
            let at =
                try step.at.map { try #require(Timestamp.parse($0), "step time '\($0)'") }
                ?? time.addingTimeInterval(60)
            #expect(at >= time, "\(spec.id): the steps go back in time at \(step.item)")
            time = at
            try player.escalate(through: time)
            let actor = Actor(id: step.user ?? "staff-\(step.role)", role: step.role)
            let context = CommandContext(actor: actor, at: time, reason: step.reason, subject: subject)
            if let error = player.perform(try command(for: step, in: spec), context) {
                refused.append((step.item, error))
            }
        }
        try player.escalate(through: until)
        return Outcome(
            state: player.state, sheet: RunSheet(spec: spec, state: player.state, subject: subject),
            escalations: player.fired, refused: refused)
    }

    /// Checks the escalations against the expected list: the same steps in the same order, each due when listed,
    /// recorded at the first tick at or after it, with the owner listed.
    static func check(_ outcome: Outcome, _ expected: WorkedRun.Escalations?, _ name: String) throws {
        let expect = expected?.expect ?? []
        #expect(outcome.escalations.map(\.key) == expect.map(\.step), "\(name): steps reached")
        let every = Double(try ISODuration(parsing: expected?.every ?? "PT6H").seconds)
        for (got, want) in zip(outcome.escalations, expect) where got.key == want.step {
            #expect(got.due == Timestamp.parse(want.due), "\(name): \(want.step) due \(Timestamp.format(got.due))")
            #expect(
                got.at >= got.due && got.at < got.due.addingTimeInterval(every), "\(name): \(want.step) recorded late")
            #expect(got.owner == want.owner, "\(name): \(want.step) owner \(got.owner ?? "none")")
        }
        #expect(Set(outcome.escalations.map(\.key)).count == outcome.escalations.count, "\(name): a step fired twice")
    }
}

@Suite("Examples outside the hospital")
struct ExampleRunTests {
    @Test func theExamplesValidateAndAreNotInTheHospitalLibrary() {
        let library = QueueExampleFixture.library
        #expect(library.isValid, "\(library.diagnostics.map(\.description).joined(separator: "\n"))")
        #expect(Set(QueueExampleFixture.ids).isSuperset(of: ["insurance_renewal", "visitor_reception"]))
        #expect(Set(LibraryFixture.specs.keys).isDisjoint(with: QueueExampleFixture.ids))
    }

    @Test(arguments: ["insurance_renewal", "visitor_reception"])
    func theWorkedRunCompletesWithTheEscalationsItLists(_ id: String) throws {
        let spec = try #require(QueueExampleFixture.library.specs.first { $0.id == id })
        let run = try WorkedRun.load(path: QueueExampleFixture.folder.appendingPathComponent("\(id).run.yaml").path)
        #expect(run.protocol == id)
        let outcome = try QueueExampleFixture.play(
            spec, steps: run.steps, subject: run.subject ?? [:], start: run.start, escalations: run.escalations)
        #expect(outcome.refused.isEmpty, "\(outcome.refused.map { "\($0.0): \($0.1)" })")
        #expect(outcome.sheet.completionBlockers.isEmpty, "\(outcome.sheet.completionBlockers)")
        try QueueExampleFixture.check(outcome, run.escalations, id)
        #expect(outcome.state.owner != nil, "the compliant run has an owner")
    }

    @Test(arguments: ["insurance_renewal", "visitor_reception"])
    func everyScenarioReachesItsEscalationsInOrder(_ id: String) throws {
        let spec = try #require(QueueExampleFixture.library.specs.first { $0.id == id })
        let run = try WorkedRun.load(path: QueueExampleFixture.folder.appendingPathComponent("\(id).run.yaml").path)
        let scenarios = run.scenarios ?? [:]
        #expect(!scenarios.isEmpty, "\(id) has no scenario with a reassignment")
        for (name, scenario) in scenarios.sorted(by: { $0.key < $1.key }) {
            #expect(scenario.steps.contains { $0.queue == "reassign" }, "\(name) reassigns nothing")
            let outcome = try QueueExampleFixture.play(
                spec, steps: scenario.steps, subject: (run.subject ?? [:]).merging(scenario.subject ?? [:]) { $1 },
                start: run.start, escalations: scenario.escalations)
            #expect(outcome.refused.isEmpty, "\(name): \(outcome.refused.map { "\($0.0): \($0.1)" })")
            #expect(outcome.sheet.completionBlockers.isEmpty == (scenario.completes ?? true), "\(name)")
            try QueueExampleFixture.check(outcome, scenario.escalations, "\(id)/\(name)")
        }
    }

    @Test func theRenewalLadderIsTMinus90To5AndOverdueBeforeTheExpiryDate() throws {
        let spec = try #require(QueueExampleFixture.library.specs.first { $0.id == "insurance_renewal" })
        let deadline = try #require(spec.items.first { $0.id == "ir.outcome" }?.deadline)
        #expect(
            (deadline.ladder ?? []).map { $0.before ? -$0.offset.seconds / 86_400 : $0.offset.seconds / 86_400 } == [
                -90, -60, -30, -15, -5,
            ])
        #expect(deadline.steps.last?.id == "overdue")
        #expect(deadline.steps.last?.step.role == "supervisor" || deadline.escalateTo == "department_head")
        #expect(spec.queue?.offeredTo == "agent")
        #expect(spec.queue?.unclaimed?.seconds == 5 * 86_400)
    }
}
