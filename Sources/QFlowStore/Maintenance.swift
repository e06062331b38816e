import Foundation
import GRDB
import QFlowEngine

/// The result of `verify`: whether the log is intact and, if not, the first event that is not.
public struct VerifyReport: Sendable, Hashable, Codable {
    /// Events checked.
    public var events: Int
    /// Runs whose histories were replayed.
    public var runs: Int
    /// SQLite's `PRAGMA integrity_check` result (`ok` when the file is sound).
    public var integrity: String
    /// The first event whose hash, sequence or payload does not check, if any.
    public var firstBrokenEvent: Int64?
    /// Every problem found, most important first.
    public var problems: [String]

    /// True when nothing is wrong.
    public var isIntact: Bool { problems.isEmpty && integrity == "ok" }
}

extension Store {
    /// Checks the file (`integrity_check`), the hash chain of every event, each run's sequence numbers, that every
    /// history replays, and that the run projection agrees with the log.
    public func verify() throws(StoreError) -> VerifyReport {
        try read("verify") { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ")
            var report = VerifyReport(events: 0, runs: 0, integrity: integrity, firstBrokenEvent: nil, problems: [])
            func broken(_ id: Int64, _ problem: String) {
                if report.firstBrokenEvent == nil { report.firstBrokenEvent = id }
                if report.problems.count < 20 { report.problems.append("event \(id): \(problem)") }
            }
            var previous = EventLog.genesis
            var expectedId: Int64 = 1
            var lastSeq: [String: Int] = [:]
            let cursor = try Row.fetchCursor(
                db, sql: "SELECT id, run_id, seq, kind, at, actor, role, workstation, payload, hash FROM event ORDER BY id")
            while let row = try cursor.next() {
                report.events += 1
                let id: Int64 = row[0]
                let runId: String = row[1]
                let seq: Int = row[2]
                let payload: String = row[8]
                let stored: String = row[9]
                if id != expectedId { broken(id, "event \(expectedId) is missing (the log has a gap)") }
                expectedId = id + 1
                let hash = EventLog.hash(previous: previous, id: id, runId: runId, seq: seq, payload: payload)
                if hash != stored {
                    broken(id, "hash does not match its content (run \(runId), #\(seq)): the event was altered")
                }
                previous = stored
                if seq != (lastSeq[runId] ?? 0) + 1 {
                    broken(id, "run \(runId) sequence jumps from \(lastSeq[runId] ?? 0) to \(seq)")
                }
                lastSeq[runId] = seq
                if let event = try? CanonicalJSON.decode(RunEvent.self, from: Array(payload.utf8)) {
                    let columns: [String?] = [row[3], row[4], row[5], row[6], row[7]]
                    let expected: [String?] = [
                        event.kind, Timestamp.format(event.at), event.actor.id, event.actor.role,
                        event.actor.workstation,
                    ]
                    if columns != expected { broken(id, "its columns disagree with its payload") }
                } else {
                    broken(id, "the payload is not a valid event")
                }
            }
            // Replay each run and compare with the run projection.
            let runs = try Row.fetchAll(db, sql: "SELECT id, last_seq, status FROM run ORDER BY id")
            report.runs = runs.count
            let projected = Dictionary(uniqueKeysWithValues: runs.map { ($0[0] as String, $0) })
            for (runId, seq) in lastSeq.sorted(by: { $0.key < $1.key }) where report.problems.count < 20 {
                guard let row = projected[runId] else {
                    report.problems.append("run \(runId) has events but no projection: run qflow rebuild")
                    continue
                }
                do {
                    let state = try RunState.fold(try EventLog.events(ofRun: runId, db))
                    if (row[1] as Int) != seq || (row[2] as String) != state.status.rawValue {
                        report.problems.append("run \(runId): the projection disagrees with the log: run qflow rebuild")
                    }
                } catch {
                    report.problems.append("run \(runId): its history does not replay (\(error))")
                }
            }
            for runId in projected.keys.sorted() where lastSeq[runId] == nil {
                report.problems.append("run \(runId) is projected but has no events")
            }
            return report
        }
    }

