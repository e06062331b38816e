import Foundation
import GRDB
import QFlowEngine

/// What is measured on each unit (one run) of a cohort.
public enum Measure: Hashable, Sendable, CustomStringConvertible {
    /// Whether an item passed (1) or failed (0); n.a. and unanswered are left out. `item:sat.overall`.
    case item(String)
    /// Whether a run of the protocol was completed. `completion:or_circulating_nurse`.
    case completion(String)
    /// Whether a run of the protocol had no failed critical item. `critical-free:surgical_counts`.
    case criticalFree(String)
    /// A run's share of passed items among passed and failed. `compliance:or_scrub_nurse`.
    case compliance(String)
    /// Minutes from a run's start to its completion. `duration:linen_isolation`.
    case duration(String)
    /// The value of a number or count item. `number:ln.wash.temp_c`.
    case number(String)
    /// Items skipped (jumped over) in a run of the protocol. `skipped:or_circulating_nurse`.
    case skipped(String)
    /// Items reopened by a return in a run of the protocol. `returned:surgical_counts`.
    case returned(String)
    /// Whether every deadline item of a run was answered on time (runs with an answered deadline item).
    case onTime(String)

    /// Parses `KIND:NAME`.
    public init(parsing text: String) throws(StoreError) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty else {
            throw StoreError(
                .invalidInput,
                "measure '\(text.prefix(60))': write KIND:NAME, e.g. item:sat.overall, completion:PROTOCOL, "
                    + "critical-free:PROTOCOL, compliance:PROTOCOL, duration:PROTOCOL, number:ITEM, skipped:PROTOCOL, "
                    + "returned:PROTOCOL, on-time:PROTOCOL"
            )
        }
        switch parts[0] {
        case "item": self = .item(parts[1])
        case "completion": self = .completion(parts[1])
        case "critical-free": self = .criticalFree(parts[1])
        case "compliance": self = .compliance(parts[1])
        case "duration": self = .duration(parts[1])
        case "number": self = .number(parts[1])
        case "skipped": self = .skipped(parts[1])
        case "returned": self = .returned(parts[1])
        case "on-time": self = .onTime(parts[1])
        default:
            throw StoreError(
                .invalidInput,
                "measure kind '\(parts[0].prefix(30))' is not one of item, completion, critical-free, compliance, "
                    + "duration, number, skipped, returned, on-time"
            )
        }
    }

    /// `KIND:NAME`.
    public var description: String {
        switch self {
        case .item(let id): "item:\(id)"
        case .completion(let id): "completion:\(id)"
        case .criticalFree(let id): "critical-free:\(id)"
        case .compliance(let id): "compliance:\(id)"
        case .duration(let id): "duration:\(id)"
        case .number(let id): "number:\(id)"
        case .skipped(let id): "skipped:\(id)"
        case .returned(let id): "returned:\(id)"
        case .onTime(let id): "on-time:\(id)"
        }
    }

    /// The protocol or item the measure is about.
    public var name: String {
        switch self {
        case .item(let id), .completion(let id), .criticalFree(let id), .compliance(let id), .duration(let id),
            .number(let id), .skipped(let id), .returned(let id), .onTime(let id):
            id
        }
    }

    /// The value of one unit (a run `r`, maybe an answer `a`) and the join or filter that selects the units; the
    /// one `?` in it is `name`.
    var sql: (value: String, from: String) {
        let run = "AND r.protocol_id = ?"
        return switch self {
        case .item:
            (
                "CASE a.outcome WHEN 'pass' THEN 1.0 ELSE 0.0 END",
                "JOIN answer a ON a.run_id = r.id AND a.item = ? AND a.outcome IN ('pass', 'fail')"
            )
        case .number: ("a.number", "JOIN answer a ON a.run_id = r.id AND a.item = ? AND a.number IS NOT NULL")
        case .completion: ("CASE r.status WHEN 'completed' THEN 1.0 ELSE 0.0 END", run)
        case .criticalFree: ("CASE WHEN r.critical_failures = 0 THEN 1.0 ELSE 0.0 END", run)
        case .compliance: ("r.passed * 1.0 / (r.passed + r.failed)", run + " AND r.passed + r.failed > 0")
        case .skipped: ("r.skipped * 1.0", run)
        case .returned: ("r.returned * 1.0", run)
        case .onTime: ("CASE WHEN r.late = 0 THEN 1.0 ELSE 0.0 END", run + " AND r.on_time + r.late > 0")
        case .duration:
            ("(julianday(r.ended_at) - julianday(r.started_at)) * 1440.0", run + " AND r.status = 'completed'")
        }
    }

    /// Whether each unit's value is 0 or 1.
    public var isBinary: Bool {
        switch self {
        case .item, .completion, .criticalFree, .onTime: true
        case .compliance, .duration, .number, .skipped, .returned: false
        }
    }
}

