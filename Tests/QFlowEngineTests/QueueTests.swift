import Foundation
import Testing

@testable import QFlowEngine

/// A renewal-like protocol built directly: a queue offered to agents, a reminder ladder before a date fact.
enum QueueFixtures {
    static func text(_ s: String) -> LocalizedText { LocalizedText(zh: s, en: s) }
    static func days(_ n: Int) -> ISODuration { try! ISODuration(parsing: "P\(n)D") }
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    static let agent = Actor(id: "a1", role: "agent")
    static let agent2 = Actor(id: "a2", role: "agent")
    static let supervisor = Actor(id: "s1", role: "supervisor")
    static let head = Actor(id: "h1", role: "department_head")

    /// `renewal.outcome` due on the expiry day, reminders at T−90, T−60, T−30, T−15, escalation at T−5, and the
    /// department head when overdue; unclaimed runs go to the supervisor after two days.
    static func renewal(unclaimed: ISODuration? = days(2)) -> ProtocolSpec {
        let ladder =
            [90, 60, 30, 15].map { LadderStep(offset: days($0), before: true, role: "agent", escalates: false) }
            + [LadderStep(offset: days(5), before: true, role: "supervisor", escalates: true)]
        return ProtocolSpec(
            id: "renewal", version: 1, title: text("Renewal"), kind: .other, subject: "policy",
            subjectFields: [SubjectFieldSpec(name: "policy_expiry", type: .date)],
            roles: [
                RoleSpec(id: "agent", title: text("Agent")), RoleSpec(id: "supervisor", title: text("Supervisor")),
                RoleSpec(id: "department_head", title: text("Head")),
            ],
            phases: [
                PhaseSpec(
                    id: "renew", title: text("Renew"),
                    items: [
                        ItemSpec(id: "contacted", title: text("Contacted"), type: .check, roles: ["agent"]),
                        ItemSpec(
                            id: "outcome", title: text("Outcome"),
                            type: .choice(options: [
                                ChoiceOption(id: "renewed", label: text("Renewed")),
                                ChoiceOption(id: "lost", label: text("Lost")),
                            ]),
                            deadline: DeadlineSpec(
                                anchor: .subjectField("policy_expiry"), offset: days(0), before: true,
                                escalateTo: "department_head", ladder: ladder)),
                    ])
            ],
            queue: QueueSpec(offeredTo: "agent", reassignBy: ["supervisor"], unclaimed: unclaimed))
    }

    static let expiry = SubjectFacts(["policy_expiry": .date(CivilDate(parsing: "2027-03-31")!)], timeZone: shanghai)
    /// 00:00 in Shanghai on a day.
    static func day(_ text: String) -> Date { CivilDate(parsing: text)!.start(in: shanghai) }
    static let t0 = day("2026-12-01")

    static func context(_ actor: Actor, at: Date = t0, reason: String? = nil) -> CommandContext {
        CommandContext(actor: actor, at: at, reason: reason, subject: expiry)
    }

    static func started(_ spec: ProtocolSpec = renewal()) throws -> RunState {
        try RunState.fold(Engine.start(spec, runId: "r1", subjectId: "p1", context: context(agent)))
    }

    static func run(
        _ command: RunCommand, _ actor: Actor, _ state: inout RunState, spec: ProtocolSpec = renewal(),
        at: Date = t0, reason: String? = nil
    ) throws {
        for event in try Engine.execute(
            command, spec: spec, state: state, context: context(actor, at: at, reason: reason))
        {
            try state.apply(event)
        }
    }

    static func code(_ body: () throws -> Void) -> EngineError.Code? {
        do {
            try body()
            return nil
        } catch let error as EngineError {
            return error.code
        } catch {
            return nil
        }
    }
}

@Suite("Work queues: claim, release, reassign")
struct QueueTests {
    typealias F = QueueFixtures

    @Test func anAgentClaimsAndOwnsTheRun() throws {
        var state = try F.started()
        #expect(state.owner == nil)
        #expect(state.unclaimedSince == F.t0)
        try F.run(.claim, F.agent, &state)
        #expect(state.owner?.user == "a1")
        #expect(state.owner?.claimed == true)
        #expect(state.unclaimedSince == nil)
    }

