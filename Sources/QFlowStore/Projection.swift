import Foundation
import GRDB
import QFlowEngine

/// The projection rows of one run, computed from its definition, state and subject facts alone.
///
/// Incremental updates and `rebuild` both go through `RunRows.init`, so a rebuilt database is byte-identical to
/// the one kept up to date event by event.
struct RunRows: Equatable {
    /// One `answer` row; text columns are formatted only when the row is written.
    struct AnswerRow: Equatable {
        var item: String
        var phase: String
        var status: ItemStatus
        var value: AnswerValue?
        var signers: [String]?
        var outcome: Verdict?
        var why: String?
        var critical: Bool
        var revisions: Int
        var answeredAt: Date?
        var actor: String?
        var role: String?

        var number: Double? {
            if case .notApplicable? = value { return nil }
            if case .number(let x)? = value?.ruleValue { return x }
            return nil
        }
    }

    /// One `deadline` row.
    struct DeadlineRow: Equatable {
        var item: String
        var dueAt: Date
        var escalateTo: String?
    }

    /// The `run_queue` row of an open run of a protocol with a queue.
    struct QueueRow: Equatable {
        var role: String
        var owner: String?
        var ownerSince: Date?
        var waitingSince: Date?
    }

    /// One `pending_step` row (a ladder step not reached yet) or `escalation` row (one reached).
    struct StepRow: Equatable {
        var item: String
        var step: String
        var to: [String]
        var escalates: Bool
        var dueAt: Date
        var firedAt: Date?
        var owner: String?

        init(_ e: RunEvent.Escalation, firedAt: Date? = nil) {
            item = e.item ?? ""
            step = e.step
            to = e.to
            escalates = e.escalates
            dueAt = e.due
            self.firedAt = firedAt
            owner = e.owner
        }

        var key: String { "\(item)/\(step)" }
    }

    /// The `run` row.
    struct RunRow: Equatable {
        var state: RunState.Summary
        var currentPhase: String?
        var openRequired: Int
        var criticalFailures: Int
        var lastAt: Date
        var passed: Int
        var failed: Int
        var notApplicable: Int
        var skipped: Int
        var returned: Int
        var onTime: Int
        var late: Int
    }

    var runId: String
    var run: RunRow
    var answers: [String: AnswerRow]
    var deadlines: [String: DeadlineRow]
    var queue: QueueRow?
    /// Steps reached, in order (their `n` is the position from 1).
    var escalations: [StepRow]
    /// Steps not reached yet, by `ITEM/STEP`.
    var pending: [String: StepRow]

    init(spec: ProtocolSpec, state: RunState, subject: SubjectFacts, lastAt: Date) {
        let sheet = RunSheet(spec: spec, state: state, subject: subject)
        runId = state.runId
        var answers: [String: AnswerRow] = [:]
        var deadlines: [String: DeadlineRow] = [:]
        var criticalFailures = 0
        var openRequired = 0
        let runIsOpen = state.status.isOpen
        // The sheet's definition: a repeating group's instances are items of their own (`x#k`).
        for phase in sheet.spec.phases {
            for item in phase.items {
                let status = sheet.status(of: item)
                if status == .open {
                    if sheet.isRequired(item) { openRequired += 1 }
                    if runIsOpen, item.deadline != nil, let due = sheet.due(item) {
                        deadlines[item.id] = DeadlineRow(
                            item: item.id, dueAt: due, escalateTo: item.deadline?.escalateTo)
                    }
                }
                guard sheet.isTouched(item.id) else { continue }
                var row = AnswerRow(
                    item: item.id, phase: phase.id, status: status, critical: item.critical,
                    revisions: state.revisions[item.id] ?? 0)
                if let answer = state.answers[item.id] {
                    row.value = answer.value
                    row.answeredAt = answer.at
                    row.actor = answer.actor.id
                    row.role = answer.actor.role
                } else if let signed = state.signatures[item.id], !signed.isEmpty {
                    row.signers = signed.keys.sorted()
                    if let last = signed.values.max(by: { $0.at < $1.at }) {
                        row.answeredAt = last.at
                        row.actor = last.actor.id
                        row.role = last.actor.role
                    }
                } else if let reason = state.skipped[item.id] {
                    row.why = reason
                }
                if status == .answered {
                    switch sheet.outcome(of: item) {
                    case .pass?: row.outcome = .pass
                    case .fail(let why)?:
                        row.outcome = .fail
                        row.why = why
                        if item.critical { criticalFailures += 1 }
                    case .undetermined?: row.outcome = .undetermined
                    case nil: break
                    }
                }
                answers[item.id] = row
            }
        }
        self.answers = answers
        self.deadlines = deadlines
        if runIsOpen, let queue = spec.queue {
            self.queue = QueueRow(
                role: queue.offeredTo, owner: state.owner?.user, ownerSince: state.owner?.since,
                waitingSince: state.owner == nil ? state.unclaimedSince : nil)
        } else {
            self.queue = nil
        }
        escalations = state.escalations.map { StepRow($0.escalation, firedAt: $0.at) }
        var pending: [String: StepRow] = [:]
        for step in sheet.pendingSteps {
            let row = StepRow(step.escalation)
            pending[row.key] = row
        }
        self.pending = pending
        let phase = sheet.currentPhase
        var counts = (passed: 0, failed: 0, notApplicable: 0, skipped: 0)
        for row in answers.values {
            if row.outcome == .pass { counts.passed += 1 }
            if row.outcome == .fail { counts.failed += 1 }
            if row.status == .notApplicable { counts.notApplicable += 1 }
            if row.status == .skipped { counts.skipped += 1 }
        }
        // Deadline items answered (or signed) on or before their due time, and after it.
        var onTime = 0
        var late = 0
        // In place: `spec.items` would copy every item of the definition on each write.
        for phase in sheet.spec.phases {
            for item in phase.items where item.deadline != nil {
                guard let row = answers[item.id], row.status == .answered, let at = row.answeredAt,
                    let due = sheet.due(item)
                else { continue }
                if at <= due { onTime += 1 } else { late += 1 }
            }
        }
        run = RunRow(
            state: state.summary, currentPhase: phase < sheet.spec.phases.count ? sheet.spec.phases[phase].id : nil,
            openRequired: openRequired, criticalFailures: criticalFailures, lastAt: lastAt, passed: counts.passed,
            failed: counts.failed, notApplicable: counts.notApplicable, skipped: counts.skipped,
            returned: state.returns.values.reduce(0, +), onTime: onTime, late: late)
    }

