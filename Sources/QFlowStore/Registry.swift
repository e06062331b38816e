import Foundation
import GRDB
import QFlowEngine

/// A published protocol version with the content hash it was published under.
public struct PublishedSpec: Sendable, Hashable {
    /// The definition.
    public var spec: ProtocolSpec
    /// SHA-256 of its canonical JSON, fixed at publication.
    public var contentHash: String
    /// The file it was published from, if known.
    public var sourceFile: String?
    /// When it was published.
    public var publishedAt: Date
}

/// What `publish` did with one protocol version.
public enum PublishOutcome: String, Sendable, Codable {
    /// A new version was stored.
    case published
    /// The same content was already published under this id and version; nothing changed.
    case unchanged
}

/// A subject: the thing runs are about.
public struct Subject: Sendable, Hashable, Codable {
    /// Its id: the case number, batch number, audit id or respondent id.
    public var id: String
    /// `surgical-case`, `linen-batch`, `audit`, `respondent`, … (matched against a protocol's `subject`).
    public var kind: String
    /// A human label (e.g. the procedure booked), if any.
    public var label: String?
    /// A pseudonymous patient id (never a name or a hospital number).
    public var patientRef: String?
    /// Operating room, laundry line, …
    public var room: String?
    /// Ward or department.
    public var ward: String?
    /// The procedure, for surgical cases.
    public var procedure: String?
    /// When the case is scheduled to start.
    public var scheduledStart: Date?
    /// Further subject fields and flags, as text (typed by the protocols that read them).
    public var facts: [String: String]

    /// Creates a subject.
    public init(
        id: String, kind: String, label: String? = nil, patientRef: String? = nil, room: String? = nil,
        ward: String? = nil, procedure: String? = nil, scheduledStart: Date? = nil, facts: [String: String] = [:]
    ) {
        self.id = id
        self.kind = kind
        self.label = label
        self.patientRef = patientRef
        self.room = room
        self.ward = ward
        self.procedure = procedure
        self.scheduledStart = scheduledStart
        self.facts = facts
    }

    /// Every fact rules may read, including the standard columns (`scheduled_start`, `room`, `ward`, `procedure`).
    public var allFacts: [String: String] {
        var all = facts
        if let scheduledStart { all["scheduled_start"] = Timestamp.format(scheduledStart) }
        if let room { all["room"] = room }
        if let ward { all["ward"] = ward }
        if let procedure { all["procedure"] = procedure }
        return all
    }

    /// The typed facts a protocol reads (fields it does not declare are left out).
    ///
    /// `date` facts are read in the site's time zone (UTC before a site is published).
    func facts(for spec: ProtocolSpec, _ db: Database) throws -> SubjectFacts {
        let zone =
            spec.subjectFields.contains { $0.type == .date } ? try Store.siteZone(db) : TimeZone(identifier: "UTC")!
        return try facts(for: spec, zone: zone)
    }

    /// The typed facts a protocol reads, `date` facts read in `zone`.
    func facts(for spec: ProtocolSpec, zone: TimeZone) throws(StoreError) -> SubjectFacts {
        let declared = Set(spec.subjectFields.map(\.name))
        do {
            return try SubjectFacts.parse(
                allFacts.filter { declared.contains($0.key) }, fields: spec.subjectFields, timeZone: zone)
        } catch {
            throw StoreError(.invalidInput, "subject \(id): \(error.message)")
        }
    }
}

enum Registry {
    static func published(_ row: Row) throws -> PublishedSpec {
        let definition: String = row["definition"]
        let spec: ProtocolSpec
        do {
            spec = try CanonicalJSON.decode(ProtocolSpec.self, from: Array(definition.utf8))
        } catch {
            throw StoreError(
                .corrupt, "protocol \(row["protocol_id"] as String)@\(row["version"] as Int) cannot be read: \(error)")
        }
        return PublishedSpec(
            spec: spec, contentHash: row["content_hash"], sourceFile: row["source_file"],
            publishedAt: Timestamp.parse(row["published_at"]) ?? Date(timeIntervalSince1970: 0))
    }