    @Test func onlyTheOfferedRoleClaims() throws {
        var state = try F.started()
        #expect(F.code { try F.run(.claim, F.supervisor, &state) } == .roleNotAllowed)
        #expect(state.owner == nil)
    }

    @Test func oneOwnerAtATime() throws {
        var state = try F.started()
        try F.run(.claim, F.agent, &state)
        #expect(F.code { try F.run(.claim, F.agent2, &state) } == .alreadyClaimed)
        #expect(F.code { try F.run(.claim, F.agent, &state) } == .alreadyClaimed)
        #expect(state.owner?.user == "a1")
    }

    @Test func onlyTheOwnerReleases() throws {
        var state = try F.started()
        #expect(F.code { try F.run(.release, F.agent, &state) } == .notOwner)
        try F.run(.claim, F.agent, &state)
        #expect(F.code { try F.run(.release, F.agent2, &state) } == .notOwner)
        let later = F.t0.addingTimeInterval(3_600)
        try F.run(.release, F.agent, &state, at: later)
        #expect(state.owner == nil)
        #expect(state.unclaimedSince == later)
        try F.run(.claim, F.agent2, &state)
        #expect(state.owner?.user == "a2")
    }

    @Test func aSupervisorReassignsWithAReason() throws {
        var state = try F.started()
        try F.run(.claim, F.agent, &state)
        #expect(F.code { try F.run(.reassign(to: "a2"), F.supervisor, &state) } == .reasonRequired)
        #expect(F.code { try F.run(.reassign(to: "a2"), F.agent, &state, reason: "leave") } == .roleNotAllowed)
        #expect(F.code { try F.run(.reassign(to: "a1"), F.supervisor, &state, reason: "same") } == .alreadyClaimed)
        #expect(F.code { try F.run(.reassign(to: " "), F.supervisor, &state, reason: "x") } == .invalidAnswer)
        try F.run(.reassign(to: "a2"), F.supervisor, &state, reason: "a1 on leave")
        #expect(state.owner?.user == "a2")
        #expect(state.owner?.claimed == false)
        // The previous owner can no longer release it; the new one can.
        #expect(F.code { try F.run(.release, F.agent, &state) } == .notOwner)
        try F.run(.release, F.agent2, &state)
        #expect(state.owner == nil)
    }

    @Test func reassignedEventNamesBothOwners() throws {
        var state = try F.started()
        try F.run(.claim, F.agent, &state)
        let events = try Engine.execute(
            .reassign(to: "a2"), spec: F.renewal(), state: state, context: F.context(F.supervisor, reason: "leave"))
        #expect(events.map(\.change) == [.reassigned(to: "a2", from: "a1")])
        #expect(events[0].reason == "leave")
    }

    @Test func errorsDoNotRepeatTheUserTyped() throws {
        var state = try F.started()
        try F.run(.claim, F.agent, &state)
        do {
            try F.run(.reassign(to: "a1"), F.supervisor, &state, reason: "r")
            Issue.record("expected a refusal")
        } catch let error as EngineError {
            #expect(!error.message.contains("a1"))
            #expect(error.message.contains("'to'"))
        }
    }

    @Test func aProtocolWithoutAQueueRefusesQueueVerbs() throws {
        var spec = F.renewal()
        spec.queue = nil
        var state = try F.started(spec)
        #expect(F.code { try F.run(.claim, F.agent, &state, spec: spec) } == .notQueued)
    }

    @Test func closedRunsCannotBeClaimed() throws {
        var state = try F.started()
        try F.run(.stop, F.agent, &state, reason: "cancelled")
        #expect(F.code { try F.run(.claim, F.agent, &state) } == .invalidState)
    }