    /// Writes the difference from `old` (the rows already stored for this run, or nil for a new run).
    func write(_ db: Database, replacing old: RunRows?) throws {
        try changes(replacing: old).write(db)
    }

    /// The statements that turn `old` (the rows already stored for this run, or nil for a new run) into these rows,
    /// worked out without the database so that a caller can prepare them outside the writer.
    func changes(replacing old: RunRows?) -> RowChanges {
        var changes = RowChanges(runId: runId)
        let s = run.state
        if let previous = old?.run {
            if previous != run {
                changes.run = .update([
                    SQLValue(s.version), .text(s.specHash), .text(s.status.rawValue), SQLValue(s.nextRun),
                    SQLValue(run.currentPhase), SQLValue(run.openRequired), SQLValue(run.criticalFailures),
                    SQLValue(s.endedAt.map(Timestamp.format)), SQLValue(s.eventCount),
                    .text(Timestamp.format(run.lastAt)),
                    SQLValue(run.passed), SQLValue(run.failed), SQLValue(run.notApplicable), SQLValue(run.skipped),
                    SQLValue(run.returned), SQLValue(run.onTime), SQLValue(run.late), .text(runId),
                ])
            }
        } else {
            changes.run = .insert([
                .text(runId), .text(s.protocolId), SQLValue(s.version), .text(s.specHash), .text(s.subjectId),
                .text(s.status.rawValue), SQLValue(s.attempt), SQLValue(s.previousRun), SQLValue(s.nextRun),
                SQLValue(s.triggeredBy?.run), SQLValue(s.triggeredBy?.trigger), SQLValue(run.currentPhase),
                SQLValue(run.openRequired), SQLValue(run.criticalFailures), .text(Timestamp.format(s.startedAt)),
                SQLValue(s.endedAt.map(Timestamp.format)), SQLValue(s.eventCount), .text(Timestamp.format(run.lastAt)),
                SQLValue(run.passed), SQLValue(run.failed), SQLValue(run.notApplicable), SQLValue(run.skipped),
                SQLValue(run.returned), SQLValue(run.onTime), SQLValue(run.late),
            ])
        }
        let oldAnswers = old?.answers ?? [:]
        for (id, row) in answers where oldAnswers[id] != row {
            changes.answers.append([
                .text(runId), .text(row.item), .text(row.phase), .text(row.status.rawValue),
                SQLValue(row.value?.description ?? row.signers?.joined(separator: ",")), SQLValue(row.number),
                SQLValue(row.outcome?.rawValue), SQLValue(row.why), .integer(row.critical ? 1 : 0),
                SQLValue(row.revisions),
                SQLValue(row.answeredAt.map(Timestamp.format)), SQLValue(row.actor), SQLValue(row.role),
            ])
        }
        changes.removedAnswers = oldAnswers.keys.filter { answers[$0] == nil }
        let oldDeadlines = old?.deadlines ?? [:]
        for (id, row) in deadlines where oldDeadlines[id] != row {
            changes.deadlines.append([
                .text(runId), .text(row.item), .text(Timestamp.format(row.dueAt)), SQLValue(row.escalateTo),
            ])
        }
        changes.removedDeadlines = oldDeadlines.keys.filter { deadlines[$0] == nil }
        if let queue {
            if queue != old?.queue {
                changes.queue = [
                    .text(runId), .text(queue.role), SQLValue(queue.owner),
                    SQLValue(queue.ownerSince.map(Timestamp.format)),
                    SQLValue(queue.waitingSince.map(Timestamp.format)),
                ]
            }
        } else if old?.queue != nil {
            changes.removeQueue = true
        }
        let oldEscalations = old?.escalations ?? []
        for (i, row) in escalations.enumerated() where i >= oldEscalations.count || oldEscalations[i] != row {
            changes.escalations.append([
                .text(runId), SQLValue(i + 1), .text(row.item), .text(row.step), .text(row.to.joined(separator: ",")),
                .integer(row.escalates ? 1 : 0), .text(Timestamp.format(row.dueAt)),
                .text(Timestamp.format(row.firedAt ?? row.dueAt)), SQLValue(row.owner),
            ])
        }
        let oldPending = old?.pending ?? [:]
        for (key, row) in pending where oldPending[key] != row {
            changes.pending.append([
                .text(runId), .text(row.item), .text(row.step), .text(row.to.joined(separator: ",")),
                .integer(row.escalates ? 1 : 0), .text(Timestamp.format(row.dueAt)),
            ])
        }
        changes.removedPending = oldPending.filter { pending[$0.key] == nil }.map { [$0.value.item, $0.value.step] }
        return changes
    }
}

