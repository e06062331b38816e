import Foundation
import GRDB
import QFlowEngine

/// An open run in a work queue: who it is offered to, who owns it, and the last escalation step it reached.
public struct QueueEntry: Sendable, Hashable, Codable {
    /// The run.
    public var runId: String
    /// The protocol and version.
    public var protocolId: String
    /// The protocol version.
    public var version: Int
    /// The subject.
    public var subjectId: String
    /// The run's status (active or suspended).
    public var status: RunStatus
    /// The role the run is offered to.
    public var queueRole: String
    /// The owner, nil while the run waits to be claimed.
    public var owner: String?
    /// Since when it is owned.
    public var ownerSince: String?
    /// Since when it waits unclaimed.
    public var waitingSince: String?
    /// The last escalation step reached (`ITEM/STEP`, `/unclaimed`), if any.
    public var lastStep: String?
    /// When that step was recorded.
    public var lastStepAt: String?
    /// The earliest step not reached yet, and when it falls due.
    public var nextStep: String?
    /// When the next step falls due.
    public var nextStepDue: String?
}

/// An escalation step reached (one `escalated` event), as listed.
public struct EscalationEntry: Sendable, Hashable, Codable {
    /// The run.
    public var runId: String
    /// Its position among the run's escalations (from 1).
    public var n: Int
    /// The item, empty for the queue's unclaimed step.
    public var item: String
    /// The step (`1`, `2`, …, `overdue`, `unclaimed`).
    public var step: String
    /// The roles told.
    public var to: [String]
    /// Whether it escalated rather than reminded.
    public var escalates: Bool
    /// When the step was due.
    public var dueAt: String
    /// When it was recorded.
    public var firedAt: String
    /// The run's owner then.
    public var owner: String?
}

/// What falls due within a period: a deadline or a ladder step not reached yet.
public struct UpcomingEntry: Sendable, Hashable, Codable {
    /// The run.
    public var runId: String
    /// The protocol.
    public var protocolId: String
    /// The subject.
    public var subjectId: String
    /// The item, empty for the queue's unclaimed step.
    public var item: String
    /// The step (`1`, `2`, …, `overdue`, `unclaimed`; `due` for a deadline that tells no one).
    public var step: String
    /// The roles told (none for `due`).
    public var to: [String]
    /// Whether it escalates.
    public var escalates: Bool
    /// When it falls due.
    public var dueAt: String
    /// The run's owner, if any.
    public var owner: String?
}

/// What `escalate` recorded.
public struct EscalateResult: Sendable, Hashable, Codable {
    /// The events appended, in order.
    public var events: [StoredEvent]
    /// The steps reached, in the order they were recorded.
    public var steps: [EscalationEntry]
}

extension Store {
    static let queueColumns = """
        q.run_id, r.protocol_id, r.version, r.subject_id, r.status, q.queue_role, q.owner, q.owner_since,
        q.waiting_since,
        (SELECT e.item || '/' || e.step FROM escalation e WHERE e.run_id = q.run_id ORDER BY e.n DESC LIMIT 1),
        (SELECT e.fired_at FROM escalation e WHERE e.run_id = q.run_id ORDER BY e.n DESC LIMIT 1),
        (SELECT p.item || '/' || p.step FROM pending_step p WHERE p.run_id = q.run_id ORDER BY p.due_at LIMIT 1),
        (SELECT p.due_at FROM pending_step p WHERE p.run_id = q.run_id ORDER BY p.due_at LIMIT 1)
        """

    static func queueEntry(_ row: Row) throws(StoreError) -> QueueEntry {
        guard let status = RunStatus(rawValue: row[4]) else {
            throw StoreError(.corrupt, "run \(row[0] as String) has a status qflow does not write; run qflow verify")
        }
        return QueueEntry(
            runId: row[0], protocolId: row[1], version: row[2], subjectId: row[3], status: status, queueRole: row[5],
            owner: row[6], ownerSince: row[7], waitingSince: row[8], lastStep: row[9], lastStepAt: row[10],
            nextStep: row[11], nextStepDue: row[12])
    }

