import Foundation
import GRDB
import Testing

@testable import QFlowStore

/// The writer syncs every commit: GRDB sets `synchronous = NORMAL` when it puts a pool in WAL mode, after the
/// store's own configuration, and in WAL mode NORMAL syncs only at checkpoints.
@Suite struct StoreDurabilityTests {
    private func writerSynchronous(_ store: Store) throws -> Int? {
        try store.pool.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
    }

    @Test func theWriterOfANewDatabaseSyncsEveryCommit() throws {
        let db = try TemporaryDatabase()
        #expect(try writerSynchronous(db.store) == 2, "PRAGMA synchronous must be FULL (2) on the writer")
    }

    @Test func theWriterOfAReopenedDatabaseSyncsEveryCommitAfterWork() throws {
        let db = try TemporaryDatabase()
        let run = try db.store.startCounts()
        try db.store.record(run, "base", "12", at: minutes(2))
        let reopened = try Store.open(path: db.path)
        try reopened.record(run, "final", "12", at: minutes(80))
        #expect(try writerSynchronous(reopened) == 2)
        #expect(try writerSynchronous(db.store) == 2)
    }
}
