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
    /// The subject's scheduled start, else the run's start.
    public var time: Date
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
    /// What the answer came to, once answered.
    public var outcome: Verdict?
    /// Why it failed or was skipped.
    public var why: String?
    /// When it was answered.
    public var answeredAt: Date?
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
                    try body(AnswerRecord(row))
                }
            }
        } catch {
            throw StoreError.wrap(error, "export answers")
        }
    }
}

/// What an answered item came to (the reason of a failure is kept beside it).
public enum Verdict: String, Sendable, Hashable, Codable {
    /// The answer meets the item's rule.
    case pass
    /// It does not.
    case fail
    /// The rule cannot be decided yet (it reads an item still open).
    case undetermined
}

extension AnswerRecord {
    /// Reads a row of the export's columns by position; a status, outcome or time qflow never writes is a corrupt
    /// database, named, not a crash.
    init(_ row: Row) throws(StoreError) {
        let run: String = row[0]
        func corrupt(_ what: String) -> StoreError {
            StoreError(.corrupt, "run \(run) has \(what) qflow does not write; run qflow verify")
        }
        guard let runStatus = RunStatus(rawValue: row[6]), let status = ItemStatus(rawValue: row[9]) else {
            throw corrupt("a status")
        }
        guard let time = Timestamp.parse(row[3]) else { throw corrupt("a time") }
        let outcome = try (row[12] as String?).map { text throws(StoreError) in
            guard let verdict = Verdict(rawValue: text) else { throw corrupt("an outcome") }
            return verdict
        }
        let answeredAt = try (row[14] as String?).map { text throws(StoreError) in
            guard let date = Timestamp.parse(text) else { throw corrupt("a time") }
            return date
        }
        self.init(
            runId: run, subjectId: row[1], room: row[2], time: time, protocolId: row[4], version: row[5],
            runStatus: runStatus, phase: row[7], item: row[8], status: status, value: row[10], number: row[11],
            outcome: outcome, why: row[13], answeredAt: answeredAt, actor: row[15], role: row[16])
    }
}
