import Foundation
import GRDB
import QFlowEngine

/// One answer in long format: the run, its subject and protocol, the item and its answer.
public struct AnswerRecord: Sendable {
    /// Run id.
    public var runId: String
    /// Subject id (case number, batch, audit, respondent).
    public var subjectId: String
    /// Room of the subject.
    public var room: String?
    /// The subject's scheduled start, else the run's start (ISO-8601, UTC).
    public var time: String
    /// Protocol id and version.
    public var protocolId: String
    /// Protocol version.
    public var version: Int
    /// Run status.
    public var runStatus: RunStatus
    /// Phase id.
    public var phase: String
    /// Item id.
    public var item: String
    /// Answered, not applicable, skipped, or open (partly signed).
    public var status: ItemStatus
    /// The answer as text (as typed, or the roles that signed).
    public var value: String?
    /// The answer as a number, for counts and numbers.
    public var number: Double?
    /// `pass`, `fail`, `undetermined`.
    public var outcome: String?
    /// Why it failed or was skipped.
    public var why: String?
    /// When it was answered (ISO-8601, UTC).
    public var answeredAt: String?
    /// Who answered (staff id) and in which role.
    public var actor: String?
    /// The role.
    public var role: String?
}

extension Store {
    /// How many answers `forEachAnswer` would stream (for a progress bar).
    public func countAnswers(in cohort: Cohort = .everyone, protocols: [String] = []) throws(StoreError) -> Int {
        let (condition, cohortArguments) = try cohort.condition(in: localTimeZone())
        let filter =
            protocols.isEmpty
            ? "" : "AND r.protocol_id IN (\(Array(repeating: "?", count: protocols.count).joined(separator: ", ")))"
        return try read("count answers") { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT sum(r.passed + r.failed + r.not_applicable + r.skipped) FROM run r
                    JOIN subject s ON s.id = r.subject_id WHERE \(condition) \(filter)
                    """,
                arguments: StatementArguments(cohortArguments + protocols as [DatabaseValueConvertible?])) ?? 0
        }
    }

    /// Streams every current answer of the runs in a cohort (optionally of some protocols), in run then item order,
    /// from one read transaction: memory stays flat whatever the number of answers.
    public func forEachAnswer(
        in cohort: Cohort = .everyone, protocols: [String] = [], _ body: (AnswerRecord) throws -> Void
    ) throws(StoreError) {
        let (condition, cohortArguments) = try cohort.condition(in: localTimeZone())
        var filter = ""
        if !protocols.isEmpty {
            filter = "AND r.protocol_id IN (\(Array(repeating: "?", count: protocols.count).joined(separator: ", ")))"
        }
        let sql = """
            SELECT r.id, r.subject_id, s.room, COALESCE(s.scheduled_start, r.started_at) AS t, r.protocol_id,
                   r.version, r.status, a.phase, a.item, a.status, a.value, a.number, a.outcome, a.why,
                   a.answered_at, a.actor, a.role
            FROM run r JOIN subject s ON s.id = r.subject_id CROSS JOIN answer a ON a.run_id = r.id
            WHERE \(condition) \(filter)
            ORDER BY r.rowid, a.rowid
            """
        do {
            try pool.read { db in
                let rows = try Row.fetchCursor(
                    db, sql: sql,
                    arguments: StatementArguments(cohortArguments + protocols as [DatabaseValueConvertible?]))
                while let row = try rows.next() {
                    guard let runStatus = RunStatus(rawValue: row[6]), let status = ItemStatus(rawValue: row[9]) else {
                        throw StoreError(
                            .corrupt, "run \(row[0] as String) has a status qflow does not write; run qflow verify")
                    }
                    try body(
                        AnswerRecord(
                            runId: row[0], subjectId: row[1], room: row[2], time: row[3], protocolId: row[4],
                            version: row[5], runStatus: runStatus, phase: row[7], item: row[8], status: status,
                            value: row[10], number: row[11], outcome: row[12], why: row[13], answeredAt: row[14],
                            actor: row[15], role: row[16]))
                }
            }
        } catch {
            throw StoreError.wrap(error, "export answers")
        }
    }
}