    /// Recreates every projection from the event log, in one transaction; returns the number of runs rebuilt.
    @discardableResult
    public func rebuild() throws(StoreError) -> Int {
        try writer.submit("rebuild") { db, cache in
            cache.clear()
            try db.execute(
                sql: """
                    DELETE FROM answer; DELETE FROM deadline; DELETE FROM run_queue; DELETE FROM escalation;
                    DELETE FROM pending_step; DELETE FROM run;
                    """)
            var specs: [String: PublishedSpec] = [:]
            var subjects: [String: Subject] = [:]
            var count = 0
            var current: (runId: String, events: [RunEvent])?
            func flush() throws {
                guard let (runId, events) = current else { return }
                let state: RunState
                do {
                    state = try RunState.fold(events)
                } catch {
                    throw StoreError(.corrupt, "run \(runId): its history does not replay: \(error.message)")
                }
                let reference = "\(state.protocolId)@\(state.version)"
                if specs[reference] == nil {
                    specs[reference] = try Registry.spec(state.protocolId, version: state.version, db)
                }
                if subjects[state.subjectId] == nil {
                    guard let subject = try Registry.subject(state.subjectId, db) else {
                        throw StoreError(.corrupt, "run \(runId) refers to a missing subject \(state.subjectId)")
                    }
                    subjects[state.subjectId] = subject
                }
                let spec = specs[reference]!.spec
                try RunRows(
                    spec: spec, state: state, subject: try subjects[state.subjectId]!.facts(for: spec, db),
                    lastAt: events.last!.at
                ).write(db, replacing: nil)
                count += 1
            }
            // Runs in the order they started, so run ids keep their rowid order.
            let cursor = try Row.fetchCursor(
                db,
                sql: """
                    SELECT e.id, e.run_id, e.payload FROM event e
                    JOIN (SELECT run_id, min(id) AS first FROM event GROUP BY run_id) f ON f.run_id = e.run_id
                    ORDER BY f.first, e.seq
                    """)
            while let row = try cursor.next() {
                let runId: String = row[1]
                let event = try EventLog.decode(row[2], eventId: row[0])
                if current?.runId != runId {
                    try flush()
                    current = (runId, [])
                }
                current!.events.append(event)
            }
            try flush()
            return count
        }
    }

    /// Copies the database with SQLite's online backup (safe while others write), then verifies the copy.
    public func backup(to destination: String) throws(StoreError) -> VerifyReport {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw StoreError(.alreadyExists, "\(destination) exists: choose a new file name for the backup")
        }
        do {
            let target = try DatabaseQueue(path: destination)
            try pool.backup(to: target)
            try target.close()
        } catch {
            try? FileManager.default.removeItem(atPath: destination)
            throw StoreError.wrap(error, "backup to \(destination)")
        }
        let copy = try Store.open(path: destination)
        let report = try copy.verify()
        guard report.isIntact else {
            throw StoreError(
                .corrupt,
                "the backup at \(destination) does not verify: \(report.problems.first ?? report.integrity)")
        }
        return report
    }

    /// Every projection row as text, table by table in key order: two databases with the same log give equal dumps.
    public func projectionDump() throws(StoreError) -> String {
        try read("dump projections") { db in
            var out = ""
            for (table, order) in [
                ("run", "id"), ("answer", "run_id, item"), ("deadline", "run_id, item"), ("run_queue", "run_id"),
                ("escalation", "run_id, n"), ("pending_step", "run_id, item, step"),
            ] {
                out += "# \(table)\n"
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY \(order)") {
                    out += row.databaseValues.map { $0.description }.joined(separator: "|") + "\n"
                }
            }
            return out
        }
    }
}

/// A run recorded elsewhere (a generator, another system) with its complete history, for `importRuns`.
public struct ImportedRun: Sendable {
    /// The subject, if it is not in the database yet.
    public var subject: Subject?
    /// The run's events, from `started` on, as the engine produced them.
    public var events: [RunEvent]

    /// Creates an imported run.
    public init(subject: Subject?, events: [RunEvent]) {
        self.subject = subject
        self.events = events
    }
}

extension Store {
    /// Appends whole runs in one transaction: their events join the hash chain and their projections are written
    /// once per run (not once per event). For bulk loads of histories the engine has already produced.
    ///
    /// Each history must replay (`RunState.fold`), name a published protocol version and a subject that exists or
    /// comes with it, and use a run id not yet taken; otherwise nothing of the batch is written.
    public func importRuns(_ runs: [ImportedRun], at: Date) throws(StoreError) {
        try writer.submit("import \(runs.count) runs") { db, cache in
            var head = try EventLog.head(db)
            var subjects: [String: Subject] = [:]
            for run in runs {
                if let subject = run.subject, subjects[subject.id] == nil {
                    try Registry.add(subject, at: at, db, checkFacts: false)
                    subjects[subject.id] = subject
                }
                let state: RunState
                do {
                    state = try RunState.fold(run.events)
                } catch let error as EngineError {
                    throw StoreError(.invalidInput, "imported run: \(error.message)")
                }
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM run WHERE id = ?", arguments: [state.runId]) == true {
                    throw StoreError(.alreadyExists, "run \(state.runId) already exists")
                }
                if subjects[state.subjectId] == nil {
                    guard let subject = try Registry.subject(state.subjectId, db) else {
                        throw StoreError(.notFound, "imported run \(state.runId): no subject \(state.subjectId)")
                    }
                    subjects[state.subjectId] = subject
                }
                let published = try Registry.spec(state.protocolId, version: state.version, db, cache: cache)
                guard published.contentHash == state.specHash else {
                    throw StoreError(.invalidInput, "imported run \(state.runId) names a different \(published.spec.reference)")
                }
                _ = try EventLog.append(run.events, runId: state.runId, after: 0, head: &head, db)
                let facts = try subjects[state.subjectId]!.facts(for: published.spec, db)
                try RunRows(spec: published.spec, state: state, subject: facts, lastAt: run.events.last!.at)
                    .write(db, replacing: nil)
            }
        }
    }
}
