import Foundation
import GRDB
import QFlowEngine

/// One archive number (档号) and the record it was given to.
public struct ArchiveRecord: Sendable, Hashable, Codable {
    /// Whether a number still identifies its record.
    public enum Status: String, Sendable, Hashable, Codable {
        /// In use.
        case active
        /// Voided with a reason; never given again.
        case void
    }

    /// The number as written, e.g. `A014-WS·2016-Y-BGS-0026`.
    public var number: String
    /// Its parts.
    public var parts: ArchiveNumber
    /// The archive-record subject it identifies.
    public var subjectId: String
    /// The run that was started when it was assigned, if any.
    public var runId: String?
    /// When and by whom it was assigned.
    public var assignedAt: Date
    /// The staff id that assigned it.
    public var assignedBy: String
    /// Active or void.
    public var status: Status
    /// When it was voided, by whom, and why.
    public var voidedAt: Date?
    /// The staff id that voided it.
    public var voidedBy: String?
    /// The reason given for the void.
    public var voidReason: String?

    /// The record's retention period.
    public var retention: RetentionPeriod { parts.retention }
    /// The last day it is kept (`YYYY-12-31`), or nil when it is kept permanently.
    public var retentionLastDay: String? { parts.retention.lastDay(filedIn: parts.year) }
}

/// What `assignArchiveNumber` did.
public struct ArchiveAssignment: Sendable, Hashable {
    /// The record's number.
    public var record: ArchiveRecord
    /// False when the record already had an active number (it is returned, nothing is written).
    public var assigned: Bool
}

/// A fact of the archive register, stored in the event log beside the runs' events.
///
/// Numbers live in streams of the log, not in runs: the assignments of one series (`{class}·{year}-{retention}-{org}`)
/// are the events of stream `archive:{series}`, and an assignment's sequence number in its stream *is* the item
/// number (件号). The log's `UNIQUE (run_id, seq)` therefore refuses a number given twice, whoever writes; the next
/// number is `max(seq) + 1` of the stream, so a voided number (its void is a separate stream,
/// `archive:void:{number}`, whose only event has sequence number 1) is never given again. The events join the hash
/// chain like every other, `verify` checks them, and `rebuild` recreates the `archive_number` table from them.
struct ArchiveEvent: Sendable, Hashable, Codable {
    enum Change: Sendable, Hashable, Codable {
        /// A number was given to a subject (while starting `run`, or explicitly).
        case assigned(number: ArchiveNumber, subject: String, run: String?)
        /// A number was voided (the event's reason says why).
        case voided(number: String)
    }

    var at: Date
    var actor: Actor
    var reason: String?
    var change: Change

    var kind: String {
        switch change {
        case .assigned: "archive-assigned"
        case .voided: "archive-voided"
        }
    }
}

/// Archive numbers: assigning, voiding, reading with access by role, and the projection of their events.
enum ArchiveRegister {
    /// The subject kind whose runs are numbered when they start.
    static let subjectKind = "archive-record"
    /// The subject facts a number is made from.
    static let classFact = "record_class"
    static let yearFact = "record_year"
    static let orgFact = "org_code"
    /// Every archive stream's id starts with this (run ids never do: `importRuns` refuses them).
    static let streamPrefix = "archive:"

    static func stream(series: String) -> String { streamPrefix + series }
    static func voidStream(number: String) -> String { streamPrefix + "void:" + number }
    static func isStream(_ id: String) -> Bool { id.hasPrefix(streamPrefix) }

    /// The published site's archive section, or a refusal saying how to add one.
    static func archive(_ db: Database) throws -> ArchiveSpec {
        guard let archive = try Store.site(db)?.spec.archive else {
            throw StoreError(
                .invalidInput,
                "the published site has no archive section: add `archive:` (fonds, classes) to the site file and "
                    + "publish it with qflow site apply",
                item: "archive")
        }
        return archive
    }

