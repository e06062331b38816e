import Foundation
import Testing

@testable import QFlowEngine

@Suite("Engine verbs")
struct EngineTests {
    @Test func compliantRunCompletes() throws {
        var s = try Session()
        try s.answerCompliantly()
        try s.run(.sign(item: "signed"), as: Fixtures.scrub)
        try s.run(.sign(item: "signed"))
        try s.run(.complete)
        #expect(s.state.status == .completed)
        #expect(s.sheet.completionBlockers.isEmpty)
        #expect(!s.state.firedTriggers.contains("discrepancy"))
    }

    @Test func failedCriticalItemBlocksCompleteAndSaysWhich() throws {
        var s = try Session()
        try s.answerCompliantly()
        try s.record("final", .count(21))
        try s.run(.sign(item: "signed"), as: Fixtures.scrub)
        try s.run(.sign(item: "signed"))
        let error = #expect(throws: EngineError.self) { try s.run(.complete) }
        #expect(error?.code == .criticalFailure)
        #expect(error?.item == "final")
        #expect(error?.message.contains("final == baseline + added") == true)
        #expect(s.state.status == .active)
        #expect(s.state.revisions["final"] == 1, "the superseded answer is counted")
    }

    @Test func missingRequiredItemOrSignatureBlocksComplete() throws {
        var s = try Session()
        try s.answerCompliantly()
        try s.run(.sign(item: "signed"), as: Fixtures.scrub)
        let error = #expect(throws: EngineError.self) { try s.run(.complete) }
        #expect(error?.code == .incomplete)
        #expect(error?.message.contains("circulating_nurse") == true)
    }

    @Test(arguments: [
        ("baseline", AnswerValue.count(-1), "below 0"),
        ("temp", .number(55), "above the accepted maximum"),
        ("position", .choice("lateral"), "not one of its options"),
        ("identity", .notApplicable, "does not allow n.a."),
        ("identity", .count(3), "does not fit"),
    ])
    func answersAreCheckedAgainstTheirType(item: String, value: AnswerValue, message: String) throws {
        var s = try Session()
        let error = #expect(throws: EngineError.self) { try s.record(item, value) }
        #expect(error?.code == .invalidAnswer)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        #expect(s.state.answers.isEmpty, "nothing recorded")
    }

    @Test(arguments: [
        ("baseline", "-1"), ("temp", "abc"), ("position", "lateral"), ("antibiotic", "08:30"), ("identity", "maybe"),
    ])
    func typedInputIsParsedOrRefused(item: String, raw: String) throws {
        let spec = Fixtures.counts()
        let itemSpec = try #require(spec.items.first { $0.id == item })
        #expect(throws: EngineError.self) { try itemSpec.parseAnswer(raw) }
    }

    /// What a nurse typed may be patient data: a refusal names the item, never the value.
    @Test(arguments: ["baseline", "temp", "position", "antibiotic", "identity"])
    func refusedInputIsNeverEchoed(item: String) throws {
        let typed = "Zhang San 13800138000"
        let itemSpec = try #require(Fixtures.counts().items.first { $0.id == item })
        let error = #expect(throws: EngineError.self) { try itemSpec.parseAnswer(typed) }
        #expect(error?.message.contains(item) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("Zhang") == false, "\(error?.message ?? "")")
        #expect(error?.message.contains("13800138000") == false, "\(error?.message ?? "")")
    }

