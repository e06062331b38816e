import Foundation
import GRDB
import QFlowEngine

/// Serialises writes and commits many of them in one transaction (group commit).
///
/// Each caller hands in a job and blocks until the transaction that contains it has committed (or failed). The
/// first caller to find no write in progress becomes the leader: it takes every job queued so far, runs each in its
/// own savepoint inside one `BEGIN IMMEDIATE` transaction, commits once, and wakes the others. A job that throws
/// rolls back only its savepoint; a commit that fails fails every job of the batch, and nothing of it is kept.
/// With one caller this is one transaction per write; with fifty, one fsync is shared by many answers.
final class GroupCommit: @unchecked Sendable {
    final class Job {
        let body: (Database, WriterCache) throws -> Any
        var result: Result<Any, StoreError>?
        init(_ body: @escaping (Database, WriterCache) throws -> Any) { self.body = body }
    }

    private let pool: DatabasePool
    private let condition = NSCondition()
    private var queue: [Job] = []
    private var writing = false
    /// State kept between transactions by whoever is the leader (only one at a time).
    private let cache = WriterCache()
    /// Most jobs per transaction: bounds the latency of the last job of a batch.
    private let maximumBatch = 256

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Runs `body` in a write transaction, possibly with other callers' jobs, and returns after the commit.
    func submit<T>(_ operation: String, _ body: @escaping (Database, WriterCache) throws -> T) throws(StoreError) -> T {
        let job = Job { db, cache in try body(db, cache) }
        condition.lock()
        queue.append(job)
        while job.result == nil {
            if !writing {
                writing = true
                let batch = Array(queue.prefix(maximumBatch))
                queue.removeFirst(batch.count)
                condition.unlock()
                run(batch, operation)
                condition.lock()
                writing = false
                condition.broadcast()
            } else {
                condition.wait()
            }
        }
        condition.unlock()
        switch job.result! {
        case .success(let value): return value as! T
        case .failure(let error): throw error
        }
    }

    private func run(_ batch: [Job], _ operation: String) {
        var results: [Result<Any, StoreError>] = []
        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    results = []
                    for job in batch {
                        do {
                            var value: Any = ()
                            try db.inSavepoint {
                                value = try job.body(db, self.cache)
                                return .commit
                            }
                            results.append(.success(value))
                            self.cache.jobSucceeded()
                        } catch {
                            self.cache.forgetPending()
                            results.append(.failure(StoreError.wrap(error, operation)))
                        }
                    }
                    return .commit
                }
            }
            cache.commitPending()
            for (job, result) in zip(batch, results) { job.result = result }
        } catch {
            cache.clear()
            let failure = StoreError.wrap(error, operation)
            for job in batch { job.result = .failure(failure) }
        }
    }
}

/// What the writer remembers between transactions: decoded definitions and the latest state of recent runs.
///
/// Entries written by a job become visible only when its transaction commits; a rolled-back job or batch leaves
/// nothing behind. An entry is used only when its sequence number matches the database's, so writes made by other
/// processes are always seen.
final class WriterCache: @unchecked Sendable {
    struct RunEntry {
        var spec: ProtocolSpec
        var state: RunState
        var rows: RunRows
    }

    private var specs: [String: PublishedSpec] = [:]
    private var runs: [String: RunEntry] = [:]
    private var pending: [String: RunEntry] = [:]
    private var committedInBatch: [String: RunEntry] = [:]
    private let capacity = 4_096

    func spec(_ reference: String) -> PublishedSpec? { specs[reference] }
    func remember(_ published: PublishedSpec) { specs[published.spec.reference] = published }

    func run(_ id: String) -> RunEntry? { pending[id] ?? committedInBatch[id] ?? runs[id] }
    func stage(_ id: String, _ entry: RunEntry) { pending[id] = entry }

    /// A job's savepoint was released: its entries hold for the rest of the batch.
    func jobSucceeded() {
        committedInBatch.merge(pending) { $1 }
        pending = [:]
    }

    func forgetPending() { pending = [:] }

    func commitPending() {
        jobSucceeded()
        if runs.count + committedInBatch.count > capacity { runs = [:] }
        runs.merge(committedInBatch) { $1 }
        committedInBatch = [:]
    }

    func clear() {
        runs = [:]
        pending = [:]
        committedInBatch = [:]
    }
}
