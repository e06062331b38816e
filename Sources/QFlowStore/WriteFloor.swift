import Foundation
import GRDB

/// What SQLite alone can do with the rows one answer writes, for the store benchmark's ceiling.
extension Store {
    /// Writes `answers` answers' rows with the write path's own statements and nothing else, `perCommit` per
    /// transaction, from one thread; returns answers per second.
    ///
    /// Each answer is what a recorded check costs the database: one event row (a fixed payload and hash), one
    /// answer upsert and one update of the run row, on runs that must already exist. No engine, no canonical JSON,
    /// no hash chain, no savepoints, no callers to wake: the ceiling any implementation of this schema meets on
    /// this disk, measured in the same run as qflow. It appends events that do not form a chain, so the database
    /// is useless afterwards: benchmarks only.
    @_spi(Benchmarks)
    public func measureWriteFloor(runIds: [String], answers: Int, perCommit: Int)
        throws(StoreError) -> Double
    {
        precondition(!runIds.isEmpty && answers > 0 && perCommit > 0, "measureWriteFloor needs runs and answers")
        let payload = #"{"actor":{"id":"n-1","role":"nurse","workstation":"bench"},"at":"2025-01-01T08:00:00.000Z","change":{"recorded":{"item":"chk.1","value":{"check":{"_0":true}}}}}"#
        let hash = String(repeating: "ab", count: 32)
        let at = "2025-01-01T08:00:00.000Z"
        do {
            return try pool.writeWithoutTransaction { db in
                var next = (try Int64.fetchOne(db, sql: "SELECT max(id) FROM event") ?? 0) + 1
                let start = DispatchTime.now().uptimeNanoseconds
                var done = 0
                while done < answers {
                    try db.cachedStatement(sql: "BEGIN IMMEDIATE").run([])
                    for _ in 0..<min(perCommit, answers - done) {
                        let runId = runIds[done % runIds.count]
                        // Sequence numbers far above any real one keep (run, seq) unique.
                        let seq = Int64(1_000_000 + done / runIds.count)
                        try EventLog.insert(
                            [
                                .integer(next), .text(runId), .integer(seq), .text("recorded"), .text(at), .text("n-1"),
                                .text("nurse"), .text("bench"), .text(payload), .text(hash),
                            ], db)
                        var changes = RowChanges(runId: runId)
                        changes.run = .update([
                            .integer(1), .text(hash), .text("open"), .null, .text("all"), .integer(29), .integer(0),
                            .null, .integer(seq), .text(at), .integer(1), .integer(0), .integer(0), .integer(0),
                            .integer(0), .integer(0), .integer(0), .text(runId),
                        ])
                        changes.answers = [
                            [
                                .text(runId), .text("chk.\(done % 30 + 1)"), .text("all"), .text("answered"), .text("yes"),
                                .null, .text("pass"), .null, .integer(0), .integer(0), .text(at), .text("n-1"),
                                .text("nurse"),
                            ]
                        ]
                        try changes.write(db)
                        next += 1
                        done += 1
                    }
                    try db.cachedStatement(sql: "COMMIT").run([])
                }
                return Double(answers) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
        } catch {
            throw StoreError.wrap(error, "measure the write floor")
        }
    }
}