/// The writes that bring one run's projection rows up to date (`RunRows.changes(replacing:)`; `package` for the
/// benchmark's SQLite floor, which writes the same rows without the engine).
package struct RowChanges {
    package enum RunWrite {
        case insert([SQLValue])
        case update([SQLValue])
    }

    package var runId: String
    package var run: RunWrite?
    package var answers: [[SQLValue]] = []
    var removedAnswers: [String] = []
    var deadlines: [[SQLValue]] = []
    var removedDeadlines: [String] = []
    var queue: [SQLValue]?
    var removeQueue = false
    var escalations: [[SQLValue]] = []
    var pending: [[SQLValue]] = []
    var removedPending: [[String]] = []

    /// Changes for `runId`, none yet.
    package init(runId: String) {
        self.runId = runId
    }

    package func write(_ db: Database) throws {
        switch run {
        case .update(let values)?:
            try db.cachedStatement(
                sql: """
                    UPDATE run SET version = ?, spec_hash = ?, status = ?, next_run = ?, current_phase = ?,
                        open_required = ?, critical_failures = ?, ended_at = ?, last_seq = ?, last_at = ?,
                    passed = ?, failed = ?, not_applicable = ?, skipped = ?, returned = ?, on_time = ?, late = ?
                    WHERE id = ?
                    """
            ).run(values)
        case .insert(let values)?:
            try db.cachedStatement(
                sql: """
                    INSERT INTO run (id, protocol_id, version, spec_hash, subject_id, status, attempt,
                        previous_run, next_run, triggered_by_run, trigger_id, current_phase, open_required,
                        critical_failures, started_at, ended_at, last_seq, last_at, passed, failed, not_applicable,
                        skipped, returned, on_time, late)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).run(values)
        case nil: break
        }
        for values in answers {
            try db.cachedStatement(
                sql: """
                    INSERT INTO answer (run_id, item, phase, status, value, number, outcome, why, critical,
                        revisions, answered_at, actor, role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (run_id, item) DO UPDATE SET phase = excluded.phase, status = excluded.status,
                        value = excluded.value, number = excluded.number, outcome = excluded.outcome,
                        why = excluded.why, critical = excluded.critical, revisions = excluded.revisions,
                        answered_at = excluded.answered_at, actor = excluded.actor, role = excluded.role
                    """
            ).run(values)
        }
        for item in removedAnswers {
            try db.cachedStatement(sql: "DELETE FROM answer WHERE run_id = ? AND item = ?").run([
                .text(runId), .text(item),
            ])
        }
        for values in deadlines {
            try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO deadline (run_id, item, due_at, escalate_to) VALUES (?, ?, ?, ?)"
            ).run(values)
        }
        for item in removedDeadlines {
            try db.cachedStatement(sql: "DELETE FROM deadline WHERE run_id = ? AND item = ?").run([
                .text(runId), .text(item),
            ])
        }
        if let queue {
            try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO run_queue (run_id, queue_role, owner, owner_since, waiting_since)
                    VALUES (?, ?, ?, ?, ?)
                    """
            ).run(queue)
        } else if removeQueue {
            try db.cachedStatement(sql: "DELETE FROM run_queue WHERE run_id = ?").run([.text(runId)])
        }
        for values in escalations {
            try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO escalation (run_id, n, item, step, to_roles, escalates, due_at, fired_at,\
                     owner)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).run(values)
        }
        for values in pending {
            try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO pending_step (run_id, item, step, to_roles, escalates, due_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """
            ).run(values)
        }
        for key in removedPending {
            try db.cachedStatement(sql: "DELETE FROM pending_step WHERE run_id = ? AND item = ? AND step = ?").run([
                .text(runId), .text(key[0]), .text(key[1]),
            ])
        }
    }
}
