import Foundation
import GRDB
import QFlowEngine

/// A filter over subjects for the workstation's lists, paged by a cursor: every page is one indexed range scan.
public struct CaseQuery: Sendable, Hashable {
    /// The kind of subject (`surgical-case`, `linen-batch`, …).
    public var kind: String
    /// Only subjects scheduled at or after this time.
    public var from: Date?
    /// Only subjects scheduled before this time.
    public var to: Date?
    /// Only this room (or laundry line).
    public var room: String?
    /// Only subjects whose id starts with this text (a case number or its beginning).
    public var search: String?
    /// Only this subject (a respondent's own page).
    public var subject: String?
    /// Only subjects with at least one run of these protocols (nil: every subject); runs of other protocols are
    /// left out of the rows.
    public var protocols: Set<String>?
    /// Rows per page (1–500).
    public var limit: Int
    /// The page after this cursor (from the previous page's ``CasePage/next``).
    public var after: CaseCursor?
    /// Newest first instead of by scheduled start.
    public var newestFirst: Bool

    /// The largest page a caller may ask for.
    public static let maximumLimit = 500
    /// The page size when none is asked for.
    public static let defaultLimit = 50

    /// Creates a query.
    public init(
        kind: String, from: Date? = nil, to: Date? = nil, room: String? = nil, search: String? = nil,
        subject: String? = nil, protocols: Set<String>? = nil, limit: Int = CaseQuery.defaultLimit,
        after: CaseCursor? = nil, newestFirst: Bool = false
    ) {
        self.kind = kind
        self.from = from
        self.to = to
        self.room = room
        self.search = search
        self.subject = subject
        self.protocols = protocols
        self.limit = limit
        self.after = after
        self.newestFirst = newestFirst
    }
}

/// Where a page of subjects ended: the scheduled start and id of its last row, as opaque text for URLs.
public struct CaseCursor: Sendable, Hashable, LosslessStringConvertible {
    /// The last row's scheduled start (UTC text), nil when it has none.
    public var start: String?
    /// The last row's id.
    public var id: String

    /// Creates a cursor after a row.
    public init(start: String?, id: String) {
        self.start = start
        self.id = id
    }

    /// Reads a cursor from its text (nil when it is not one this store made).
    public init?(_ description: String) {
        guard let parts = Self.unpack(description, count: 2), !parts[1].isEmpty else { return nil }
        if !parts[0].isEmpty, Timestamp.parse(parts[0]) == nil { return nil }
        start = parts[0].isEmpty ? nil : parts[0]
        id = parts[1]
    }

    /// The cursor as URL-safe text.
    public var description: String { Self.pack([start ?? "", id]) }

