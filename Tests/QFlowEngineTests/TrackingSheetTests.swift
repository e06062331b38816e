import Foundation
import Testing

@testable import QFlowEngine

/// A tracking sheet (``RunSheet/init(tracking:state:subject:)``) answers every question as a sheet read from scratch
/// does; every ``Session`` in these tests also checks that after each command.
@Suite("Tracking sheets")
struct TrackingSheetTests {
    typealias F = Fixtures

    /// A chain of rules: `b` is shown when `a` is, `c` is required while `b` has failed, `d` is critical and passes
    /// only when `c` is answered. One answer to `a` changes what `b`, `c` and `d` read as.
    static func chain() -> ProtocolSpec {
        ProtocolSpec(
            id: "chain", version: 1, title: F.text("Chain"), kind: .core, subject: "surgical-case",
            roles: [RoleSpec(id: "circulating_nurse", title: F.text("Circulator"))],
            phases: [
                PhaseSpec(
                    id: "one", title: F.text("One"),
                    items: [
                        ItemSpec(id: "a", title: F.text("A"), type: .check),
                        ItemSpec(id: "b", title: F.text("B"), type: .check, showIf: F.rule("a")),
                        ItemSpec(
                            id: "c", title: F.text("C"), type: .check, required: false,
                            requiredIf: F.rule("failed(b)")),
                    ]),
                PhaseSpec(
                    id: "two", title: F.text("Two"),
                    items: [
                        ItemSpec(
                            id: "d", title: F.text("D"), type: .check, critical: true, passIf: F.rule("answered(c)"))
                    ]),
            ])
    }

    @Test("an answer re-reads the items whose rules read it, through other items' rules")
    func anAnswerReReadsItsReadersTransitively() throws {
        let index = SheetIndex(Self.chain().phases)
        #expect(index.affected["a"] == [0, 1, 2, 3])  // b reads a; c reads b's outcome; d reads c
        #expect(index.affected["c"] == [2, 3])
        #expect(index.affected["d"] == [3])

        var s = try Session(Self.chain())
        try s.record("a", .check(true))
        try s.record("b", .check(false))  // b fails: c becomes required, so phase two is not reached
        #expect(throws: EngineError.self) { try s.record("d", .check(true)) }
        try s.record("c", .check(true))
        try s.record("d", .check(true))
        try s.run(.returnTo(item: "a"), reason: "wrong patient band")
        try s.record("a", .check(false))  // b is hidden again, c no longer required (but still answerable)
        try s.record("c", .check(true))
        try s.record("d", .check(true))
        try s.run(.complete)
        #expect(s.state.status == .completed)
    }

    @Test("a tracking sheet refuses completion while a critical item fails, like a sheet read from scratch")
    func completionBlockersMatch() throws {
        var s = try Session(Self.chain())
        try s.record("a", .check(false))
        try s.record("d", .check(true))  // c is not answered: d fails
        let tracked = RunSheet(tracking: s.spec, state: s.state)
        #expect(tracked.completionBlockers == RunSheet(spec: s.spec, state: s.state).completionBlockers)
        #expect(tracked.completionBlockers.map(\.code) == [.criticalFailure])
        #expect(throws: EngineError.self) { try s.run(.complete) }
    }

    @Test("a migration is read with a sheet of the new version")
    func aMigrationNeedsANewSheet() throws {
        var s = try Session()
        try s.answerCompliantly()
        let events = try Engine.migrate(
            s.state, from: s.spec, to: F.counts(version: 2), context: F.context(F.circulator, reason: "v2"))
        var sheet = RunSheet(tracking: s.spec, state: s.state)
        let migrated = try #require(events.first { if case .migrated = $0.change { true } else { false } })
        #expect(throws: EngineError.self) { try sheet.apply(migrated) }
        #expect(sheet.state == s.state, "nothing was applied")
    }

    @Test("a definition changed after use gets a new index")
    func changingPhasesReplacesTheIndex() {
        var spec = F.counts()
        #expect(spec.sheetIndex.slots["identity"]?.position == 0)
        spec.phases[0].items.removeFirst()
        #expect(spec.sheetIndex.slots["identity"] == nil)
        #expect(spec.sheetIndex.slots["baseline"]?.position == 0)
        var unindexed = F.counts()
        unindexed.phases[0].items.removeFirst()
        #expect(spec == unindexed, "a built index takes no part in equality")
        #expect(spec.hashValue == unindexed.hashValue, "nor in hashing")
        #expect(spec.contentHash == unindexed.contentHash, "nor in the canonical encoding")
    }
}