    /// The active number of a subject, if it has one.
    static func activeRecord(subject: String, _ db: Database) throws -> ArchiveRecord? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM archive_number WHERE subject_id = ? AND status = 'active'"),
            arguments: [subject]
        ).map(record)
    }

    static func record(number: String, _ db: Database) throws -> ArchiveRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM archive_number WHERE number = ?"), arguments: [number])
            .map(record)
    }

    /// Gives `subject` the next number of its series, in the caller's transaction, unless it has an active one.
    ///
    /// Returns the record and the event appended (nil when the subject already had a number).
    static func assign(
        subject: Subject, runId: String?, by actor: Actor, at: Date, head: inout (id: Int64, hash: String),
        _ db: Database
    ) throws -> (record: ArchiveRecord, event: StoredEvent?) {
        if let existing = try activeRecord(subject: subject.id, db) { return (existing, nil) }
        let archive = try archive(db)
        let (recordClass, year, org) = try facts(of: subject, archive)
        var number = ArchiveNumber(
            fonds: archive.fonds, classCode: recordClass.code, year: year, retention: recordClass.retention, org: org,
            seq: 1)
        let stream = stream(series: number.series)
        let last = try Int.fetchOne(
            db.cachedStatement(sql: "SELECT max(seq) FROM event WHERE run_id = ?"), arguments: [stream])
        number.seq = (last ?? 0) + 1
        guard number.seq <= 999_999 else {
            throw StoreError(.invalidInput, "series \(number.series) is full (999,999 numbers)")
        }
        let event = ArchiveEvent(
            at: at, actor: actor, reason: nil, change: .assigned(number: number, subject: subject.id, run: runId))
        let stored = try append(event, stream: stream, seq: number.seq, head: &head, db)
        try project(event, eventId: stored.id, db)
        guard let record = try record(number: number.description, db) else {
            throw StoreError(.corrupt, "archive number \(number) was not recorded")
        }
        return (record, stored)
    }

    /// Voids an active number; it is never given again.
    static func void(
        _ number: String, reason: String, by actor: Actor, at: Date, _ db: Database
    ) throws -> ArchiveRecord {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, reason.count <= 1_000 else {
            throw StoreError(.invalidInput, "voiding a number needs a reason (1–1,000 characters)", item: "reason")
        }
        guard let existing = try record(number: number, db) else {
            throw StoreError(.notFound, "no archive number \(number.prefix(80))")
        }
        try checkReader(actor, classCode: existing.parts.classCode, db)
        guard existing.status == .active else {
            throw StoreError(.invalidInput, "archive number \(number) is already void")
        }
        var head = try EventLog.head(db)
        let event = ArchiveEvent(at: at, actor: actor, reason: reason, change: .voided(number: number))
        let stored = try append(event, stream: voidStream(number: number), seq: 1, head: &head, db)
        try project(event, eventId: stored.id, db)
        return try record(number: number, db)!
    }

    /// The class, year and organisation code of an archive-record subject, checked against the site.
    static func facts(of subject: Subject, _ archive: ArchiveSpec) throws -> (ArchiveClassSpec, Int, String) {
        guard subject.kind == subjectKind else {
            throw StoreError(.invalidInput, "subject \(subject.id) is a \(subject.kind), not an \(subjectKind)")
        }
        let facts = subject.allFacts
        guard let code = facts[classFact], let recordClass = archive.recordClass(code) else {
            let known = archive.classes.map(\.code).joined(separator: ", ")
            throw StoreError(
                .invalidInput,
                "subject \(subject.id): \(classFact) must be one of the site's archive classes (\(known))",
                item: classFact)
        }
        guard let text = facts[yearFact], text.count == 4, let year = Int(text), (1900...9999).contains(year) else {
            throw StoreError(
                .invalidInput, "subject \(subject.id): \(yearFact) must be a four-digit year", item: yearFact)
        }
        guard let org = facts[orgFact], ArchiveNumber.isCode(org, maximum: 16) else {
            throw StoreError(
                .invalidInput, "subject \(subject.id): \(orgFact) must be 1–16 upper-case letters or digits (e.g. BGS)",
                item: orgFact)
        }
        return (recordClass, year, org)
    }

    /// Refuses an actor whose role may not read records of the class (or who does not hold the role they claim).
    ///
    /// The class's `roles` in the published site decide; a class the site no longer lists is readable by no one.
    /// When the actor is a registered user (`qflow user add`), they must be active and hold the role.
    static func checkReader(_ actor: Actor, classCode: String, _ db: Database) throws {
        if let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT roles, active FROM user WHERE id = ?"), arguments: [actor.id])
        {
            let roles = (row["roles"] as String).split(separator: ",").map(String.init)
            guard row["active"] as Bool, roles.contains(actor.role) else {
                throw StoreError(.forbidden, "user \(actor.id) does not hold the role \(actor.role)", item: "role")
            }
        }
        let archive = try archive(db)
        guard let recordClass = archive.recordClass(classCode), recordClass.roles.contains(actor.role) else {
            throw StoreError(
                .forbidden, "role \(actor.role) may not read archive records of class \(classCode)", item: "role")
        }
    }

    // MARK: The log and the projection

    static func append(
        _ event: ArchiveEvent, stream: String, seq: Int, head: inout (id: Int64, hash: String), _ db: Database
    ) throws -> StoredEvent {
        let id = head.id + 1
        let payload = String(decoding: CanonicalJSON.encode(event), as: UTF8.self)
        let hash = EventLog.hash(previous: head.hash, id: id, runId: stream, seq: seq, payload: payload)
        try EventLog.insert(
            [
                .integer(id), .text(stream), .integer(Int64(seq)), .text(event.kind), .text(Timestamp.format(event.at)),
                .text(event.actor.id), .text(event.actor.role), SQLValue(event.actor.workstation), .text(payload),
                .text(hash),
            ], db)
        head = (id, hash)
        return StoredEvent(id: id, runId: stream, seq: seq, kind: event.kind)
    }

    static func decode(_ payload: String, eventId: Int64) throws -> ArchiveEvent {
        do {
            return try CanonicalJSON.decode(ArchiveEvent.self, from: Array(payload.utf8))
        } catch {
            throw StoreError(.corrupt, "event \(eventId): the payload is not a valid archive event")
        }
    }

    /// Whether an archive event fits the stream and sequence number it is stored under.
    static func fits(_ event: ArchiveEvent, stream: String, seq: Int) -> Bool {
        switch event.change {
        case .assigned(let number, _, _): stream == Self.stream(series: number.series) && seq == number.seq
        case .voided(let number): stream == voidStream(number: number) && seq == 1
        }
    }

    /// Applies one event to `archive_number`.
    static func project(_ event: ArchiveEvent, eventId: Int64, _ db: Database) throws {
        switch event.change {
        case .assigned(let number, let subject, let run):
            try db.cachedStatement(
                sql: """
                    INSERT INTO archive_number (number, fonds, class, year, retention, org, seq, subject_id, run_id,
                        event_id, assigned_at, assigned_by, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,\
                         'active')
                    """
            ).execute(arguments: [
                number.description, number.fonds, number.classCode, number.year, number.retention.rawValue, number.org,
                number.seq, subject, run, eventId, Timestamp.format(event.at), event.actor.id,
            ])
        case .voided(let number):
            try db.cachedStatement(
                sql: """
                    UPDATE archive_number SET status = 'void', voided_at = ?, voided_by = ?, void_reason = ?
                    WHERE number = ? AND status = 'active'
                    """
            ).execute(arguments: [Timestamp.format(event.at), event.actor.id, event.reason, number])
            guard db.changesCount == 1 else {
                throw StoreError(.corrupt, "event \(eventId) voids \(number), which is not an active number")
            }
        }
    }

    /// The archive streams' events in log order. A range on `run_id` (every stream id starts with `archive:`, and `;`
    /// follows `:`) reads them through the log's (run_id, seq) index; `substr(run_id, …)` would scan the whole log,
    /// a year's answers, on every verify and rebuild.
    static let eventsSQL = """
        SELECT id, payload FROM event WHERE run_id >= '\(streamPrefix)' AND run_id < 'archive;' ORDER BY id
        """

    /// Recreates `archive_number` from the log.
    static func rebuild(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM archive_number")
        let cursor = try Row.fetchCursor(
            db, sql: eventsSQL)
        while let row = try cursor.next() {
            let id: Int64 = row[0]
            try project(try decode(row[1], eventId: id), eventId: id, db)
        }
    }

    /// Each number's status according to the log, for `verify` to compare with the projection.
    static func statuses(_ db: Database) throws -> [String: ArchiveRecord.Status] {
        var out: [String: ArchiveRecord.Status] = [:]
        let cursor = try Row.fetchCursor(
            db, sql: eventsSQL)
        while let row = try cursor.next() {
            guard let event = try? decode(row[1], eventId: row[0]) else { continue }
            switch event.change {
            case .assigned(let number, _, _): out[number.description] = .active
            case .voided(let number): out[number] = .void
            }
        }
        return out
    }

    static func record(_ row: Row) throws -> ArchiveRecord {
        let number: String = row["number"]
        guard let retention = RetentionPeriod(rawValue: row["retention"]) else {
            throw StoreError(.corrupt, "archive number \(number) has an unknown retention period")
        }
        let parts = ArchiveNumber(
            fonds: row["fonds"], classCode: row["class"], year: row["year"], retention: retention, org: row["org"],
            seq: row["seq"])
        return ArchiveRecord(
            number: number, parts: parts, subjectId: row["subject_id"], runId: row["run_id"],
            assignedAt: Timestamp.parse(row["assigned_at"]) ?? Date(timeIntervalSince1970: 0),
            assignedBy: row["assigned_by"], status: ArchiveRecord.Status(rawValue: row["status"]) ?? .void,
            voidedAt: (row["voided_at"] as String?).flatMap(Timestamp.parse), voidedBy: row["voided_by"],
            voidReason: row["void_reason"])
    }
}