    @Test func queueHistoryReplaysToTheSameState() throws {
        let spec = F.renewal()
        var events = try Engine.start(spec, runId: "r1", subjectId: "p1", context: F.context(F.agent))
        var state = try RunState.fold(events)
        let steps: [(RunCommand, Actor, String?)] = [
            (.claim, F.agent, nil), (.release, F.agent, "busy"), (.claim, F.agent2, nil),
            (.reassign(to: "a1"), F.supervisor, "workload"),
        ]
        for (i, (command, actor, reason)) in steps.enumerated() {
            let at = F.t0.addingTimeInterval(Double(i + 1) * 86_400)
            let more = try Engine.execute(
                command, spec: spec, state: state, context: F.context(actor, at: at, reason: reason))
            for e in more { try state.apply(e) }
            events += more
            events += Engine.escalate(spec: spec, state: state, subject: F.expiry, at: at, actor: .system)
            state = try RunState.fold(events)
        }
        events += Engine.escalate(spec: spec, state: state, subject: F.expiry, at: F.day("2027-01-01"), actor: .system)
        state = try RunState.fold(events)
        // Through JSON and back, as the store keeps them.
        let decoded = try events.map { try CanonicalJSON.decode(RunEvent.self, from: CanonicalJSON.encode($0)) }
        #expect(try RunState.fold(decoded) == state)
        #expect(state.owner?.user == "a1")
        #expect(state.escalations.map(\.escalation.step) == ["1"])
        #expect(state.escalations.map(\.escalation.owner) == ["a1"])
    }
}

@Suite("Escalation ladders and calendar-relative deadlines")
struct LadderTests {
    typealias F = QueueFixtures

    @Test func aDateFactIsItsDayStartInTheSitesZone() throws {
        let sheet = RunSheet(spec: F.renewal(), state: try F.started(), subject: F.expiry)
        let outcome = sheet.spec.items[1]
        // 2027-03-31 00:00 in Shanghai is 2027-03-30 16:00 UTC.
        #expect(sheet.due(outcome) == Timestamp.parse("2027-03-30T16:00:00Z"))
        let utc = RunSheet(
            spec: F.renewal(), state: try F.started(),
            subject: SubjectFacts(F.expiry.values, timeZone: TimeZone(identifier: "UTC")!))
        #expect(utc.due(outcome) == Timestamp.parse("2027-03-31T00:00:00Z"))
    }

    @Test func daysBeforeADateAreCalendarDaysAcrossDaylightSaving() throws {
        // New York moves its clocks on 2027-03-14: 90 calendar days before 2027-03-31 is 2026-12-31 00:00 local,
        // which is not 90 × 24 h earlier.
        let ny = TimeZone(identifier: "America/New_York")!
        let facts = SubjectFacts(F.expiry.values, timeZone: ny)
        let sheet = RunSheet(spec: F.renewal(), state: try F.started(), subject: facts)
        let first = sheet.pendingSteps.first { $0.escalation.step == "1" }!
        #expect(first.escalation.due == CivilDate(parsing: "2026-12-31")!.start(in: ny))
        let due = CivilDate(parsing: "2027-03-31")!.start(in: ny)
        #expect(due.timeIntervalSince(first.escalation.due) == 90 * 86_400 - 3_600)
    }

