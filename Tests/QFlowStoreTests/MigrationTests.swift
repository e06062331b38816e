import Foundation
import GRDB
import QFlowEngine
import Testing

@testable import QFlowStore

/// A database written by the first schema (`Fixtures/v1-database.sql`, frozen) opened by the current code.
@Suite("Schema migrations")
struct MigrationTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/v1-database.sql")

    static func schema(_ db: Database) throws -> [String] {
        try String.fetchAll(
            db,
            sql: """
                SELECT type || ' ' || name || ': ' || sql FROM sqlite_master
                WHERE name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations' ORDER BY type, name
                """)
    }

    func loadFixture(into path: String) throws {
        let sql = try String(contentsOf: Self.fixture, encoding: .utf8)
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: sql) }
        try queue.close()
    }

    @Test func migrationV1IsFrozen() throws {
        let temp = try TemporaryDatabase(publishing: [])
        let fixturePath = temp.directory.appendingPathComponent("v1.sqlite").path
        try loadFixture(into: fixturePath)
        let fresh = try DatabaseQueue()
        try Schema.migrator.migrate(fresh, upTo: "v1")
        let expected = try fresh.read(Self.schema)
        let recorded = try DatabaseQueue(path: fixturePath).read(Self.schema)
        #expect(recorded == expected, "migration v1 changed after it was committed: add a new migration instead")
    }

    @Test func aV1DatabaseIsMigratedAndKeepsItsRecords() throws {
        let temp = try TemporaryDatabase(publishing: [])
        let path = temp.directory.appendingPathComponent("v1.sqlite").path
        try loadFixture(into: path)
        let store = try Store.open(path: path)
        let applied = try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        }
        #expect(
            applied == [
                "v1", "v10-site-intake", "v11-queues-escalations", "v12-archive-numbers", "v2-reporting-indexes",
                "v3-cohorts", "v4-run-outcome-counts", "v5-item-indexes", "v6-run-skips-returns-deadlines",
                "v7-one-item-index", "v8-users-sessions", "v9-accounts",
            ])
        let indexes = try DatabaseQueue(path: path).read { db in
            try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'answer_by_item'")
        }
        #expect(indexes == ["answer_by_item"])
        let report = try store.verify()
        #expect(report.isIntact, "\(report.problems)")
        #expect(report.events == 10)
        #expect(try store.run("R000002").summary.triggeredByRun == "R000001")
        let before = try store.projectionDump()
        try store.rebuild()
        #expect(try store.projectionDump() == before)
        // The chain goes on from the migrated log.
        let nurse = Actor(id: "n-1", role: "circulating_nurse")
        try store.perform(
            ActionRequest(
                .command(runId: "R000003", .record(item: "cnt.baseline", value: .count(30))), by: nurse,
                at: Timestamp.parse("2026-03-02T09:10:00+08:00")!))
        #expect(try store.verify().isIntact)
    }
}