/// One unit of a measure: a run, its subject, when, and the value.
public struct MeasureUnit: Sendable, Hashable, Codable {
    /// The subject (the pairing key for before/after designs).
    public var subjectId: String
    /// The run measured.
    public var runId: String
    /// The unit's time: the subject's scheduled start, else the run's start.
    public var time: String
    /// The value (0/1 for binary measures).
    public var value: Double
}

/// Compliance grouped by one or more dimensions.
public enum ComplianceDimension: String, Sendable, CaseIterable, Codable {
    case item, phase, `protocol`, role, room, month
}

/// One group of the compliance table.
public struct ComplianceRow: Sendable, Hashable, Codable {
    /// The group's key per dimension.
    public var group: [String: String]
    /// Answers that passed.
    public var pass: Int
    /// Answers that failed.
    public var fail: Int
    /// Answers marked not applicable (left out of the rate).
    public var notApplicable: Int
    /// pass / (pass + fail), nil when there is neither.
    public var rate: Double? { pass + fail == 0 ? nil : Double(pass) / Double(pass + fail) }
}

extension Store {
    /// The units of a measure in a cohort, ordered by time: one SQL query over the projections.
    public func units(_ measure: Measure, in cohort: Cohort) throws(StoreError) -> [MeasureUnit] {
        let (condition, cohortArguments) = try cohort.condition(in: localTimeZone())
        let (value, from) = measure.sql
        let arguments: [DatabaseValueConvertible?] = [measure.name]
        let sql = """
            SELECT r.subject_id, r.id, COALESCE(s.scheduled_start, r.started_at) AS t, \(value)
            FROM run r JOIN subject s ON s.id = r.subject_id \(from)
            WHERE \(condition)
            ORDER BY t, r.id
            """
        return try read("measure \(measure)") { db in
            // A cursor, not fetchAll: only the small units are held, never every row at once.
            var units: [MeasureUnit] = []
            let rows = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(arguments + cohortArguments))
            while let row = try rows.next() {
                units.append(MeasureUnit(subjectId: row[0], runId: row[1], time: row[2], value: row[3]))
            }
            return units
        }
    }

    /// Item compliance (pass / (pass + fail), n.a. left out) grouped by the given dimensions, from the projections.
    ///
    /// Survey answers are left out unless `protocolId` names a survey.
    public func compliance(
        by dimensions: [ComplianceDimension], in cohort: Cohort = .everyone, protocolId: String? = nil
    ) throws(StoreError) -> [ComplianceRow] {
        let zone = try localTimeZone()
        let (condition, cohortArguments) = try cohort.condition(in: zone)
        // SQLite groups by month with a fixed offset: the zone's offset now (exact for zones without daylight-saving
        // time, such as China's; elsewhere a unit within an hour of midnight on a month's first day may fall into the
        // neighbouring month).
        let offset = zone.secondsFromGMT(for: Date())
        let expressions: [ComplianceDimension: String] = [
            .item: "a.item", .phase: "a.phase", .protocol: "r.protocol_id", .role: "COALESCE(a.role, '')",
            .room: "COALESCE(s.room, '')",
            .month:
                "strftime('%Y-%m', COALESCE(s.scheduled_start, r.started_at), '\(offset >= 0 ? "+" : "")\(offset) "
                + "seconds')",
        ]
        let keys = dimensions.map { expressions[$0]! }
        let select = keys.isEmpty ? "" : keys.joined(separator: ", ") + ", "
        let group =
            keys.isEmpty ? "" : "GROUP BY " + keys.joined(separator: ", ") + " ORDER BY " + keys.joined(separator: ", ")
        var arguments: [DatabaseValueConvertible?] = []
        var protocolFilter = "p.kind != 'survey'"
        if let protocolId {
            protocolFilter = "r.protocol_id = ?"
            arguments.append(protocolId)
        }
        // Run-level dimensions read the per-run counts; answer-level ones walk each selected run's answers, or —
        // for everyone, when item ids tell the protocols apart — the item index in order, with no join and no sort.
        let runLevel = dimensions.allSatisfy { [.protocol, .room, .month].contains($0) }
        let sums =
            runLevel
            ? "sum(r.passed), sum(r.failed), sum(r.not_applicable)"
            : "sum(a.outcome = 'pass'), sum(a.outcome = 'fail'), sum(a.status = 'not_applicable')"
        var sql = """
            SELECT \(select)\(sums)
            FROM run r
            JOIN subject s ON s.id = r.subject_id
            JOIN protocol_version p ON p.protocol_id = r.protocol_id AND p.version = r.version
            \(runLevel ? "" : "CROSS JOIN answer a ON a.run_id = r.id")
            WHERE \(protocolFilter) AND \(condition)
            \(group)
            """
        if !runLevel, cohort.isEveryone, dimensions.allSatisfy({ [.item, .phase, .role].contains($0) }),
            let items = try itemsOnly(protocolId: protocolId)
        {
            arguments = items
            sql = """
                SELECT \(select)\(sums) FROM answer a INDEXED BY answer_by_item
                WHERE a.item IN (\(Array(repeating: "?", count: items.count).joined(separator: ", ")))
                \(group)
                """
            return try read("compliance") { db in
                try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).compactMap {
                    Self.complianceRow($0, dimensions)
                }
            }
        }
        return try read("compliance") { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments + cohortArguments)).compactMap {
                Self.complianceRow($0, dimensions)
            }
        }
    }

    private static func complianceRow(_ row: Row, _ dimensions: [ComplianceDimension]) -> ComplianceRow? {
        var groupKeys: [String: String] = [:]
        for (i, dimension) in dimensions.enumerated() { groupKeys[dimension.rawValue] = row[i] ?? "" }
        let n = dimensions.count
        let pass: Int = row[n] ?? 0
        let fail: Int = row[n + 1] ?? 0
        let na: Int = row[n + 2] ?? 0
        return pass + fail + na == 0 ? nil : ComplianceRow(group: groupKeys, pass: pass, fail: fail, notApplicable: na)
    }

    /// The item ids of the measured protocols (one protocol, or every protocol that is not a survey), when no
    /// left-out protocol uses any of them; nil otherwise (then only a join can tell the answers apart).
    private func itemsOnly(protocolId: String?) throws(StoreError) -> [DatabaseValueConvertible?]? {
        var included = Set<String>()
        var excluded = Set<String>()
        for published in try publishedVersions() {
            let wanted = protocolId.map { $0 == published.spec.id } ?? (published.spec.kind != .survey)
            // A repeating group's answers are its instances' (`x#1` … `x#max`).
            for id in published.spec.answerableItemIds {
                if wanted { included.insert(id) } else { excluded.insert(id) }
            }
        }
        guard included.isDisjoint(with: excluded), !included.isEmpty else { return nil }
        return included.sorted()
    }
}
