import Foundation
import GRDB
import QFlowEngine

/// The projection rows of one run, computed from its definition, state and subject facts alone.
///
/// Incremental updates and `rebuild` both go through `RunRows.init`, so a rebuilt database is byte-identical to
/// the one kept up to date event by event.
struct RunRows: Equatable {
    struct AnswerRow: Equatable {
        var item: String
        var phase: String
        var status: String
        var value: String?
        var number: Double?
        var outcome: String?
        var why: String?
        var critical: Bool
        var revisions: Int
        var answeredAt: String?
        var actor: String?
        var role: String?
    }

    struct DeadlineRow: Equatable {
        var item: String
        var dueAt: String
        var escalateTo: String?
    }

    var runId: String
    var run: [DatabaseValueConvertible?]
    var answers: [String: AnswerRow]
    var deadlines: [String: DeadlineRow]

    static func == (a: RunRows, b: RunRows) -> Bool {
        a.runId == b.runId && a.answers == b.answers && a.deadlines == b.deadlines
            && a.run.map { $0?.databaseValue } == b.run.map { $0?.databaseValue }
    }

    init(spec: ProtocolSpec, state: RunState, subject: SubjectFacts, lastAt: Date) {
        let sheet = RunSheet(spec: spec, state: state, subject: subject)
        runId = state.runId
        var answers: [String: AnswerRow] = [:]
        var deadlines: [String: DeadlineRow] = [:]
        var criticalFailures = 0
        var openRequired = 0
        for (phase, items) in spec.phases.map({ ($0.id, $0.items) }) {
            for item in items {
                let status = sheet.status(of: item)
                if status == .open, sheet.isRequired(item) { openRequired += 1 }
                if state.status.isOpen, status == .open, let due = sheet.due(item) {
                    deadlines[item.id] = DeadlineRow(
                        item: item.id, dueAt: Timestamp.format(due), escalateTo: item.deadline?.escalateTo)
                }
                guard sheet.isTouched(item.id) else { continue }
                var row = AnswerRow(
                    item: item.id, phase: phase, status: status.rawValue, critical: item.critical,
                    revisions: state.revisions[item.id] ?? 0)
                if let answer = state.answers[item.id] {
                    row.value = answer.value.description
                    if case .notApplicable = answer.value {} else if case .number(let x)? = answer.value.ruleValue {
                        row.number = x
                    }
                    row.answeredAt = Timestamp.format(answer.at)
                    row.actor = answer.actor.id
                    row.role = answer.actor.role
                } else if let signed = state.signatures[item.id], !signed.isEmpty {
                    row.value = signed.keys.sorted().joined(separator: ",")
                    if let last = signed.values.max(by: { $0.at < $1.at }) {
                        row.answeredAt = Timestamp.format(last.at)
                        row.actor = last.actor.id
                        row.role = last.actor.role
                    }
                } else if let reason = state.skipped[item.id] {
                    row.why = reason
                }
                switch sheet.outcome(of: item) {
                case .pass?: row.outcome = "pass"
                case .fail(let why)?:
                    row.outcome = "fail"
                    row.why = why
                    if item.critical { criticalFailures += 1 }
                case .undetermined?: row.outcome = "undetermined"
                case nil: break
                }
                answers[item.id] = row
            }
        }
        self.answers = answers
        self.deadlines = deadlines
        let phase = sheet.currentPhase
        run = [
            state.runId, state.protocolId, state.version, state.specHash, state.subjectId, state.status.rawValue,
            state.attempt, state.previousRun, state.nextRun, state.triggeredBy?.run, state.triggeredBy?.trigger,
            phase < spec.phases.count ? spec.phases[phase].id : nil, openRequired, criticalFailures,
            Timestamp.format(state.startedAt), state.endedAt.map(Timestamp.format), state.eventCount,
            Timestamp.format(lastAt),
        ]
    }

    /// Writes the difference from `old` (the rows already stored for this run, or nil for a new run).
    func write(_ db: Database, replacing old: RunRows?) throws {
        if old == nil || old!.run.map({ $0?.databaseValue }) != run.map({ $0?.databaseValue }) {
            try db.cachedStatement(
                sql: """
                    INSERT INTO run (id, protocol_id, version, spec_hash, subject_id, status, attempt,
                        previous_run, next_run, triggered_by_run, trigger_id, current_phase, open_required,
                        critical_failures, started_at, ended_at, last_seq, last_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET version = excluded.version, spec_hash = excluded.spec_hash,
                        status = excluded.status, next_run = excluded.next_run,
                        current_phase = excluded.current_phase, open_required = excluded.open_required,
                        critical_failures = excluded.critical_failures, ended_at = excluded.ended_at,
                        last_seq = excluded.last_seq, last_at = excluded.last_at
                    """
            ).execute(arguments: StatementArguments(run))
        }
        let oldAnswers = old?.answers ?? [:]
        for (id, row) in answers where oldAnswers[id] != row {
            try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO answer (run_id, item, phase, status, value, number, outcome, why, critical,
                        revisions, answered_at, actor, role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                runId, row.item, row.phase, row.status, row.value, row.number, row.outcome, row.why, row.critical,
                row.revisions, row.answeredAt, row.actor, row.role,
            ])
        }
        for id in oldAnswers.keys where answers[id] == nil {
            try db.cachedStatement(sql: "DELETE FROM answer WHERE run_id = ? AND item = ?").execute(arguments: [
                runId, id,
            ])
        }
        let oldDeadlines = old?.deadlines ?? [:]
        for (id, row) in deadlines where oldDeadlines[id] != row {
            try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO deadline (run_id, item, due_at, escalate_to) VALUES (?, ?, ?, ?)"
            ).execute(arguments: [runId, row.item, row.dueAt, row.escalateTo])
        }
        for id in oldDeadlines.keys where deadlines[id] == nil {
            try db.cachedStatement(sql: "DELETE FROM deadline WHERE run_id = ? AND item = ?").execute(arguments: [
                runId, id,
            ])
        }
    }
}
