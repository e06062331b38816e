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
        try read("verify") { db in try Self.verify(db) }
    }

    /// `verify` on any connection (a backup copy is checked through a read-only one).
    static func verify(_ db: Database) throws -> VerifyReport {
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
            if ArchiveRegister.isStream(runId) {
                // An archive number's event: its own payload type, and it must sit where its number says.
                if let event = try? ArchiveRegister.decode(payload, eventId: id) {
                    let columns: [String?] = [row[3], row[4], row[5], row[6], row[7]]
                    let expected: [String?] = [
                        event.kind, Timestamp.format(event.at), event.actor.id, event.actor.role,
                        event.actor.workstation,
                    ]
                    if columns != expected { broken(id, "its columns disagree with its payload") }
                    if !ArchiveRegister.fits(event, stream: runId, seq: seq) {
                        broken(id, "the archive number it records does not match its stream \(runId) #\(seq)")
                    }
                } else {
                    broken(id, "the payload is not a valid archive event")
                }
            } else if let event = try? CanonicalJSON.decode(RunEvent.self, from: Array(payload.utf8)) {
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
        let archiveStreams = lastSeq.keys.filter(ArchiveRegister.isStream)
        for stream in archiveStreams { lastSeq[stream] = nil }
        // The archive numbers' projection agrees with their events.
        let numbered = try Int.fetchOne(db, sql: "SELECT count(*) FROM archive_number") ?? 0
        if !archiveStreams.isEmpty || numbered > 0 {
            let logged = try ArchiveRegister.statuses(db)
            var projected: [String: ArchiveRecord.Status] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT number, status FROM archive_number") {
                projected[row[0]] = ArchiveRecord.Status(rawValue: row[1])
            }
            if logged != projected {
                report.problems.append("the archive numbers disagree with the log: run qflow rebuild")
            }
        }
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
                    WHERE substr(e.run_id, 1, 8) != 'archive:'
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
            try ArchiveRegister.rebuild(db)
            return count
        }
    }

    /// Copies the database with SQLite's online backup (safe while others write), then verifies the copy.
    public func backup(to destination: String) throws(StoreError) -> VerifyReport {
        let result = try backup(to: [URL(fileURLWithPath: destination)])[0]
        if let error = result.error { throw error }
        return result.report!
    }

    /// Copies the database to every destination with SQLite's online backup (safe while others write), then opens
    /// each copy read-only and verifies it (`integrity_check` and the event chain, like ``verify()``).
    ///
    /// The archive rule is three copies (三套式: for keeping, for backup, for daily use), ideally on different
    /// disks or sites; the call does not enforce a count. The whole call is refused before anything is copied when
    /// no destination is given, a destination is named twice or is the database itself, or one exists and
    /// `overwrite` is false. After that each destination succeeds or fails on its own: a copy is written to a
    /// temporary file beside the destination, verified, and only then renamed over it, so a failed copy leaves no
    /// file and an existing backup is replaced only by a verified one. Check every result's `error`.
    ///
    /// ```swift
    /// let results = try store.backup(to: [onsite, offsite, working].map(URL.init(fileURLWithPath:)))
    /// for r in results { print(r.destination, r.error?.message ?? "ok") }
    /// ```
    public func backup(to destinations: [URL], overwrite: Bool = false) throws(StoreError) -> [BackupResult] {
        guard !destinations.isEmpty else {
            throw StoreError(.invalidInput, "a backup needs at least one destination")
        }
        let paths = destinations.map { $0.standardizedFileURL.path }
        let own = URL(fileURLWithPath: path).standardizedFileURL.path
        var seen = Set<String>()
        for destination in paths {
            guard seen.insert(destination).inserted else {
                throw StoreError(.invalidInput, "backup destination \(destination) is named twice")
            }
            guard destination != own else {
                throw StoreError(.invalidInput, "backup destination \(destination) is the database itself")
            }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: destination, isDirectory: &isDirectory) {
                if isDirectory.boolValue {
                    throw StoreError(.invalidInput, "backup destination \(destination) is a folder: name a file in it")
                }
                if !overwrite {
                    throw StoreError(
                        .alreadyExists,
                        "backup destination \(destination) exists: choose a new file name, or allow overwriting it "
                            + "(qflow backup --overwrite); nothing was copied")
                }
            }
        }
        return paths.map(backup(toPath:))
    }

    private func backup(toPath destination: String) -> BackupResult {
        let temporary = destination + ".partial-" + Store.randomHex(6)
        func failed(_ error: any Error, _ what: String) -> BackupResult {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                try? FileManager.default.removeItem(atPath: temporary + suffix)
            }
            var wrapped = StoreError.wrap(error, "\(what) \(destination)")
            if !wrapped.message.contains(destination) { wrapped.message = "\(destination): \(wrapped.message)" }
            return BackupResult(destination: destination, report: nil, error: wrapped)
        }
        do {
            let target = try DatabaseQueue(path: temporary)
            try pool.backup(to: target)
            // The copy carries the source's WAL flag: make it one self-contained file (rollback journal), so that
            // the read-only check below leaves no -wal or -shm beside it and the file alone is the backup.
            try target.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = DELETE") }
            try target.close()
        } catch {
            return failed(error, "backup to")
        }
        let report: VerifyReport
        do {
            var config = Configuration()
            config.readonly = true
            let copy = try DatabaseQueue(path: temporary, configuration: config)
            report = try copy.read { try Store.verify($0) }
            try copy.close()
        } catch {
            return failed(error, "verify the backup at")
        }
        guard report.isIntact else {
            let error = StoreError(
                .corrupt,
                "the backup at \(destination) does not verify: \(report.problems.first ?? report.integrity); "
                    + "it was not kept")
            return failed(error, "verify the backup at")
        }
        guard rename(temporary, destination) == 0 else {
            let error = StoreError(
                .database, "backup to \(destination): cannot move the verified copy into place (errno \(errno))")
            return failed(error, "backup to")
        }
        return BackupResult(destination: destination, report: report, error: nil)
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

/// The outcome of a backup to one destination.
public struct BackupResult: Sendable {
    /// The destination file.
    public var destination: String
    /// The verification of the copy, when it was made.
    public var report: VerifyReport?
    /// Why this destination failed (it then holds no new copy), if it did.
    public var error: StoreError?
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
                if ArchiveRegister.isStream(state.runId) {
                    throw StoreError(
                        .invalidInput, "imported run \(state.runId.prefix(40)): run ids never start with 'archive:'")
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
                    throw StoreError(
                        .invalidInput, "imported run \(state.runId) names a different \(published.spec.reference)")
                }
                _ = try EventLog.append(run.events, runId: state.runId, after: 0, head: &head, db)
                let facts = try subjects[state.subjectId]!.facts(for: published.spec, db)
                try RunRows(spec: published.spec, state: state, subject: facts, lastAt: run.events.last!.at)
                    .write(db, replacing: nil)
            }
        }
    }
}
