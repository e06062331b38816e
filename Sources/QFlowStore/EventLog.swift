import Foundation
import GRDB
import QFlowCrypto
import QFlowEngine

/// An event as stored: its global id, run, per-run sequence number and kind.
public struct StoredEvent: Sendable, Hashable, Codable {
    /// The global, increasing event id.
    public var id: Int64
    /// The run the event belongs to.
    public var runId: String
    /// The event's position in its run, from 1.
    public var seq: Int
    /// The kind of change (`recorded`, `jumped`, …).
    public var kind: String
}

/// Appending to and reading the event log, and the hash chain that makes tampering evident.
package enum EventLog {
    /// The previous hash of the first event.
    static let genesis = String(repeating: "0", count: 64)

    /// The hash of an event: SHA-256 over the previous hash, the id, the run, the sequence number and the payload.
    static func hash(previous: String, id: Int64, runId: String, seq: Int, payload: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(previous.utf8.count + payload.utf8.count + runId.utf8.count + 48)
        bytes += previous.utf8
        bytes.append(0x0A)
        bytes += String(id).utf8
        bytes.append(0x0A)
        bytes += runId.utf8
        bytes.append(0x0A)
        bytes += String(seq).utf8
        bytes.append(0x0A)
        bytes += payload.utf8
        return SHA256.hex(of: bytes)
    }

    /// The last event's id and hash (the chain's head), read inside the write transaction.
    static func head(_ db: Database) throws -> (id: Int64, hash: String) {
        let head = try db.cachedStatement(sql: "SELECT id, hash FROM event ORDER BY id DESC LIMIT 1").first([]) {
            (SQLColumn.integer($0, 0), SQLColumn.text($0, 1) ?? "")
        }
        return head ?? (0, genesis)
    }

    /// Appends events of one run after sequence number `after`; returns them as stored.
    ///
    /// `payloads`, when given, are the events' canonical JSON already computed by the caller.
    static func append(
        _ events: [RunEvent], payloads: [String]? = nil, runId: String, after seq: Int,
        head: inout (id: Int64, hash: String), _ db: Database
    ) throws -> [StoredEvent] {
        var stored: [StoredEvent] = []
        for (offset, event) in events.enumerated() {
            let id = head.id + 1
            let n = seq + offset + 1
            let payload = payloads?[offset] ?? event.canonicalJSON
            let hash = hash(previous: head.hash, id: id, runId: runId, seq: n, payload: payload)
            try insert(
                [
                    .integer(id), .text(runId), .integer(Int64(n)), .text(event.kind),
                    .text(Timestamp.format(event.at)), .text(event.actor.id), .text(event.actor.role),
                    SQLValue(event.actor.workstation), .text(payload), .text(hash),
                ], db)
            head = (id, hash)
            stored.append(StoredEvent(id: id, runId: runId, seq: n, kind: event.kind))
        }
        return stored
    }

    /// Inserts one event row: id, run, seq, kind, at, actor, role, workstation, payload, hash.
    package static func insert(_ values: [SQLValue], _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO event (id, run_id, seq, kind, at, actor, role, workstation, payload, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).run(values)
    }

    /// Decodes a stored payload.
    static func decode(_ payload: String, eventId: Int64) throws -> RunEvent {
        do {
            return try CanonicalJSON.decode(RunEvent.self, from: Array(payload.utf8))
        } catch {
            throw StoreError(.corrupt, "event \(eventId): the payload is not a valid event (\(error))")
        }
    }

    /// All events of a run, in order.
    static func events(ofRun runId: String, _ db: Database) throws -> [RunEvent] {
        var events: [RunEvent] = []
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT id, seq, payload FROM event WHERE run_id = ? ORDER BY seq"),
            arguments: [runId])
        while let row = try rows.next() {
            let id: Int64 = row[0]
            let seq: Int = row[1]
            guard seq == events.count + 1 else {
                throw StoreError(
                    .corrupt, "run \(runId): event \(id) has sequence number \(seq), expected \(events.count + 1)")
            }
            events.append(try decode(row[2], eventId: id))
        }
        return events
    }
}
