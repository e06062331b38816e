import Foundation
import QFlowEngine
import QFlowStore
import Testing

/// A run completed with a documented deviation is stored, listed, and counted as non-compliant.
@Suite("Deviations in the store")
struct DeviationStoreTests {
    static let headNurse = Actor(id: "hn-003", role: "head_nurse", workstation: "office")

    @Test func aDeviatedRunIsCompletedListedAndCountedAsNonCompliant() throws {
        let db = try TemporaryDatabase(publishing: [countsYAML + "deviation: { sign_off: [head_nurse] }\n", searchYAML])
        let store = db.store
        // One clean run, one whose final count failed and was signed off by the head nurse.
        var runs: [String] = []
        for (n, final) in [(1, "12"), (2, "11")] {
            let run = try store.startCounts("C-00\(n)")
            try store.record(run, "base", "12", at: minutes(2))
            try store.record(run, "final", final, at: minutes(70))
            for actor in [scrub, circulator] {
                try store.perform(
                    ActionRequest(.command(runId: run, .sign(item: "signed")), by: actor, at: minutes(71)))
            }
            runs.append(run)
        }
        let deviated = runs[1]
        #expect(throws: StoreError.self) {
            try store.perform(ActionRequest(.command(runId: deviated, .complete), by: circulator, at: minutes(72)))
        }
        #expect(throws: StoreError.self) {
            try store.perform(
                ActionRequest(
                    .command(runId: deviated, .completeWithDeviation(items: ["final"])), by: circulator,
                    at: minutes(72), reason: "not mine to sign"))
        }
        try store.perform(
            ActionRequest(.command(runId: runs[0], .complete), by: circulator, at: minutes(72)))
        let result = try store.perform(
            ActionRequest(
                .command(runId: deviated, .completeWithDeviation(items: ["final"])), by: Self.headNurse,
                at: minutes(90), reason: "X-ray read clear; count sheet error; incident report IR-2026-014"))
        #expect(result.status == .completed)
        #expect(result.events.map(\.kind).suffix(2) == ["deviated", "completed"])

        func check() throws {
            let listed = try store.deviations()
            #expect(listed.map(\.runId) == [deviated])
            #expect(listed.first?.items == ["final"] && listed.first?.role == "head_nurse")
            #expect(listed.first?.reason.contains("incident report") == true)
            let cohort = Cohort.everyone
            let critical = try store.units(.criticalFree("counts"), in: cohort)
            #expect(
                Dictionary(uniqueKeysWithValues: critical.map { ($0.runId, $0.value) }) == [runs[0]: 1, deviated: 0])
            let completion = try store.units(.completion("counts"), in: cohort)
            #expect(completion.map(\.value) == [1, 1])
            let final = try store.units(.item("final"), in: cohort)
            #expect(final.map(\.value).sorted() == [0, 1])
        }
        try check()
        _ = try store.rebuild()
        try check()
        #expect(try store.verify().isIntact)
    }
}