    /// A published version, or the latest when `version` is nil.
    static func spec(_ id: String, version: Int?, _ db: Database, cache: WriterCache? = nil) throws -> PublishedSpec {
        if let version, let cached = cache?.spec("\(id)@\(version)") { return cached }
        // With a cache, the latest version is looked up by number so that its decoded definition is reused.
        if version == nil, cache != nil,
            let latest = try Int.fetchOne(
                db.cachedStatement(sql: "SELECT max(version) FROM protocol_version WHERE protocol_id = ?"),
                arguments: [id])
        {
            return try spec(id, version: latest, db, cache: cache)
        }
        let row: Row?
        if let version {
            row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM protocol_version WHERE protocol_id = ? AND version = ?"),
                arguments: [id, version])
        } else {
            row = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT * FROM protocol_version WHERE protocol_id = ? ORDER BY version DESC LIMIT 1"),
                arguments: [id])
        }
        guard let row else {
            let known = try String.fetchAll(db, sql: "SELECT DISTINCT protocol_id FROM protocol_version ORDER BY 1")
            if let version, known.contains(id) {
                throw StoreError(.notFound, "protocol \(id) has no published version \(version)")
            }
            throw StoreError(
                .notFound,
                "no published protocol '\(id)'\(RuleExpression.suggestion(id, known)) (publish it with qflow protocol "
                    + "publish)"
            )
        }
        let published = try published(row)
        cache?.remember(published)
        return published
    }

    static func publish(_ spec: ProtocolSpec, sourceFile: String?, at: Date, _ db: Database) throws -> PublishOutcome {
        let hash = spec.contentHash
        if let existing = try String.fetchOne(
            db, sql: "SELECT content_hash FROM protocol_version WHERE protocol_id = ? AND version = ?",
            arguments: [spec.id, spec.version])
        {
            guard existing == hash else {
                throw StoreError(
                    .alreadyExists,
                    "\(spec.reference) is already published with different content: a published version never "
                        + "changes; give the new content a higher version"
                )
            }
            return .unchanged
        }
        if let newest = try Int.fetchOne(
            db, sql: "SELECT max(version) FROM protocol_version WHERE protocol_id = ?", arguments: [spec.id]),
            newest > spec.version
        {
            throw StoreError(
                .invalidInput, "\(spec.reference) is older than the published \(spec.id)@\(newest): versions only go up"
            )
        }
        try db.execute(
            sql: """
                INSERT INTO protocol_version (protocol_id, version, kind, subject_kind, title_zh, title_en,\
                 content_hash,
                    definition, source_file, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                spec.id, spec.version, spec.kind.rawValue, spec.subject, spec.title.zh, spec.title.en, hash,
                String(decoding: CanonicalJSON.encode(spec), as: UTF8.self), sourceFile, Timestamp.format(at),
            ])
        return .published
    }

    static func subject(_ id: String, _ db: Database) throws -> Subject? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(subjectColumns) FROM subject WHERE id = ?"), arguments: [id])
        else { return nil }
        return try subject(row)
    }

    /// The columns ``subject(_:)`` reads, in its order (a list names them with an `s.` alias or none).
    static let subjectColumns = "id, kind, label, patient_ref, room, ward, procedure, scheduled_start, facts"

    /// Reads a row of ``subjectColumns`` by position.
    static func subject(_ row: Row) throws -> Subject {
        let id: String = row[0]
        let factsText: String = row[8]
        guard
            let facts = flatStrings(factsText)
                ?? (try? CanonicalJSON.decode([String: String].self, from: Array(factsText.utf8)))
        else {
            throw StoreError(.corrupt, "subject \(id): its facts are not valid JSON")
        }
        return Subject(
            id: id, kind: row[1], label: row[2], patientRef: row[3], room: row[4], ward: row[5], procedure: row[6],
            scheduledStart: (row[7] as String?).flatMap(Timestamp.parse), facts: facts)
    }

    /// A JSON object of strings as the store writes facts (`{"implant":"true"}`), read without a JSONDecoder; nil
    /// for anything else (escapes other than `\"` and `\\`, other values, stray bytes), which the caller then
    /// decodes in full. A list page reads hundreds of subjects, and the decoder cost more than the query.
    static func flatStrings(_ text: String) -> [String: String]? {
        var utf8 = text.utf8[...]
        func skipSpace() {
            while let b = utf8.first, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { utf8.removeFirst() }
        }
        func string() -> String? {
            guard utf8.first == 0x22 else { return nil }
            utf8.removeFirst()
            var bytes: [UInt8] = []
            while let b = utf8.first {
                utf8.removeFirst()
                switch b {
                case 0x22: return String(validating: bytes, as: UTF8.self)
                case 0x5C:
                    guard let escaped = utf8.first, escaped == 0x22 || escaped == 0x5C || escaped == 0x2F else {
                        return nil
                    }
                    utf8.removeFirst()
                    bytes.append(escaped)
                case 0x00..<0x20: return nil
                default: bytes.append(b)
                }
            }
            return nil
        }
        skipSpace()
        guard utf8.first == 0x7B else { return nil }
        utf8.removeFirst()
        var out: [String: String] = [:]
        skipSpace()
        if utf8.first == 0x7D {
            utf8.removeFirst()
            skipSpace()
            return utf8.isEmpty ? out : nil
        }
        while true {
            skipSpace()
            guard let key = string() else { return nil }
            skipSpace()
            guard utf8.first == 0x3A else { return nil }
            utf8.removeFirst()
            skipSpace()
            guard let value = string(), out.updateValue(value, forKey: key) == nil else { return nil }
            skipSpace()
            guard let next = utf8.first else { return nil }
            utf8.removeFirst()
            if next == 0x7D { break }
            guard next == 0x2C else { return nil }
        }
        skipSpace()
        return utf8.isEmpty ? out : nil
    }

    static func add(_ subject: Subject, at: Date, _ db: Database, checkFacts: Bool = true, cache: WriterCache? = nil)
        throws
    {
        let id = subject.id
        guard !id.isEmpty, id.count <= 100, !id.contains(where: { $0.isNewline || $0 == "\0" }) else {
            throw StoreError(.invalidInput, "a subject id is 1–100 characters on one line")
        }
        for (field, value) in [
            ("label", subject.label), ("patient_ref", subject.patientRef), ("room", subject.room),
            ("ward", subject.ward), ("procedure", subject.procedure),
        ] {
            if let value, value.count > 200 || value.contains(where: { $0.isNewline || $0 == "\0" }) {
                throw StoreError(
                    .invalidInput, "subject \(id): \(field) must be one line of at most 200 characters", item: field)
            }
        }
        guard subject.facts.count <= 64,
            subject.facts.allSatisfy({ $0.key.count <= 64 && $0.value.count <= 200 && !$0.key.isEmpty })
        else {
            throw StoreError(
                .invalidInput, "subject \(id): at most 64 facts, names up to 64 and values up to 200 characters")
        }
        guard subject.kind.range(of: "^[a-z][a-z0-9-]*$", options: .regularExpression) != nil else {
            throw StoreError(
                .invalidInput, "subject kind '\(subject.kind.prefix(40))' is not a kind name like surgical-case")
        }
        if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM subject WHERE id = ?"), arguments: [id]) == true {
            throw StoreError(.alreadyExists, "subject \(id) already exists")
        }
        // Facts are typed by the protocols that read them: check each against every published declaration.
        let declared = checkFacts ? try declaredFields(kind: subject.kind, db, cache: cache) : [:]
        for (name, text) in subject.allFacts.sorted(by: { $0.key < $1.key }) {
            guard let field = declared[name] else { continue }
            do {
                _ = try field.parse(text)
            } catch {
                throw StoreError(.invalidInput, "subject \(id): \(error.message)", item: name)
            }
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO subject (id, kind, label, patient_ref, room, ward, procedure, scheduled_start, facts,
                    created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                id, subject.kind, subject.label, subject.patientRef, subject.room, subject.ward, subject.procedure,
                subject.scheduledStart.map(Timestamp.format),
                String(decoding: CanonicalJSON.encode(subject.facts), as: UTF8.self), Timestamp.format(at),
            ])
    }

    /// Subject fields declared by the latest published protocols for a kind of subject, by name.
    static func declaredFields(kind: String, _ db: Database, cache: WriterCache? = nil) throws
        -> [String: SubjectFieldSpec]
    {
        var fields: [String: SubjectFieldSpec] = [:]
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT p.protocol_id, p.version FROM protocol_version p
                    WHERE p.subject_kind = ? AND p.version = (SELECT max(version) FROM protocol_version q
                        WHERE q.protocol_id = p.protocol_id)
                    """), arguments: [kind])
        for row in rows {
            for field in try spec(row[0], version: row[1], db, cache: cache).spec.subjectFields {
                fields[field.name] = field
            }
        }
        return fields
    }
}