extension Store {
    /// Gives an archive record its number (档号), unless it already has an active one.
    ///
    /// `target` is a run id (its subject is numbered, the number names the run) or an archive-record subject id.
    /// Runs of protocols on `archive-record` subjects are numbered when they start; this is for records whose runs
    /// began before the site had an archive section, or that were voided and need a new number. The acting role
    /// must be one of the class's readers.
    ///
    /// ```swift
    /// let assignment = try store.assignArchiveNumber("R000012", by: archivist, at: now)
    /// print(assignment.record.number)   // A014-WS·2016-Y-BGS-0001
    /// ```
    public func assignArchiveNumber(_ target: String, by actor: Actor, at: Date) throws(StoreError)
        -> ArchiveAssignment
    {
        try writer.submit("assign an archive number") { db, _ in
            var runId: String?
            var subjectId = target
            if let row = try Row.fetchOne(db, sql: "SELECT subject_id FROM run WHERE id = ?", arguments: [target]) {
                runId = target
                subjectId = row["subject_id"]
            }
            guard let subject = try Registry.subject(subjectId, db) else {
                throw StoreError(.notFound, "no run or subject \(target.prefix(80))")
            }
            if runId == nil {
                runId = try String.fetchOne(
                    db, sql: "SELECT id FROM run WHERE subject_id = ? ORDER BY rowid DESC LIMIT 1",
                    arguments: [subjectId])
            }
            if let existing = try ArchiveRegister.activeRecord(subject: subjectId, db) {
                try ArchiveRegister.checkReader(actor, classCode: existing.parts.classCode, db)
                return ArchiveAssignment(record: existing, assigned: false)
            }
            let archive = try ArchiveRegister.archive(db)
            let (recordClass, _, _) = try ArchiveRegister.facts(of: subject, archive)
            try ArchiveRegister.checkReader(actor, classCode: recordClass.code, db)
            var head = try EventLog.head(db)
            let (record, _) = try ArchiveRegister.assign(
                subject: subject, runId: runId, by: actor, at: at, head: &head, db)
            return ArchiveAssignment(record: record, assigned: true)
        }
    }

