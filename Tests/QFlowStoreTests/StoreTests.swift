import Foundation
import GRDB
import QFlowEngine
import Testing

@testable import QFlowStore

@Suite("Store")
struct StoreTests {
    @Test func aRunIsRecordedProjectedAndVerified() throws {
        let db = try TemporaryDatabase()
        let store = db.store
        try store.addSubject(surgicalCase(), at: t0)
        let started = try store.perform(
            ActionRequest(.start(protocolId: "counts", subjectId: "C-001"), by: circulator, at: minutes(1)))
        #expect(started.runId == "R000001")
        #expect(started.events.map(\.seq) == [1])
        let run = started.runId
        try store.record(run, "base", "12", at: minutes(2))
        try store.record(run, "final", "12", at: minutes(90))
        try store.perform(ActionRequest(.command(runId: run, .sign(item: "signed")), by: scrub, at: minutes(91)))
        try store.perform(ActionRequest(.command(runId: run, .sign(item: "signed")), by: circulator, at: minutes(92)))
        let done = try store.perform(ActionRequest(.command(runId: run, .complete), by: circulator, at: minutes(93)))
        #expect(done.status == .completed)
        #expect(done.seq == 6)

        let detail = try store.run(run)
        #expect(detail.summary.status == .completed)
        #expect(detail.summary.openRequired == 0)
        #expect(detail.state.answers["final"]?.value == .count(12))
        #expect(detail.events.map(\.seq) == Array(1...6))
        let report = try store.verify()
        #expect(report.isIntact, "\(report.problems)")
        #expect(report.events == 6)
        #expect(try store.runs(subject: "C-001").map(\.id) == [run])
    }

    @Test func answersAreProjectedWithTheirOutcome() throws {
        let db = try TemporaryDatabase()
        let store = db.store
        let run = try store.startCounts()
        try store.record(run, "base", "12", at: minutes(2))
        try store.record(run, "final", "11", at: minutes(90))
        let rows = try DatabaseQueue(path: db.path).read { db in
            try Row.fetchAll(db, sql: "SELECT item, status, value, number, outcome FROM answer ORDER BY item")
        }
        #expect(rows.map { $0["item"] as String } == ["base", "final"])
        #expect(rows[1]["outcome"] as String == "fail")
        #expect(rows[1]["number"] as Double == 11)
        #expect(try store.run(run).summary.criticalFailures == 1)
    }

    @Test func aTriggerStartsItsFlowInTheSameTransaction() throws {
        let db = try TemporaryDatabase()
        let store = db.store
        let run = try store.startCounts()
        try store.record(run, "base", "12", at: minutes(2))
        let result = try store.record(run, "final", "11", at: minutes(90))
        #expect(result.triggeredRuns == ["R000002"])
        #expect(result.events.map(\.kind) == ["recorded", "triggered", "started"])
        let searching = try store.run("R000002")
        #expect(searching.summary.protocolId == "search")
        #expect(searching.summary.triggeredByRun == run)
        #expect(searching.summary.triggerId == "mismatch")
        #expect(searching.summary.subjectId == "C-001")
    }