    /// Fields as base64url text (unit-separated).
    static func pack(_ fields: [String]) -> String {
        Data(fields.joined(separator: "\u{1F}").utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The fields of ``pack(_:)``'s text, when there are exactly `count` of them.
    static func unpack(_ text: String, count: Int) -> [String]? {
        guard text.count <= 600 else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let decoded = String(data: data, encoding: .utf8) else {
            return nil
        }
        let parts = decoded.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        return parts.count == count ? parts : nil
    }
}

/// Where a page of overdue items ended, as opaque text for URLs.
public struct OverdueCursor: Sendable, Hashable, LosslessStringConvertible {
    /// The last row's due time, run and item.
    public var dueAt, runId, item: String

    /// Creates a cursor after a row.
    public init(dueAt: String, runId: String, item: String) {
        self.dueAt = dueAt
        self.runId = runId
        self.item = item
    }

    /// Reads a cursor from its text (nil when it is not one this store made).
    public init?(_ description: String) {
        guard let parts = CaseCursor.unpack(description, count: 3), Timestamp.parse(parts[0]) != nil else { return nil }
        (dueAt, runId, item) = (parts[0], parts[1], parts[2])
    }

    /// The cursor as URL-safe text.
    public var description: String { CaseCursor.pack([dueAt, runId, item]) }
}

/// One subject of a list with its runs and how many of their items are overdue.
public struct CaseListRow: Sendable {
    /// The subject.
    public var subject: Subject
    /// Its runs (of the query's protocols), oldest first.
    public var runs: [RunSummary]
    /// Open items of those runs whose deadline has passed.
    public var overdue: Int
    /// The last escalation step each of those runs reached (`ITEM/STEP`), by run id; runs without one are absent.
    public var lastSteps: [String: String] = [:]
}

/// A page of subjects and the cursor of the next page (nil on the last page).
public struct CasePage: Sendable {
    /// The rows, in the query's order.
    public var rows: [CaseListRow]
    /// Pass it as ``CaseQuery/after`` for the next page.
    public var next: CaseCursor?
}

extension Store {
    /// A page of subjects with their runs, overdue counts and the escalation step each run reached: four indexed
    /// queries, whatever the database's size.
    public func cases(_ query: CaseQuery, at now: Date) throws(StoreError) -> CasePage {
        let limit = min(max(query.limit, 1), CaseQuery.maximumLimit)
        return try read("list cases") { db in
            var conditions = ["s.kind = ?"]
            var arguments: StatementArguments = [query.kind]
            if let from = query.from {
                conditions.append("s.scheduled_start >= ?")
                _ = arguments.append(contentsOf: [Timestamp.format(from)])
            }
            if let to = query.to {
                conditions.append("s.scheduled_start < ?")
                _ = arguments.append(contentsOf: [Timestamp.format(to)])
            }
            if let room = query.room {
                conditions.append("s.room = ?")
                _ = arguments.append(contentsOf: [room])
            }
            if let subject = query.subject {
                conditions.append("s.id = ?")
                _ = arguments.append(contentsOf: [subject])
            }
            if let search = query.search, !search.isEmpty {
                // A prefix range on the id (the primary key), not LIKE: case numbers are matched exactly as typed.
                conditions.append("s.id >= ? AND s.id < ?")
                _ = arguments.append(contentsOf: [search, search + "\u{10FFFF}"])
            }
            let protocols = query.protocols.map { $0.sorted() }
            if let protocols {
                if protocols.isEmpty { return CasePage(rows: [], next: nil) }
                conditions.append(
                    "EXISTS (SELECT 1 FROM run r WHERE r.subject_id = s.id AND r.protocol_id IN ("
                        + Array(repeating: "?", count: protocols.count).joined(separator: ",") + "))")
                _ = arguments.append(contentsOf: StatementArguments(protocols))
            }
            if let after = query.after {
                let (later, nullsAt) = query.newestFirst ? ("<", "s.scheduled_start IS NULL AND s.id < ?") : (">", "")
                if let start = after.start {
                    var clause = "(s.scheduled_start \(later) ? OR (s.scheduled_start = ? AND s.id \(later) ?)"
                    _ = arguments.append(contentsOf: [start, start, after.id])
                    if query.newestFirst {
                        clause += " OR s.scheduled_start IS NULL"
                    }
                    conditions.append(clause + ")")
                } else if query.newestFirst {
                    conditions.append("(\(nullsAt))")
                    _ = arguments.append(contentsOf: [after.id])
                } else {
                    conditions.append("((s.scheduled_start IS NULL AND s.id > ?) OR s.scheduled_start IS NOT NULL)")
                    _ = arguments.append(contentsOf: [after.id])
                }
            }
            let order = query.newestFirst ? "s.scheduled_start DESC, s.id DESC" : "s.scheduled_start, s.id"
            _ = arguments.append(contentsOf: [limit + 1])
            var subjects = try Row.fetchAll(
                db,
                sql:
                    "SELECT \(Registry.subjectColumns) FROM subject s WHERE \(conditions.joined(separator: " AND ")) "
                    + "ORDER BY \(order) LIMIT ?",
                arguments: arguments
            ).map(Registry.subject)
            var next: CaseCursor?
            if subjects.count > limit {
                subjects.removeLast()
                next = subjects.last.map { CaseCursor(start: $0.scheduledStart.map(Timestamp.format), id: $0.id) }
            }
            if subjects.isEmpty { return CasePage(rows: [], next: nil) }
            let ids = subjects.map(\.id)
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
            var runArguments = StatementArguments(ids)
            var runFilter = ""
            if let protocols {
                // `+protocol_id`: never the protocol index. With fifty subjects in the IN list SQLite (without
                // statistics) would rather walk every run of the protocol — 180,000 of them a year — than seek fifty
                // times in the subject index: 130 ms a page instead of 1 ms.
                runFilter =
                    " AND +protocol_id IN (" + Array(repeating: "?", count: protocols.count).joined(separator: ",")
                    + ")"
                _ = runArguments.append(contentsOf: StatementArguments(protocols))
            }
            let runs = Dictionary(
                grouping: try Row.fetchAll(
                    db,
                    sql:
                        "SELECT \(RunSummary.columns) FROM run WHERE subject_id IN (\(marks))\(runFilter) ORDER BY "
                        + "rowid",
                    arguments: runArguments
                ).map(RunSummary.init), by: \.subjectId)
            var overdueArguments = StatementArguments(ids)
            _ = overdueArguments.append(contentsOf: [Timestamp.format(now)])
            _ = overdueArguments.append(contentsOf: runFilter.isEmpty ? [] : StatementArguments(protocols ?? []))
            let overdue = Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(
                    db,
                    sql: """
                        SELECT r.subject_id, count(*) FROM deadline d JOIN run r ON r.id = d.run_id
                        WHERE r.subject_id IN (\(marks)) AND d.due_at <\
                         ?\(runFilter.replacingOccurrences(of: "+protocol_id", with: "+r.protocol_id"))
                        GROUP BY r.subject_id
                        """, arguments: overdueArguments
                ).map { ($0[0] as String, $0[1] as Int) })
            let runIds = runs.values.flatMap { $0.map(\.id) }
            var lastSteps: [String: String] = [:]
            if !runIds.isEmpty {
                for row in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT e.run_id, e.item || '/' || e.step FROM escalation e
                        WHERE e.run_id IN (\(Array(repeating: "?", count: runIds.count).joined(separator: ",")))
                        AND e.n = (SELECT max(x.n) FROM escalation x WHERE x.run_id = e.run_id)
                        """, arguments: StatementArguments(runIds))
                {
                    lastSteps[row[0]] = row[1]
                }
            }
            return CasePage(
                rows: subjects.map {
                    CaseListRow(
                        subject: $0, runs: runs[$0.id] ?? [], overdue: overdue[$0.id] ?? 0,
                        lastSteps: Dictionary(
                            uniqueKeysWithValues: (runs[$0.id] ?? []).compactMap { run in
                                lastSteps[run.id].map { (run.id, $0) }
                            }))
                }, next: next)
        }
    }

    /// Open items past their deadline, the most overdue first: one page of at most `limit`, of these protocols only
    /// (nil: all), after a cursor.
    public func overdue(at now: Date, protocols: Set<String>?, limit: Int, after: OverdueCursor? = nil)
        throws(StoreError) -> (items: [OverdueEntry], next: OverdueCursor?)
    {
        let limit = min(max(limit, 1), CaseQuery.maximumLimit)
        let protocols = protocols.map { $0.sorted() }
        if protocols?.isEmpty == true { return ([], nil) }
        return try read("list overdue items") { db in
            var arguments: StatementArguments = [Timestamp.format(now)]
            var filter = ""
            if let protocols {
                filter =
                    " AND r.protocol_id IN (" + Array(repeating: "?", count: protocols.count).joined(separator: ",")
                    + ")"
                _ = arguments.append(contentsOf: StatementArguments(protocols))
            }
            if let after {
                filter += " AND (d.due_at, d.run_id, d.item) > (?, ?, ?)"
                _ = arguments.append(contentsOf: [after.dueAt, after.runId, after.item])
            }
            _ = arguments.append(contentsOf: [limit + 1])
            var items = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(OverdueEntry.columns)
                    FROM deadline d JOIN run r ON r.id = d.run_id JOIN subject s ON s.id = r.subject_id
                    WHERE d.due_at < ?\(filter) ORDER BY d.due_at, d.run_id, d.item LIMIT ?
                    """, arguments: arguments
            ).map(OverdueEntry.init)
            var next: OverdueCursor?
            if items.count > limit {
                items.removeLast()
                next = items.last.map {
                    OverdueCursor(dueAt: Timestamp.format($0.dueAt), runId: $0.runId, item: $0.item)
                }
            }
            return (items, next)
        }
    }

    /// The rooms (or laundry lines) that subjects of a kind have been booked in, sorted.
    public func rooms(kind: String) throws(StoreError) -> [String] {
        try read("list rooms") { db in
            // A skip-scan over the (kind, room) index: one seek per distinct room, not a walk of every subject.
            var rooms: [String] = []
            var last = ""
            while let room = try String.fetchOne(
                db.cachedStatement(
                    // Without INDEXED BY, SQLite picks the kind index and sorts every subject of the kind per
                    // seek: 6 s for the home page at 180,000 cases.
                    sql:
                        "SELECT room FROM subject INDEXED BY subject_by_room WHERE room > ? AND kind = ? ORDER BY "
                        + "room LIMIT 1"
                ),
                arguments: [last, kind])
            {
                rooms.append(room)
                last = room
                if rooms.count >= CaseQuery.maximumLimit { break }
            }
            return rooms
        }
    }
}

extension Store {
    /// Every published protocol version, read through the store's cache of decoded definitions.
    public func publishedSpecs() throws(StoreError) -> [PublishedSpec] {
        let keys = try read("list protocols") { db in
            try Row.fetchAll(db, sql: "SELECT protocol_id, version FROM protocol_version ORDER BY protocol_id, version")
                .map { ($0[0] as String, $0[1] as Int) }
        }
        var specs: [PublishedSpec] = []
        for (id, version) in keys { specs.append(try spec(id, version: version)) }
        return specs
    }

