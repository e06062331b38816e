import Foundation
import GRDB
import QFlowEngine

/// A named, saved filter over subjects: which protocols were used (or not), a period, rooms, wards, subject facts.
///
/// A unit of analysis (a run of the measured protocol) belongs to the cohort when its subject passes every filter
/// and its time — the subject's scheduled start, else the run's start — falls in `[from, to)`.
public struct Cohort: Codable, Sendable, Hashable {
    /// The cohort's name (letters, digits, `-`, `_`, `.`).
    public var name: String
    /// What it is, in words.
    public var description: String?
    /// Only subjects of this kind.
    public var subjectKind: String?
    /// Subjects with at least one run of each of these protocols.
    public var withProtocol: [String]
    /// Subjects with no run of any of these protocols.
    public var withoutProtocol: [String]
    /// From this time (inclusive), ISO-8601; a date alone means its local midnight.
    public var from: String?
    /// Until this time (exclusive).
    public var to: String?
    /// Only these rooms.
    public var rooms: [String]
    /// Only these wards.
    public var wards: [String]
    /// Subject facts that must equal these values (e.g. `emergency: "true"`).
    public var facts: [String: String]

    /// Creates a cohort.
    public init(
        name: String, description: String? = nil, subjectKind: String? = nil, withProtocol: [String] = [],
        withoutProtocol: [String] = [], from: String? = nil, to: String? = nil, rooms: [String] = [],
        wards: [String] = [], facts: [String: String] = [:]
    ) {
        self.name = name
        self.description = description
        self.subjectKind = subjectKind
        self.withProtocol = withProtocol
        self.withoutProtocol = withoutProtocol
        self.from = from
        self.to = to
        self.rooms = rooms
        self.wards = wards
        self.facts = facts
    }

    /// Everyone: no filter.
    public static let everyone = Cohort(name: "all")

    /// Whether the cohort filters nothing.
    public var isEveryone: Bool {
        subjectKind == nil && withProtocol.isEmpty && withoutProtocol.isEmpty && from == nil && to == nil
            && rooms.isEmpty && wards.isEmpty && facts.isEmpty
    }

    /// Checks the name and the period; returns the period as instants (a bare day is its midnight in `zone`).
    func validated(in zone: TimeZone) throws(StoreError) -> (from: Date?, to: Date?) {
        guard name.range(of: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", options: .regularExpression) != nil else {
            throw StoreError(
                .invalidInput, "cohort name '\(name.prefix(40))': use letters, digits, '-', '_', '.' (1–64)")
        }
        func instant(_ text: String?, _ field: String) throws(StoreError) -> Date? {
            guard let text else { return nil }
            if let date = Timestamp.parse(text) { return date }
            if let date = LocalTime.midnight(text, in: zone) { return date }
            throw StoreError(
                .invalidInput,
                "cohort \(name): \(field) '\(text.prefix(40))' is not a date (2025-01-01) or an ISO-8601 time",
                item: field)
        }
        let period = (try instant(from, "from"), try instant(to, "to"))
        if let a = period.0, let b = period.1, a >= b {
            throw StoreError(.invalidInput, "cohort \(name): 'from' must be before 'to'", item: "from")
        }
        return period
    }

    /// The SQL condition over `s` (subject), `r` (run) and `t` (the unit's time), with its arguments.
    func condition(in zone: TimeZone) throws(StoreError) -> (sql: String, arguments: [DatabaseValueConvertible?]) {
        let (from, to) = try validated(in: zone)
        var clauses: [String] = []
        var arguments: [DatabaseValueConvertible?] = []
        if let subjectKind {
            clauses.append("s.kind = ?")
            arguments.append(subjectKind)
        }
        for id in withProtocol {
            clauses.append("EXISTS (SELECT 1 FROM run x WHERE x.subject_id = s.id AND x.protocol_id = ?)")
            arguments.append(id)
        }
        for id in withoutProtocol {
            clauses.append("NOT EXISTS (SELECT 1 FROM run x WHERE x.subject_id = s.id AND x.protocol_id = ?)")
            arguments.append(id)
        }
        if let from {
            clauses.append("COALESCE(s.scheduled_start, r.started_at) >= ?")
            arguments.append(Timestamp.format(from))
        }
        if let to {
            clauses.append("COALESCE(s.scheduled_start, r.started_at) < ?")
            arguments.append(Timestamp.format(to))
        }
        if !rooms.isEmpty {
            clauses.append("s.room IN (\(Array(repeating: "?", count: rooms.count).joined(separator: ", ")))")
            arguments += rooms as [DatabaseValueConvertible?]
        }
        if !wards.isEmpty {
            clauses.append("s.ward IN (\(Array(repeating: "?", count: wards.count).joined(separator: ", ")))")
            arguments += wards as [DatabaseValueConvertible?]
        }
        for (name, value) in facts.sorted(by: { $0.key < $1.key }) {
            let column = ["room", "ward", "procedure"].contains(name) ? "s.\(name)" : "json_extract(s.facts, ?)"
            if column.hasPrefix("json") { arguments.append("$.\"\(name.replacingOccurrences(of: "\"", with: ""))\"") }
            clauses.append("\(column) = ?")
            arguments.append(value)
        }
        return (clauses.isEmpty ? "1" : clauses.joined(separator: " AND "), arguments)
    }
}

extension Store {
    /// Saves a cohort under its name (replacing one with the same name).
    public func saveCohort(_ cohort: Cohort, at: Date) throws(StoreError) {
        _ = try cohort.validated(in: localTimeZone())
        try writer.submit("save cohort \(cohort.name)") { db, _ in
            try db.execute(
                sql: "INSERT OR REPLACE INTO cohort (name, definition, created_at) VALUES (?, ?, ?)",
                arguments: [
                    cohort.name, String(decoding: CanonicalJSON.encode(cohort), as: UTF8.self), Timestamp.format(at),
                ])
        }
    }

    /// A saved cohort by name.
    public func cohort(_ name: String) throws(StoreError) -> Cohort {
        try read("read cohort") { db in
            guard
                let text = try String.fetchOne(
                    db, sql: "SELECT definition FROM cohort WHERE name = ?", arguments: [name])
            else {
                let known = try String.fetchAll(db, sql: "SELECT name FROM cohort ORDER BY name")
                throw StoreError(
                    .notFound,
                    "no cohort '\(name)'\(RuleExpression.suggestion(name, known)) (define it with qflow cohort add)")
            }
            return try CanonicalJSON.decode(Cohort.self, from: Array(text.utf8))
        }
    }

    /// Every saved cohort, by name.
    public func cohorts() throws(StoreError) -> [Cohort] {
        try read("list cohorts") { db in
            try String.fetchAll(db, sql: "SELECT definition FROM cohort ORDER BY name").map {
                try CanonicalJSON.decode(Cohort.self, from: Array($0.utf8))
            }
        }
    }
}