    /// Drives a clock day by day from 1 December 2026 to 5 April 2027, calling escalate every six hours, with a
    /// claim, and a reassignment after the T−60 reminder; checks what fired, when and in what order.
    @Test func theLadderFiresEachStepOnceInOrderAtItsTime() throws {
        let spec = F.renewal()
        var state = try F.started(spec)
        var fired: [(step: String, due: Date, at: Date, owner: String?, to: [String])] = []
        var clock = F.t0
        let end = F.day("2027-04-05")
        while clock <= end {
            if clock == F.day("2026-12-04") { try F.run(.claim, F.agent, &state, at: clock) }
            if clock == F.day("2027-02-10") {
                try F.run(.reassign(to: "a2"), F.supervisor, &state, at: clock, reason: "a1 moved team")
            }
            let events = Engine.escalate(spec: spec, state: state, subject: F.expiry, at: clock, actor: .system)
            for e in events {
                guard case .escalated(let x) = e.change else {
                    Issue.record("not an escalation")
                    continue
                }
                fired.append((x.step, x.due, e.at, x.owner, x.to))
                try state.apply(e)
            }
            // Asking again at the same moment records nothing.
            #expect(Engine.escalate(spec: spec, state: state, subject: F.expiry, at: clock, actor: .system).isEmpty)
            clock = clock.addingTimeInterval(6 * 3_600)
        }
        #expect(fired.map(\.step) == ["unclaimed", "1", "2", "3", "4", "5", "overdue"])
        #expect(
            fired.map(\.due) == [
                F.day("2026-12-03"), F.day("2026-12-31"), F.day("2027-01-30"), F.day("2027-03-01"),
                F.day("2027-03-16"), F.day("2027-03-26"), F.day("2027-03-31"),
            ])
        // Each was recorded at the first tick at or after it fell due (the ticks fall on the days' starts).
        #expect(fired.allSatisfy { $0.at == $0.due })
        #expect(fired.map(\.owner) == [nil, "a1", "a1", "a2", "a2", "a2", "a2"])
        #expect(
            fired.map(\.to) == [
                ["supervisor"], ["agent"], ["agent"], ["agent"], ["agent"], ["supervisor"], ["department_head"],
            ])
        #expect(state.escalations.count == 7)
    }

    @Test func aLateCallRecordsEveryMissedStepEarliestFirst() throws {
        let spec = F.renewal(unclaimed: nil)
        let state = try F.started(spec)
        let events = Engine.escalate(
            spec: spec, state: state, subject: F.expiry, at: F.day("2027-03-20"), actor: .system)
        let steps = events.compactMap { e -> String? in
            if case .escalated(let x) = e.change { return x.step }
            return nil
        }
        #expect(steps == ["1", "2", "3", "4"])
        #expect(events.allSatisfy { $0.at == F.day("2027-03-20") && $0.actor == .system })
    }

    @Test func answeringTheItemStopsItsLadder() throws {
        let spec = F.renewal(unclaimed: nil)
        var state = try F.started(spec)
        try F.run(.record(item: "contacted", value: .check(true)), F.agent, &state)
        try F.run(.record(item: "outcome", value: .choice("renewed")), F.agent, &state)
        #expect(
            Engine.escalate(spec: spec, state: state, subject: F.expiry, at: F.day("2027-04-30"), actor: .system)
                .isEmpty)
    }

    @Test func aClosedRunEscalatesNothing() throws {
        let spec = F.renewal()
        var state = try F.started(spec)
        try F.run(.stop, F.agent, &state, reason: "policy cancelled")
        #expect(
            Engine.escalate(spec: spec, state: state, subject: F.expiry, at: F.day("2027-04-30"), actor: .system)
                .isEmpty)
    }

    @Test func theUnclaimedStepFiresAgainAfterARelease() throws {
        let spec = F.renewal()
        var state = try F.started(spec)
        func unclaimed(at: Date) -> Int {
            Engine.escalate(spec: spec, state: state, subject: F.expiry, at: at, actor: .system).filter {
                if case .escalated(let x) = $0.change { return x.step == "unclaimed" }
                return false
            }.count
        }
        #expect(unclaimed(at: F.day("2026-12-02")) == 0)
        for e in Engine.escalate(spec: spec, state: state, subject: F.expiry, at: F.day("2026-12-03"), actor: .system) {
            try state.apply(e)
        }
        #expect(unclaimed(at: F.day("2026-12-10")) == 0)
        try F.run(.claim, F.agent, &state, at: F.day("2026-12-10"))
        #expect(unclaimed(at: F.day("2026-12-20")) == 0)
        try F.run(.release, F.agent, &state, at: F.day("2026-12-11"))
        #expect(unclaimed(at: F.day("2026-12-12")) == 0)
        #expect(unclaimed(at: F.day("2026-12-13")) == 1)
    }

    @Test func validationChecksLaddersQueuesAndDates() throws {
        var spec = F.renewal()
        #expect(spec.validate().isEmpty, "\(spec.validate())")
        // Steps out of order, an unknown role, hours before a date, an unknown queue role.
        var item = spec.phases[0].items[1]
        item.deadline!.ladder = [
            LadderStep(offset: F.days(5), before: true, role: "agent", escalates: false),
            LadderStep(offset: F.days(30), before: true, role: "nobody", escalates: false),
            LadderStep(offset: try ISODuration(parsing: "PT12H"), before: true, role: "agent", escalates: false),
        ]
        spec.phases[0].items[1] = item
        spec.queue = QueueSpec(offeredTo: "agnet", reassignBy: [])
        let messages = spec.validate().map { "\($0.path): \($0.message)" }
        #expect(messages.contains { $0.contains("ladder[1]") && $0.contains("order") })
        #expect(messages.contains { $0.contains("ladder[1].notify") && $0.contains("unknown role 'nobody'") })
        #expect(messages.contains { $0.contains("whole days") })
        #expect(messages.contains { $0.contains("queue.offered_to") && $0.contains("did you mean 'agent'") })
        #expect(messages.contains { $0.contains("queue.reassign_by") })
    }

    @Test func aDefinitionWithoutQueueOrLadderKeepsItsHash() throws {
        // The new optional fields are left out of the canonical JSON when absent.
        let spec = Fixtures.counts()
        let json = String(decoding: CanonicalJSON.encode(spec), as: UTF8.self)
        #expect(!json.contains("queue"))
        #expect(!json.contains("ladder"))
    }

    @Test(arguments: ["2027-02-29", "2027-13-01", "27-03-31", "2027-3-31", "2027-03-31T00:00"])
    func aDayIsWrittenYYYYMMDD(_ text: String) {
        #expect(CivilDate(parsing: text) == nil)
        #expect(throws: EngineError.self) {
            _ = try SubjectFieldSpec(name: "policy_expiry", type: .date).parse(text)
        }
    }
}

