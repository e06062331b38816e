import Foundation
import GRDB
import QFlowEngine

/// A run completed with a documented deviation: which failed critical items were signed off, by whom, and why.
public struct DeviationEntry: Sendable, Hashable, Codable {
    /// The run.
    public var runId: String
    /// Its protocol.
    public var protocolId: String
    /// The protocol version the run followed.
    public var version: Int
    /// The subject.
    public var subjectId: String
    /// The failed critical items signed off.
    public var items: [String]
    /// Why the run was completed despite them.
    public var reason: String
    /// Who signed it off (a staff id).
    public var signedBy: String
    /// In which role.
    public var role: String
    /// When (ISO-8601, UTC).
    public var at: String
}

extension Store {
    /// Runs completed with a documented deviation in a cohort (optionally of one protocol), oldest first.
    ///
    /// Such a run is completed but keeps its failed critical items: `critical-free` and item compliance count it as
    /// non-compliant. The search reads only completed runs with a critical failure, then their `deviated` event.
    public func deviations(in cohort: Cohort = .everyone, protocolId: String? = nil, limit: Int = 1_000)
        throws(StoreError) -> [DeviationEntry]
    {
        let (condition, cohortArguments) = try cohort.condition(in: localTimeZone())
        let sql = """
            SELECT r.id, r.protocol_id, r.version, r.subject_id, e.payload
            FROM run r JOIN subject s ON s.id = r.subject_id
            JOIN event e ON e.run_id = r.id AND e.kind = 'deviated'
            WHERE r.status = 'completed' AND r.critical_failures > 0 AND (? IS NULL OR r.protocol_id = ?)
                AND \(condition)
            ORDER BY e.at, r.id LIMIT ?
            """
        let arguments: [DatabaseValueConvertible?] = [protocolId, protocolId] + cohortArguments + [limit]
        return try read("list deviations") { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).compactMap { row in
                let payload: String = row[4]
                guard let event = try? CanonicalJSON.decode(RunEvent.self, from: Array(payload.utf8)),
                    case .deviated(let items) = event.change
                else { return nil }
                return DeviationEntry(
                    runId: row[0], protocolId: row[1], version: row[2], subjectId: row[3], items: items,
                    reason: event.reason ?? "", signedBy: event.actor.id, role: event.actor.role,
                    at: Timestamp.format(event.at))
            }
        }
    }
}