    @Test func typedInputParses() throws {
        let items = Dictionary(uniqueKeysWithValues: Fixtures.counts().items.map { ($0.id, $0) })
        #expect(try items["baseline"]!.parseAnswer(" 12 ") == .count(12))
        #expect(try items["identity"]!.parseAnswer("yes") == .check(true))
        #expect(try items["temp"]!.parseAnswer("21.5") == .number(21.5))
        #expect(try items["antibiotic"]!.parseAnswer("na") == .notApplicable)
        #expect(
            try items["antibiotic"]!.parseAnswer("2026-03-01T08:30:00+08:00")
                == .time(Timestamp.parse("2026-03-01T00:30:00Z")!))
    }

    @Test func roleRestrictionsApply() throws {
        var s = try Session()
        let error = #expect(throws: EngineError.self) { try s.record("baseline", .count(3), as: Fixtures.scrub) }
        #expect(error?.code == .roleNotAllowed)
        let signError = #expect(throws: EngineError.self) {
            try s.run(.sign(item: "signed"), as: Actor(id: "x", role: "surgeon"))
        }
        #expect(signError?.code == .roleNotAllowed || signError?.code == .itemNotReached)
    }

    @Test func hiddenItemsAreNotRequiredAndCannotBeRecorded() throws {
        var s = try Session()
        try s.answerCompliantly()
        let cavity = try #require(s.spec.items.first { $0.id == "cavity" })
        #expect(s.sheet.status(of: cavity) == .hidden)
        #expect(!s.sheet.isRequired(cavity))
        let error = #expect(throws: EngineError.self) { try s.record("cavity", .count(22)) }
        #expect(error?.code == .itemHidden)
        try s.record("cavity_needed", .check(true))
        #expect(s.sheet.status(of: cavity) == .open)
        #expect(s.sheet.isRequired(cavity))
    }

    @Test func laterPhaseIsRefusedUntilReached() throws {
        var s = try Session()
        let error = #expect(throws: EngineError.self) { try s.record("final", .count(1)) }
        #expect(error?.code == .itemNotReached)
        #expect(error?.message.contains("pre") == true)
    }

    @Test func returnReopensLaterAnswersWithoutDeletingHistory() throws {
        var s = try Session()
        try s.answerCompliantly()
        let before = s.log.count
        try s.run(.returnTo(item: "added"), reason: "recount requested")
        guard case .returned(let to, let reopened)? = s.log.last?.change else {
            Issue.record("expected a returned event")
            return
        }
        #expect(to == "added")
        #expect(reopened == ["added", "cavity_needed", "antibiotic", "final"])
        #expect(s.state.answers["added"] == nil && s.state.answers["final"] == nil)
        #expect(s.state.answers["baseline"]?.value == .count(20))
        #expect(s.sheet.currentPhase == 1)
        #expect(s.log.count == before + 1)
        #expect(
            s.log.contains { if case .recorded("final", _) = $0.change { true } else { false } },
            "history keeps the answer")
        // Return to the previous step: the last touched item.
        try s.record("added", .count(3))
        try s.run(.returnTo(item: nil), reason: "typo")
        #expect(s.state.answers["added"] == nil)
    }

    @Test func returnAndJumpNeedReasonsAndValidTargets() throws {
        var s = try Session()
        #expect(throws: EngineError.self) { try s.run(.returnTo(item: nil), reason: "x") }
        let noReason = #expect(throws: EngineError.self) { try s.run(.jump(to: "added")) }
        #expect(noReason?.code == .reasonRequired)
        let unknown = #expect(throws: EngineError.self) { try s.run(.jump(to: "addd"), reason: "x") }
        #expect(unknown?.code == .unknownItem)
        #expect(unknown?.message.contains("did you mean 'added'") == true)
    }

    @Test func jumpSkipsOpenItemsButNeverACriticalOne() throws {
        var s = try Session()
        let refused = #expect(throws: EngineError.self) { try s.run(.jump(to: "added"), reason: "emergency") }
        #expect(refused?.code == .criticalFailure)
        #expect(refused?.item == "identity")
        try s.record("identity", .check(true))
        try s.record("baseline", .count(5))
        try s.run(.jump(to: "added"), reason: "positioning recorded on paper")
        #expect(s.state.skipped["position"] == "positioning recorded on paper")
        #expect(s.state.skipped["temp"] != nil)
        #expect(s.sheet.currentPhase == 1)
        let back = #expect(throws: EngineError.self) { try s.run(.jump(to: "identity"), reason: "x") }
        #expect(back?.code == .invalidTarget)
    }

    @Test func suspendResumeStopAndRestart() throws {
        var s = try Session()
        try s.run(.suspend, reason: "patient to CT")
        let error = #expect(throws: EngineError.self) { try s.record("identity", .check(true)) }
        #expect(error?.code == .invalidState)
        #expect(throws: EngineError.self) { try s.run(.suspend, reason: "again") }
        try s.run(.resume, reason: "back")
        try s.record("identity", .check(true))
        try s.run(.stop, reason: "case cancelled")
        #expect(s.state.status == .stopped)
        #expect(throws: EngineError.self) { try s.record("baseline", .count(1)) }
        let (old, new) = try Engine.restart(
            s.spec, state: s.state, newRunId: "r2", context: Fixtures.context(reason: "rescheduled"))
        for e in old { try s.state.apply(e) }
        #expect(s.state.nextRun == "r2")
        let restarted = try RunState.fold(new)
        #expect(restarted.previousRun == "r1")
        #expect(restarted.attempt == 2)
        #expect(restarted.answers.isEmpty)
        #expect(throws: EngineError.self) {
            try Engine.restart(s.spec, state: s.state, newRunId: "r3", context: Fixtures.context(reason: "again"))
        }
    }

    @Test func triggersFireOnceWhenTheirConditionHolds() throws {
        var s = try Session(subject: SubjectFacts(["infected": .bool(true)]))
        #expect(s.state.firedTriggers == ["infection"], "a subject fact fires at start")
        try s.answerCompliantly()
        let events = try s.run(.record(item: "final", value: .count(19)))
        #expect(events.contains { $0.change == .triggered(trigger: "discrepancy", protocolId: "discrepancy") })
        let again = try s.run(.record(item: "final", value: .count(18)))
        #expect(again.count == 1, "a trigger fires once")
    }

    @Test func overdueItemsAreListedWithTheirEscalationRole() throws {
        let start = Fixtures.t0.addingTimeInterval(3600)
        let s = try Session(subject: SubjectFacts(["scheduled_start": .time(start)]))
        #expect(s.sheet.overdue(at: start.addingTimeInterval(-31 * 60)).isEmpty)
        let overdue = s.sheet.overdue(at: start.addingTimeInterval(-29 * 60))
        #expect(overdue.map(\.item) == ["baseline"])
        #expect(overdue.first?.escalateTo == "circulating_nurse")
        #expect(overdue.first?.due == start.addingTimeInterval(-30 * 60))
        var answered = s
        try answered.record("identity", .check(true))
        try answered.record("baseline", .count(3))
        #expect(answered.sheet.overdue(at: start).isEmpty)
    }

    @Test func migrationPlansCarriedDroppedAndNewItems() throws {
        var s = try Session()
        try s.record("identity", .check(true))
        try s.record("baseline", .count(10))
        try s.record("position", .choice("prone"))
        var v2 = Fixtures.counts(version: 2)
        // v2 renames baseline → initial_count, drops the prone option, adds an item.
        v2.phases[0].items[1].id = "initial_count"
        v2.phases[0].items[3].type = .choice(options: [ChoiceOption(id: "supine", label: Fixtures.text("Supine"))])
        v2.phases[0].items.append(ItemSpec(id: "warming", title: Fixtures.text("Warming"), type: .check))
        for i in v2.phases[1].items.indices where v2.phases[1].items[i].id == "cavity" {
            v2.phases[1].items[i].passIf = Fixtures.rule("cavity == initial_count + added")
        }
        v2.phases[2].items[0].passIf = Fixtures.rule("final == initial_count + added")
        v2.triggers = []
        let plan = try Engine.planMigration(s.state, from: s.spec, to: v2, itemMap: ["baseline": "initial_count"])
        #expect(plan.carried == ["identity": "identity", "baseline": "initial_count"])
        #expect(plan.dropped.keys.sorted() == ["position"])
        #expect(plan.added == ["initial_count", "warming"].filter { $0 != "initial_count" })
        let events = try Engine.migrate(
            s.state, from: s.spec, to: v2, itemMap: ["baseline": "initial_count"],
            context: Fixtures.context(reason: "protocol v2 published"))
        for e in events { try s.state.apply(e) }
        s.spec = v2
        #expect(s.state.version == 2)
        #expect(s.state.answers["initial_count"]?.value == .count(10))
        #expect(s.state.answers["position"] == nil)
        #expect(throws: EngineError.self) {
            try Engine.planMigration(s.state, from: v2, to: Fixtures.counts(version: 1))
        }
    }
}