@Suite("Ladders across a migration")
struct LadderMigrationTests {
    typealias F = QueueFixtures

    @Test func aStepReachedStaysReachedWhenItsItemIsRenamed() throws {
        let v1 = F.renewal(unclaimed: nil)
        var v2 = v1
        v2.version = 2
        v2.phases[0].items[1].id = "result"
        var state = try F.started(v1)
        for e in Engine.escalate(spec: v1, state: state, subject: F.expiry, at: F.day("2027-01-01"), actor: .system) {
            try state.apply(e)
        }
        #expect(state.firedSteps == ["outcome/1"])
        let plan = try Engine.planMigration(state, from: v1, to: v2, itemMap: ["outcome": "result"])
        #expect(plan.carried == ["outcome": "result"] && plan.dropped.isEmpty)
        let migrated = try Engine.migrate(
            state, from: v1, to: v2, itemMap: ["outcome": "result"], context: F.context(F.agent, reason: "v2"))
        for e in migrated { try state.apply(e) }
        #expect(state.firedSteps == ["result/1"])
        #expect(
            Engine.escalate(spec: v2, state: state, subject: F.expiry, at: F.day("2027-01-02"), actor: .system).isEmpty)
    }
}

@Suite("Stalled work")
struct StalledTests {
    typealias F = QueueFixtures

    static func stalledSteps(_ spec: ProtocolSpec, _ state: RunState, at day: String) -> [RunEvent.Escalation] {
        Engine.escalate(spec: spec, state: state, subject: F.expiry, at: F.day(day), actor: .system).compactMap {
            if case .escalated(let x) = $0.change, x.step == "stalled" { return x }
            return nil
        }
    }

    @Test func anOwnedRunWithoutWorkIsToldOncePerStall() throws {
        var spec = F.renewal(unclaimed: nil)
        spec.queue?.stalled = F.days(10)
        var state = try F.started(spec)
        // Unclaimed work does not stall: it waits (that is the unclaimed step's business).
        #expect(Self.stalledSteps(spec, state, at: "2026-12-30").isEmpty)
        try F.run(.claim, F.agent, &state, spec: spec, at: F.day("2026-12-02"))
        #expect(Self.stalledSteps(spec, state, at: "2026-12-11").isEmpty)
        let first = Self.stalledSteps(spec, state, at: "2026-12-12")
        #expect(first.map(\.due) == [F.day("2026-12-12")])
        #expect(first.map(\.owner) == ["a1"] && first.map(\.to) == [["supervisor"]])
        for e in Engine.escalate(spec: spec, state: state, subject: F.expiry, at: F.day("2026-12-12"), actor: .system) {
            try state.apply(e)
        }
        // Escalations are not work: the stall is told once.
        #expect(Self.stalledSteps(spec, state, at: "2026-12-25").isEmpty)
        // Work on the run starts a new stall period.
        try F.run(.record(item: "contacted", value: .check(true)), F.agent, &state, spec: spec, at: F.day("2026-12-26"))
        #expect(Self.stalledSteps(spec, state, at: "2027-01-04").isEmpty)
        #expect(Self.stalledSteps(spec, state, at: "2027-01-05").map(\.due) == [F.day("2027-01-05")])
    }
}