    /// The open runs offered to `role`: the unclaimed ones first (longest waiting first), then the owned ones.
    ///
    /// ```swift
    /// let waiting = try store.queue(role: "agent").filter { $0.owner == nil }
    /// ```
    public func queue(role: String, limit: Int = 200) throws(StoreError) -> [QueueEntry] {
        try read("list the queue") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.queueColumns) FROM run_queue q JOIN run r ON r.id = q.run_id
                    WHERE q.queue_role = ? ORDER BY q.owner IS NOT NULL, q.waiting_since, q.owner_since, q.run_id
                    LIMIT ?
                    """, arguments: [role, max(1, min(limit, 1_000))]
            ).map(Self.queueEntry)
        }
    }

    /// The open runs `user` owns (claimed or reassigned to them), the longest owned first.
    public func myWork(user: String, limit: Int = 200) throws(StoreError) -> [QueueEntry] {
        try read("list my work") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.queueColumns) FROM run_queue q JOIN run r ON r.id = q.run_id
                    WHERE q.owner = ? ORDER BY q.owner_since, q.run_id LIMIT ?
                    """, arguments: [user, max(1, min(limit, 1_000))]
            ).map(Self.queueEntry)
        }
    }

    static func escalationEntry(_ row: Row) -> EscalationEntry {
        EscalationEntry(
            runId: row[0], n: row[1], item: row[2], step: row[3],
            to: (row[4] as String).split(separator: ",").map(String.init), escalates: row[5], dueAt: row[6],
            firedAt: row[7], owner: row[8])
    }

    /// The escalation steps a run reached, in order.
    public func escalations(ofRun runId: String) throws(StoreError) -> [EscalationEntry] {
        try read("list escalations") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT run_id, n, item, step, to_roles, escalates, due_at, fired_at, owner FROM escalation
                    WHERE run_id = ? ORDER BY n
                    """, arguments: [runId]
            ).map(Self.escalationEntry)
        }
    }

    /// Deadlines and ladder steps of open runs that fall due after `now` and no later than `now + period`,
    /// earliest first (at most `limit`).
    public func upcoming(within period: ISODuration, at now: Date, limit: Int = 500) throws(StoreError)
        -> [UpcomingEntry]
    {
        let end = now.addingTimeInterval(Double(period.seconds))
        return try read("list what falls due") { db in
            try Row.fetchAll(
                db,
                // Ladder steps not reached yet, and the due times of deadlines that tell no one (step `due`; a
                // deadline with escalate_to is already there as its `overdue` step).
                sql: """
                    SELECT p.run_id, r.protocol_id, r.subject_id, p.item, p.step, p.to_roles, p.escalates, p.due_at,
                        q.owner
                    FROM pending_step p JOIN run r ON r.id = p.run_id LEFT JOIN run_queue q ON q.run_id = p.run_id
                    WHERE p.due_at > ?1 AND p.due_at <= ?2
                    UNION ALL
                    SELECT d.run_id, r.protocol_id, r.subject_id, d.item, 'due', '', 0, d.due_at, q.owner
                    FROM deadline d JOIN run r ON r.id = d.run_id LEFT JOIN run_queue q ON q.run_id = d.run_id
                    WHERE d.escalate_to IS NULL AND d.due_at > ?1 AND d.due_at <= ?2
                    ORDER BY 8, 1, 4, 5 LIMIT ?3
                    """, arguments: [Timestamp.format(now), Timestamp.format(end), max(1, min(limit, 5_000))]
            ).map {
                UpcomingEntry(
                    runId: $0[0], protocolId: $0[1], subjectId: $0[2], item: $0[3], step: $0[4],
                    to: ($0[5] as String).split(separator: ",").map(String.init), escalates: $0[6],
                    dueAt: $0[7], owner: $0[8])
            }
        }
    }

    /// Records every ladder step (and queue unclaimed limit) due at `now` and not reached before, as `escalated`
    /// events, in one transaction. Idempotent: a second call at the same time records nothing.
    ///
    /// ```swift
    /// let result = try store.escalate(now: Date())   // qflow escalate
    /// ```
    @discardableResult
    public func escalate(now: Date, by actor: Actor = .system) throws(StoreError) -> EscalateResult {
        try writer.submit("escalate") { db, cache in
            let runs = try String.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT run_id FROM pending_step WHERE due_at <= ? GROUP BY run_id
                        ORDER BY min(due_at), run_id
                        """), arguments: [Timestamp.format(now)])
            let actions = Actions(db: db, cache: cache)
            var events: [StoredEvent] = []
            var steps: [EscalationEntry] = []
            for runId in runs {
                let appended = try actions.escalate(runId, at: now, by: actor)
                guard !appended.isEmpty else { continue }
                events += appended
                let all = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT run_id, n, item, step, to_roles, escalates, due_at, fired_at, owner FROM escalation
                        WHERE run_id = ? ORDER BY n DESC LIMIT ?
                        """, arguments: [runId, appended.count]
                ).map(Self.escalationEntry)
                steps += all.reversed()
            }
            return EscalateResult(events: events, steps: steps)
        }
    }
}
