import Foundation
import GRDB
import QFlowStore

/// What SQLite alone can do with the rows one answer writes, for the store benchmark's ceiling (here, not in the
/// product: it reaches the store's write path through its `package` declarations).
extension Store {
    /// Writes the rows of `answersEach` answers per writer with the write path's own statements and nothing else,
    /// one answer of every writer per transaction, from one thread; returns answers per second.
    ///
    /// `runIds[w]` are writer w's runs, which must exist; its k-th answer goes to its run k / 30 and that run's item
    /// k mod 30, the pattern of the store benchmark's writers, so each commit touches the same pages theirs do.
    /// Each answer is what a recorded check costs the database: one event row (a fixed payload and hash), one
    /// answer upsert and one update of the run row; with `projections` false, the event row alone (a log without
    /// the projections the store keeps). No engine, no canonical JSON, no hash chain, no savepoints, no callers to
    /// wake: with as many writers as callers, the most any writer of this schema could do on this disk, measured in
    /// the same run as qflow. The events do not form a chain, so the database is useless afterwards.
    func measureWriteFloor(runIds: [[String]], answersEach: Int, projections: Bool = true)
        throws(StoreError) -> Double
    {
        precondition(!runIds.isEmpty && answersEach > 0, "measureWriteFloor needs writers and answers")
        let payload =
            #"{"actor":{"id":"n-1","role":"nurse","workstation":"bench"},"at":"2025-01-01T08:00:00.000Z","#
            + #""change":{"recorded":{"item":"chk.1","value":{"check":{"_0":true}}}}}"#
        let hash = String(repeating: "ab", count: 32)
        let at = "2025-01-01T08:00:00.000Z"
        do {
            return try pool.writeWithoutTransaction { db in
                var next = (try Int64.fetchOne(db, sql: "SELECT max(id) FROM event") ?? 0) + 1
                let start = DispatchTime.now().uptimeNanoseconds
                for k in 0..<answersEach {
                    try db.cachedStatement(sql: "BEGIN IMMEDIATE").run([])
                    for runs in runIds {
                        let runId = runs[min(k / 30, runs.count - 1)]
                        // Sequence numbers far above any real one keep (run, seq) unique.
                        let seq = Int64(1_000_000 + k)
                        try EventLog.insert(
                            [
                                .integer(next), .text(runId), .integer(seq), .text("recorded"), .text(at), .text("n-1"),
                                .text("nurse"), .text("bench"), .text(payload), .text(hash),
                            ], db)
                        next += 1
                        guard projections else { continue }
                        var changes = RowChanges(runId: runId)
                        let item = Int64(k % 30)
                        let runValues: [SQLValue] = [
                            .integer(1), .text(hash), .text("open"), .null, .text("all"), .integer(29 - item),
                            .integer(0),
                            .null, .integer(seq), .text(at), .integer(item + 1), .integer(0), .integer(0), .integer(0),
                            .integer(0), .integer(0), .integer(0), .text(runId),
                        ]
                        let answerValues: [SQLValue] = [
                            .text(runId), .text("chk.\(item + 1)"), .text("all"), .text("answered"), .text("yes"),
                            .null,
                            .text("pass"), .null, .integer(0), .integer(0), .text(at), .text("n-1"), .text("nurse"),
                        ]
                        changes.run = .update(runValues)
                        changes.answers = [answerValues]
                        try changes.write(db)
                    }
                    try db.cachedStatement(sql: "COMMIT").run([])
                }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                return Double(runIds.count * answersEach) / seconds
            }
        } catch {
            throw StoreError.wrap(error, "measure the write floor")
        }
    }
}