    /// Voids an archive number with a reason (an event); the series goes on with the next number.
    public func voidArchiveNumber(_ number: String, reason: String, by actor: Actor, at: Date) throws(StoreError)
        -> ArchiveRecord
    {
        let written = ArchiveNumber(number)?.description ?? number
        return try writer.submit("void an archive number") { db, _ in
            try ArchiveRegister.void(written, reason: reason, by: actor, at: at, db)
        }
    }

    /// One archive number, if the acting role may read its class.
    public func archiveRecord(_ number: String, as actor: Actor) throws(StoreError) -> ArchiveRecord {
        let written = ArchiveNumber(number)?.description ?? number
        return try read("read an archive number") { db in
            guard let record = try ArchiveRegister.record(number: written, db) else {
                throw StoreError(.notFound, "no archive number \(number.prefix(80))")
            }
            try ArchiveRegister.checkReader(actor, classCode: record.parts.classCode, db)
            return record
        }
    }

    /// Archive numbers, by year, class and item number, optionally of one class and one year.
    ///
    /// Without `classCode`, only the classes the acting role may read are listed; a role that may read none, or a
    /// named class it may not read, is refused (`forbidden`).
    public func archiveRecords(classCode: String? = nil, year: Int? = nil, as actor: Actor, limit: Int = 1_000)
        throws(StoreError) -> [ArchiveRecord]
    {
        try read("list archive numbers") { db in
            var classes: [String]
            if let classCode {
                try ArchiveRegister.checkReader(actor, classCode: classCode, db)
                classes = [classCode]
            } else {
                let archive = try ArchiveRegister.archive(db)
                classes = archive.classes.filter { $0.roles.contains(actor.role) }.map(\.code)
                guard let first = classes.first else {
                    throw StoreError(.forbidden, "role \(actor.role) may not read any archive class", item: "role")
                }
                try ArchiveRegister.checkReader(actor, classCode: first, db)
            }
            var arguments: [(any DatabaseValueConvertible)?] = classes.map { $0 }
            arguments += [year, year, limit]
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM archive_number WHERE class IN (\(databaseQuestionMarks(count: classes.count)))
                    AND (? IS NULL OR year = ?) ORDER BY year, class, retention, org, seq LIMIT ?
                    """, arguments: StatementArguments(arguments)
            ).map(ArchiveRegister.record)
        }
    }
}
