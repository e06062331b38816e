import Foundation
import GRDB
import QFlowEngine

/// One row of the run projection.
public struct RunSummary: Sendable, Hashable, Codable {
    /// Run id.
    public var id: String
    /// Protocol id.
    public var protocolId: String
    /// Protocol version the run follows.
    public var version: Int
    /// The subject.
    public var subjectId: String
    /// Active, suspended, stopped or completed (`active`, … in JSON).
    public var status: RunStatus
    /// Attempt number (restarts count up).
    public var attempt: Int
    /// The phase being worked on, if any is left.
    public var currentPhase: String?
    /// Required items still open.
    public var openRequired: Int
    /// Critical items that failed.
    public var criticalFailures: Int
    /// The run that this one restarts, and the one that restarted it.
    public var previousRun: String?
    /// The run that restarted this one.
    public var nextRun: String?
    /// The run whose trigger started this one, and which trigger.
    public var triggeredByRun: String?
    /// The trigger that started this run.
    public var triggerId: String?
    /// When it started.
    public var startedAt: Date
    /// When it was completed or stopped.
    public var endedAt: Date?
    /// The last sequence number (pass it back as the expected sequence when writing).
    public var lastSeq: Int
    /// When the last event happened.
    public var lastAt: Date

    /// The columns ``init(_:)`` reads, in its order: `SELECT \(RunSummary.columns) FROM run`.
    static let columns = """
        id, protocol_id, version, subject_id, status, attempt, current_phase, open_required, critical_failures, \
        previous_run, next_run, triggered_by_run, trigger_id, started_at, ended_at, last_seq, last_at
        """

    /// Reads a row of ``columns`` by position (a name lookup per column cost a third of a 500-case board); a status
    /// qflow never writes is a corrupt database, named, not a crash.
    init(_ row: Row) throws(StoreError) {
        id = row[0]
        protocolId = row[1]
        version = row[2]
        subjectId = row[3]
        guard let status = RunStatus(rawValue: row[4]) else {
            throw StoreError(.corrupt, "run \(row[0] as String) has a status qflow does not write; run qflow verify")
        }
        self.status = status
        attempt = row[5]
        currentPhase = row[6]
        openRequired = row[7]
        criticalFailures = row[8]
        previousRun = row[9]
        nextRun = row[10]
        triggeredByRun = row[11]
        triggerId = row[12]
        let run: String = row[0]
        startedAt = try Self.time(row[13], of: run)
        endedAt = try (row[14] as String?).map { text throws(StoreError) in try Self.time(text, of: run) }
        lastSeq = row[15]
        lastAt = try Self.time(row[16], of: run)
    }

    /// A time column as qflow writes it; anything else is a corrupt database, named, not a crash.
    private static func time(_ text: String, of run: String) throws(StoreError) -> Date {
        guard let date = Timestamp.parse(text) else {
            throw StoreError(.corrupt, "run \(run) has a time qflow does not write; run qflow verify")
        }
        return date
    }
}

/// A run with its definition, state, subject and history: everything needed to show or act on it.
public struct RunDetail: Sendable {
    /// The projection row.
    public var summary: RunSummary
    /// The published definition the run follows.
    public var spec: ProtocolSpec
    /// The folded state.
    public var state: RunState
    /// The subject.
    public var subject: Subject
    /// The run read against its definition (statuses, outcomes, blockers).
    public var sheet: RunSheet
    /// The history, oldest first, with sequence numbers.
    public var events: [(seq: Int, event: RunEvent)]
}

/// An open item past its deadline.
public struct OverdueEntry: Sendable, Hashable, Codable {
    /// The run.
    public var runId: String
    /// The protocol.
    public var protocolId: String
    /// The subject.
    public var subjectId: String
    /// The room, if the subject has one.
    public var room: String?
    /// The item.
    public var item: String
    /// When it was due.
    public var dueAt: Date
    /// The role it escalates to.
    public var escalateTo: String?

    /// The columns ``init(_:)`` reads, in its order, from `deadline d JOIN run r … JOIN subject s …`.
    static let columns = "d.run_id, r.protocol_id, r.subject_id, s.room, d.item, d.due_at, d.escalate_to"

    /// Reads a row of ``columns``; a due time qflow never writes is a corrupt database, named.
    init(_ row: Row) throws(StoreError) {
        runId = row[0]
        protocolId = row[1]
        subjectId = row[2]
        room = row[3]
        item = row[4]
        guard let due = Timestamp.parse(row[5]) else {
            throw StoreError(.corrupt, "run \(runId) has a deadline qflow does not write; run qflow verify")
        }
        dueAt = due
        escalateTo = row[6]
    }
}

extension Store {
    /// A run with everything needed to show it.
    public func run(_ id: String) throws(StoreError) -> RunDetail {
        try read("read run \(id)") { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT \(RunSummary.columns) FROM run WHERE id = ?", arguments: [id])
            else {
                throw StoreError(.notFound, "no run \(id) (list runs with qflow run list)")
            }
            let summary = try RunSummary(row)
            var events: [(Int, RunEvent)] = []
            for row in try Row.fetchAll(
                db, sql: "SELECT id, seq, payload FROM event WHERE run_id = ? ORDER BY seq", arguments: [id])
            {
                events.append((row[1], try EventLog.decode(row[2], eventId: row[0])))
            }
            let state: RunState
            do {
                state = try RunState.fold(events.map(\.1))
            } catch let error as EngineError {
                throw StoreError(.corrupt, "run \(id): its history does not replay: \(error.message)")
            }
            let spec = try Registry.spec(state.protocolId, version: state.version, db).spec
            guard let subject = try Registry.subject(state.subjectId, db) else {
                throw StoreError(.corrupt, "run \(id) refers to a missing subject \(state.subjectId)")
            }
            let sheet = RunSheet(spec: spec, state: state, subject: try subject.facts(for: spec, db))
            return RunDetail(
                summary: summary, spec: spec, state: state, subject: subject, sheet: sheet, events: events)
        }
    }

    /// Runs, newest first, filtered by subject, protocol and status.
    public func runs(subject: String? = nil, protocolId: String? = nil, status: RunStatus? = nil, limit: Int = 500)
        throws(StoreError) -> [RunSummary]
    {
        try read("list runs") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(RunSummary.columns) FROM run WHERE (?1 IS NULL OR subject_id = ?1) AND (?2 IS NULL OR\
                     protocol_id = ?2)
                        AND (?3 IS NULL OR status = ?3)
                    ORDER BY rowid DESC LIMIT ?4
                    """, arguments: [subject, protocolId, status?.rawValue, limit]
            ).map(RunSummary.init)
        }
    }

    /// Open items whose deadline is before `now`, the most overdue first.
    public func overdue(at now: Date) throws(StoreError) -> [OverdueEntry] {
        try read("list overdue items") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(OverdueEntry.columns)
                    FROM deadline d JOIN run r ON r.id = d.run_id JOIN subject s ON s.id = r.subject_id
                    WHERE d.due_at < ? ORDER BY d.due_at, d.run_id, d.item
                    """, arguments: [Timestamp.format(now)]
            ).map(OverdueEntry.init)
        }
    }
}
