import Foundation
import QFlowEngine
import Testing

@testable import QFlowStore

/// A counts protocol with a repeating group of further count points, each expecting what had been added by then.
let repeatingStoreYAML = """
    id: points
    version: 1
    title: { zh: 追加清点, en: Further counts }
    kind: core
    subject: surgical-case
    roles:
      - { id: circulating_nurse, title: { zh: 巡回护士, en: Circulating nurse } }
    phases:
      - id: before
        title: { zh: 术前, en: Before }
        items:
          - { id: base, title: { zh: 术前清点, en: Baseline }, type: count, gate: true }
        groups:
          - id: add
            title: { zh: 追加, en: Added }
            max: 5
            items:
              - { id: add.n, title: { zh: 追加数, en: Added }, type: count }
      - id: further
        title: { zh: 追加清点, en: Further counts }
        groups:
          - id: pt
            title: { zh: 清点点, en: Count point }
            min: 1
            max: 4
            items:
              - id: pt.count
                title: { zh: 清点数, en: Count }
                type: count
                critical: true
                pass_if: pt.count == base + sum_before(add.n, pt.count)

    """

@Suite("Repeating groups in the store")
struct RepeatStoreTests {
    /// Each instance item is an answer row with its own outcome, counted in the run's critical failures and in the
    /// long export; a rebuild from the events gives the same projection; the wide columns are `x#1 … x#max`.
    @Test func eachInstanceItemIsAnAnswerRowCountedInOutcomesAndTheLongExport() throws {
        let db = try TemporaryDatabase(publishing: [repeatingStoreYAML])
        let store = db.store
        try store.addSubject(surgicalCase(), at: t0)
        let run = try store.perform(
            ActionRequest(.start(protocolId: "points", subjectId: "C-001"), by: circulator, at: minutes(1))
        ).runId
        func record(_ item: String, _ n: Int, _ minute: Double) throws {
            try store.perform(
                ActionRequest(
                    .command(runId: run, .record(item: item, value: .count(n))), by: circulator, at: minutes(minute)))
        }
        try record("base", 20, 2)
        #expect(try store.run(run).summary.openRequired == 1, "the first count point (min 1) is required")
        try record("add.n#1", 2, 3)
        try record("pt.count#1", 22, 4)
        try record("add.n#2", 3, 5)  // after the first count point: it does not fail it
        try record("pt.count#2", 24, 6)  // one short of 25
        let detail = try store.run(run)
        #expect(detail.summary.criticalFailures == 1)
        #expect(detail.sheet.instances(of: "pt") == ["pt.count#1", "pt.count#2"])
        var rows: [String: String] = [:]
        try store.forEachAnswer(protocols: ["points"]) { rows[$0.item] = $0.outcome?.rawValue ?? "" }
        #expect(
            rows == ["base": "pass", "add.n#1": "pass", "add.n#2": "pass", "pt.count#1": "pass", "pt.count#2": "fail"])
        let before = try store.projectionDump()
        _ = try store.rebuild()
        #expect(try store.projectionDump() == before, "the projection is the fold of the stored events")
        #expect(try store.verify().isIntact)
        #expect(
            detail.spec.answerableItemIds == ["base"] + (1...5).map { "add.n#\($0)" } + (1...4).map { "pt.count#\($0)" }
        )
        // A recount supersedes the answer like any item's; the run then completes.
        try record("pt.count#2", 25, 7)
        try store.perform(ActionRequest(.command(runId: run, .complete), by: circulator, at: minutes(8)))
        #expect(try store.run(run).state.status == .completed)
    }
}