    /// The subject facts the latest published protocols of a kind declare, by name (the intake form's fields;
    /// the standard columns — scheduled start, room, ward, procedure — are left out).
    public func declaredSubjectFields(kind: String) throws(StoreError) -> [SubjectFieldSpec] {
        let standard: Set<String> = ["scheduled_start", "room", "ward", "procedure"]
        return try read("read subject fields") { db in
            try Registry.declaredFields(kind: kind, db).values.filter { !standard.contains($0.name) }
                .sorted { $0.name < $1.name }
        }
    }
}

extension Store {
    /// The current answers (as text) of some items in some runs, by run then item: one query for a list page.
    public func answers(runs: [String], items: [String]) throws(StoreError) -> [String: [String: String]] {
        guard !runs.isEmpty, !items.isEmpty else { return [:] }
        return try read("read answers") { db in
            var out: [String: [String: String]] = [:]
            // In slices, under SQLite's limit on bound parameters.
            for slice in stride(from: 0, to: runs.count, by: 400).map({ Array(runs[$0..<min($0 + 400, runs.count)]) }) {
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT run_id, item, value FROM answer
                        WHERE run_id IN (\(Array(repeating: "?", count: slice.count).joined(separator: ",")))
                          AND item IN (\(Array(repeating: "?", count: items.count).joined(separator: ",")))
                          AND value IS NOT NULL
                        """, arguments: StatementArguments(slice + items))
                for row in rows { out[row[0], default: [:]][row[1]] = row[2] }
            }
            return out
        }
    }
}
