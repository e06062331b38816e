import Foundation
import QFlowEngine
import Testing

@testable import QFlowProtocolFile

/// The shipped counts protocol on its worked run and variants of it: per category, at every count point, with
/// additions, further cavities and handovers as repeating groups.
@Suite("Surgical counts in the library")
struct CountsLibraryTests {
    static let spec = LibraryFixture.specs["surgical_counts"]!

    /// The worked run with some steps' values changed and steps added, played through the engine.
    func play(changing changes: [String: String] = [:], adding extra: [LibraryRun.Step] = []) throws -> Played {
        let run = try LibraryFixture.run(for: "surgical_counts")
        var steps = run.steps.map { step -> LibraryRun.Step in
            var step = step
            if let record = step.record, let value = changes[record] { step.value = value }
            return step
        }
        // Added steps go before the closing counts (14:00), where they happen in the case.
        let closing = steps.firstIndex { $0.record == "cnt.precav.sponges" } ?? steps.count
        steps.insert(contentsOf: extra, at: closing)
        return try LibraryFixture.play(Self.spec, steps: steps, subject: run.subject ?? [:], start: run.start)
    }

    func outcome(_ played: Played, _ id: String) -> ItemOutcome? {
        played.sheet.item(id).flatMap(played.sheet.outcome)
    }

    @Test func everyCountPointReconcilesWithWhatWasOnTheFieldThen() throws {
        let played = try play()
        #expect(played.refused.isEmpty, "\(played.refused)")
        // Two needles were added at 13:30, after the uterus count at 13:00: that count is still right.
        #expect(played.state.answers["cnt.more.needles#1"]?.value == .count(20))
        #expect(outcome(played, "cnt.more.needles#1") == .pass)
        #expect(try RuleExpression(parsing: "sum(cnt.add.needles)").evaluate(in: played.sheet) == .number(2))
        #expect(outcome(played, "cnt.skin.needles") == .pass, "22 at skin closure: the addition counted in")
        #expect(outcome(played, "cnt.relief.sponges#1") == .pass)
        #expect(played.sheet.completionBlockers.isEmpty, "\(played.sheet.completionBlockers)")
        #expect(LibraryFixture.fired(played.events).isEmpty)
    }

    @Test func aNeedleMissingAtTheCavityCountStartsTheDiscrepancyFlow() throws {
        let played = try play(changing: ["cnt.more.needles#1": "19"])
        guard case .fail? = outcome(played, "cnt.more.needles#1") else {
            Issue.record("a needle short at the uterus count must fail it")
            return
        }
        #expect(LibraryFixture.fired(played.events) == ["discrepancy"])
        #expect(
            played.sheet.completionBlockers.contains { $0.item == "cnt.more.needles#1" && $0.code == .criticalFailure })
        // The other categories of the same count point are unaffected.
        #expect(outcome(played, "cnt.more.sponges#1") == .pass)
    }

    @Test func aSecondCavityIsCountedAsItsOwnInstance() throws {
        let step = { (item: String, value: String, at: String?) in
            LibraryRun.Step(record: item, sign: nil, value: value, role: "circulating_nurse", at: at)
        }
        let played = try play(adding: [
            step("cnt.more.site#2", "diaphragm", "2026-03-02T13:45:00+08:00"),
            step("cnt.more.sponges#2", "50", nil), step("cnt.more.needles#2", "22", nil),
            step("cnt.more.instruments#2", "60", nil), step("cnt.more.misc#2", "10", nil),
        ])
        #expect(played.refused.isEmpty, "\(played.refused)")
        #expect(outcome(played, "cnt.more.needles#2") == .pass, "the second cavity expects the needles added by then")
        #expect(try RuleExpression(parsing: "count(cnt.more)").evaluate(in: played.sheet) == .number(2))
        #expect(played.sheet.completionBlockers.isEmpty)
        // An unfinished second cavity holds completion: its counts are required once it exists.
        let partial = try play(adding: [step("cnt.more.site#2", "diaphragm", "2026-03-02T13:45:00+08:00")])
        #expect(partial.sheet.completionBlockers.contains { $0.item == "cnt.more.sponges#2" })
    }

    @Test func aWrongCountAtAHandoverFailsThatHandover() throws {
        let played = try play(changing: ["cnt.relief.sponges#1": "49"])
        guard case .fail? = outcome(played, "cnt.relief.sponges#1") else {
            Issue.record("a sponge short at the handover must fail it")
            return
        }
        #expect(LibraryFixture.fired(played.events) == ["discrepancy"])
    }

    @Test func anExtraItemIsADiscrepancyToo() throws {
        let played = try play(changing: ["cnt.skin.instruments": "61"])
        guard case .fail? = outcome(played, "cnt.skin.instruments") else {
            Issue.record("an extra instrument at skin closure must fail the count (AORN FAQ)")
            return
        }
        #expect(LibraryFixture.fired(played.events) == ["discrepancy"])
    }

    @Test func aSuperficialOperationCountsWhatItUses() throws {
        var facts = SubjectFacts()
        facts.values["scheduled_start"] = .time(Timestamp.parse("2026-03-02T08:00:00+08:00")!)
        var events = try Engine.start(
            Self.spec, runId: "r", subjectId: "s",
            context: CommandContext(actor: Actor(id: "n", role: "circulating_nurse"), at: Date(), subject: facts))
        var state = try RunState.fold(events)
        let nurse = CommandContext(actor: Actor(id: "n", role: "circulating_nurse"), at: Date(), subject: facts)
        for event in try Engine.execute(
            .record(item: "cnt.scope", value: .choice("superficial")), spec: Self.spec, state: state, context: nurse)
        {
            try state.apply(event)
            events.append(event)
        }
        let sheet = RunSheet(spec: Self.spec, state: state, subject: facts)
        #expect(sheet.status(of: sheet.item("cnt.base.instruments")!) == .hidden)
        #expect(sheet.status(of: sheet.item("cnt.base.misc")!) == .open, "blades are counted")
        #expect(sheet.status(of: sheet.item("cnt.precav.sponges")!) == .hidden, "no body cavity")
    }
}