    @Test func aStaleSequenceIsAConflictAndRecordsNothing() throws {
        let db = try TemporaryDatabase()
        let store = db.store
        let run = try store.startCounts()
        // Two workstations load the run at sequence 1; the first to write wins.
        try store.record(run, "base", "12", at: minutes(2), expectedSeq: 1)
        let before = try store.eventCount()
        let error = #expect(throws: StoreError.self) {
            try store.record(run, "base", "13", at: minutes(3), expectedSeq: 1)
        }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("reload") == true)
        #expect(try store.eventCount() == before)
        #expect(try store.run(run).state.answers["base"]?.value == .count(12))
    }

    @Test func aRefusedCommandChangesNothing() throws {
        let db = try TemporaryDatabase()
        let store = db.store
        let run = try store.startCounts()
        let dump = try store.projectionDump()
        let notReached = #expect(throws: StoreError.self) { try store.record(run, "final", "3", at: minutes(2)) }
        #expect(notReached?.engineCode == .itemNotReached)
        let incomplete = #expect(throws: StoreError.self) {
            try store.perform(ActionRequest(.command(runId: run, .complete), by: circulator, at: minutes(3)))
        }
        #expect(incomplete?.engineCode == .criticalFailure || incomplete?.engineCode == .incomplete)
        let noReason = #expect(throws: StoreError.self) {
            try store.perform(ActionRequest(.command(runId: run, .stop), by: circulator, at: minutes(3)))
        }
        #expect(noReason?.engineCode == .reasonRequired)
        #expect(try store.projectionDump() == dump)
        #expect(try store.eventCount() == 1)
        #expect(throws: StoreError.self) {
            try store.perform(ActionRequest(.command(runId: "R999999", .complete), by: circulator, at: minutes(3)))
        }
    }

    @Test func everyVerbEndToEnd() throws {
        let db = try TemporaryDatabase()
        let store = db.store
        let run = try store.startCounts()
        func act(_ command: RunCommand, _ reason: String? = nil, _ at: Double) throws {
            try store.perform(
                ActionRequest(.command(runId: run, command), by: circulator, at: minutes(at), reason: reason))
        }
        try store.record(run, "base", "12", at: minutes(2))
        try act(.returnTo(item: "base"), "wrong tray counted", 3)
        #expect(try store.run(run).state.answers["base"] == nil)
        try store.record(run, "base", "14", at: minutes(4))
        try store.record(run, "final", "14", at: minutes(5))
        try act(.jump(to: "signed"), "note not needed", 5)
        try act(.suspend, "patient to CT", 6)
        try act(.resume, "back from CT", 7)
        try act(.stop, "case cancelled", 8)
        let restarted = try store.perform(
            ActionRequest(.restart(runId: run), by: circulator, at: minutes(9), reason: "case rebooked"))
        #expect(restarted.runId == "R000002")
        let old = try store.run(run).summary
        #expect(old.status == .stopped)
        #expect(old.nextRun == "R000002")
        #expect(try store.run("R000002").summary.attempt == 2)
        #expect(try store.verify().isIntact)
    }

    @Test func migrationMovesAnOpenRunToTheNewVersion() throws {
        let db = try TemporaryDatabase()
        let store = db.store
        let run = try store.startCounts()
        try store.record(run, "base", "12", at: minutes(2))
        let v2 = try spec(
            countsYAML.replacingOccurrences(of: "version: 1", with: "version: 2")
                .replacingOccurrences(of: "id: base", with: "id: baseline")
                .replacingOccurrences(of: "final == base", with: "final == baseline")
                .replacingOccurrences(of: "final != base", with: "final != baseline"))
        try store.publish(v2, at: minutes(3))
        let plan = try store.planMigration(runId: run, toVersion: nil, itemMap: ["base": "baseline"])
        #expect(plan.plan.carried == ["base": "baseline"])
        let unmapped = try store.planMigration(runId: run, toVersion: 2, itemMap: [:])
        #expect(unmapped.plan.dropped.keys.sorted() == ["base"])
        try store.perform(
            ActionRequest(
                .migrate(runId: run, toVersion: 2, itemMap: ["base": "baseline"]), by: circulator, at: minutes(4),
                reason: "v2 renames the baseline item"))
        let detail = try store.run(run)
        #expect(detail.summary.version == 2)
        #expect(detail.state.answers["baseline"]?.value == .count(12))
        try store.rebuild()
        #expect(try store.run(run).summary.version == 2)
    }

    @Test func publishedVersionsNeverChange() throws {
        let db = try TemporaryDatabase()
        #expect(try db.store.publish(try spec(countsYAML), at: t0) == .unchanged)
        let changed = try spec(countsYAML.replacingOccurrences(of: "en: Final", with: "en: Final count"))
        let error = #expect(throws: StoreError.self) { try db.store.publish(changed, at: t0) }
        #expect(error?.code == .alreadyExists)
        #expect(try db.store.spec("counts").spec.items[1].title.en == "Final")
    }

    @Test func rebuildGivesByteIdenticalProjections() throws {
        let db = try TemporaryDatabase()
        let store = db.store
        for n in 1...6 {
            try store.addSubject(surgicalCase("C-00\(n)"), at: t0)
            let run = try store.perform(
                ActionRequest(.start(protocolId: "counts", subjectId: "C-00\(n)"), by: circulator, at: minutes(1))
            ).runId
            try store.record(run, "base", "\(10 + n)", at: minutes(2))
            if n % 2 == 0 { try store.record(run, "final", "\(9 + n)", at: minutes(80)) }
            if n == 3 {
                try store.perform(
                    ActionRequest(
                        .command(runId: run, .returnTo(item: nil)), by: circulator, at: minutes(81),
                        reason: "recount"))
            }
        }
        let before = try store.projectionDump()
        #expect(before.contains("R000007"))  // triggered runs are projected too
        #expect(try store.rebuild() == 9)
        #expect(try store.projectionDump() == before)
        #expect(try store.verify().isIntact)
    }

    @Test func overdueItemsAreListedWithTheirEscalation() throws {
        let db = try TemporaryDatabase()
        let store = db.store
        try store.addSubject(surgicalCase(), at: t0)
        try store.perform(
            ActionRequest(.start(protocolId: "counts", subjectId: "C-001"), by: circulator, at: minutes(1)))
        #expect(try store.overdue(at: minutes(59)).isEmpty)
        let late = try store.overdue(at: minutes(61))
        #expect(late.map(\.item) == ["base"])
        #expect(late.first?.escalateTo == "circulating_nurse")
        #expect(late.first?.room == "OR3")
        try store.record("R000001", "base", "12", at: minutes(62))
        #expect(try store.overdue(at: minutes(61)).isEmpty)
    }

    @Test func subjectFactsAreTypedByThePublishedProtocols() throws {
        let db = try TemporaryDatabase()
        let bad = Subject(id: "C-9", kind: "surgical-case", facts: ["scheduled_start": "tomorrow"])
        let error = #expect(throws: StoreError.self) { try db.store.addSubject(bad, at: t0) }
        #expect(error?.code == .invalidInput)
        #expect(error?.message.contains("scheduled_start") == true)
        try db.store.addSubject(surgicalCase("C-1"), at: t0)
        #expect(throws: StoreError.self) { try db.store.addSubject(surgicalCase("C-1"), at: t0) }
        let linen = Subject(id: "L-1", kind: "linen-batch")
        try db.store.addSubject(linen, at: t0)
        let wrongKind = #expect(throws: StoreError.self) {
            try db.store.perform(ActionRequest(.start(protocolId: "counts", subjectId: "L-1"), by: circulator, at: t0))
        }
        #expect(wrongKind?.message.contains("linen-batch") == true)
    }

    @Test func tamperingIsFoundAtTheFirstBrokenEvent() throws {
        let db = try TemporaryDatabase()
        let store = db.store
        let run = try store.startCounts()
        try store.record(run, "base", "12", at: minutes(2))
        try store.record(run, "final", "12", at: minutes(80))
        #expect(try store.verify().isIntact)
        // Someone with file access turns the final count 12 into 13 directly in the database.
        try DatabaseQueue(path: db.path).write { db in
            let payload = try #require(try String.fetchOne(db, sql: "SELECT payload FROM event WHERE id = 3"))
            #expect(payload.contains("12"))
            try db.execute(
                sql: "UPDATE event SET payload = ? WHERE id = 3",
                arguments: [payload.replacingOccurrences(of: "12", with: "13")])
        }
        let report = try store.verify()
        #expect(!report.isIntact)
        #expect(report.firstBrokenEvent == 3)
        #expect(report.problems.first?.contains("event 3") == true)
    }

    @Test func backupIsAVerifiedCopy() throws {
        let db = try TemporaryDatabase()
        try db.store.addSubject(surgicalCase(), at: t0)
        try db.store.perform(ActionRequest(.start(protocolId: "counts", subjectId: "C-001"), by: circulator, at: t0))
        let target = db.directory.appendingPathComponent("backup.sqlite").path
        let report = try db.store.backup(to: target)
        #expect(report.isIntact)
        #expect(report.events == 1)
        #expect(try Store.open(path: target).runs().count == 1)
        #expect(throws: StoreError.self) { try db.store.backup(to: target) }
    }

    @Test func concurrentWritersShareCommitsAndLoseNothing() async throws {
        let db = try TemporaryDatabase()
        let store = db.store
        let runs = try (1...20).map { n in
            try store.addSubject(surgicalCase("C-\(n)"), at: t0)
            return try store.perform(
                ActionRequest(.start(protocolId: "counts", subjectId: "C-\(n)"), by: circulator, at: t0)
            ).runId
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for run in runs {
                group.addTask {
                    for i in 0..<25 { try store.record(run, "base", "\(i)", at: minutes(Double(i))) }
                }
            }
            try await group.waitForAll()
        }
        let report = try store.verify()
        #expect(report.isIntact, "\(report.problems)")
        #expect(report.events == 20 + 20 * 25)
        for run in runs { #expect(try store.run(run).state.answers["base"]?.value == .count(24)) }
    }

    @Test func aCommandPreparedAgainstAStaleStateIsWorkedOutAgainByTheWriter() throws {
        // Two stores on one file stand for two processes: each remembers the runs it wrote and prepares its next
        // command against that; the writer must notice the other process's events and decide afresh.
        let db = try TemporaryDatabase()
        let first = db.store
        let second = try Store.open(path: db.path)
        let run = try first.startCounts()
        try first.record(run, "base", "12", at: minutes(2))  // first remembers the run at event 2
        try second.record(run, "final", "12", at: minutes(80))  // event 3, written by the other store
        try second.record(run, "note", "ok", at: minutes(81))  // event 4
        // first's remembered state (event 2) is stale: its writer works the command out again from the log.
        let result = try first.record(run, "final", "11", at: minutes(82))
        #expect(result.events.map(\.kind) == ["recorded", "triggered", "started"])  // final != base: the trigger fires
        #expect(result.seq == 6)
        let state = try first.run(run).state
        #expect(state.answers["final"]?.value == .count(11))
        #expect(state.answers["note"]?.value == .text("ok"))
        #expect(state.revisions["final"] == 1)
        // A stale expectation is still a conflict, whichever store remembers what.
        let stale = #expect(throws: StoreError.self) {
            try second.record(run, "note", "again", at: minutes(83), expectedSeq: 4)  // it is at 6 now
        }
        #expect(stale?.code == .conflict)
        let report = try first.verify()
        #expect(report.isIntact, "\(report.problems)")
        let dump = try first.projectionDump()
        try first.rebuild()
        #expect(try first.projectionDump() == dump)
    }

    @Test func aRefusedActionInABatchLeavesTheRunUsable() throws {
        let db = try TemporaryDatabase()
        let store = db.store
        let run = try store.startCounts()
        let results = try store.performAll([
            ActionRequest(
                .command(runId: run, .record(item: "base", value: .count(12))), by: circulator, at: minutes(2)),
            ActionRequest(
                .command(runId: run, .record(item: "nope", value: .count(1))), by: circulator, at: minutes(3)),
            ActionRequest(
                .command(runId: run, .record(item: "final", value: .count(12))), by: circulator, at: minutes(4)),
        ])
        #expect(results.map { (try? $0.get())?.seq } == [2, nil, 3])
        try store.record(run, "note", "ok", at: minutes(5))
        #expect(try store.run(run).state.eventCount == 4)
        let dump = try store.projectionDump()
        try store.rebuild()
        #expect(try store.projectionDump() == dump)
        #expect(try store.verify().isIntact)
    }

    @Test func aFileThatIsNotOursIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let other = dir.appendingPathComponent("other.sqlite").path
        try DatabaseQueue(path: other).write { try $0.execute(sql: "CREATE TABLE t (x)") }
        let error = #expect(throws: StoreError.self) { try Store.open(path: other) }
        #expect(error?.code == .corrupt)
        let missing = #expect(throws: StoreError.self) { try Store.open(path: dir.appendingPathComponent("no").path) }
        #expect(missing?.code == .notFound)
    }
}
