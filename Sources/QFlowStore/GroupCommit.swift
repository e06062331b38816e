import Foundation
import GRDB
import QFlowEngine

/// Serialises writes and commits many of them in one transaction (group commit).
///
/// Each caller hands in a job and blocks until the transaction that contains it has committed (or failed). The
/// first caller to find no write in progress becomes the leader: it takes every job queued so far, runs each in its
/// own savepoint inside one `BEGIN IMMEDIATE` transaction, commits once, wakes the others, and hands the lead to
/// the oldest caller that queued meanwhile. A job that throws
/// rolls back only its savepoint; a commit that fails fails every job of the batch, and nothing of it is kept.
/// With one caller this is one transaction per write; with fifty, one fsync is shared by many answers.
final class GroupCommit: @unchecked Sendable {
    final class Job {
        let body: (Database, WriterCache) throws -> Any
        /// What the job does, for its error messages.
        let operation: String
        var result: Result<Any, StoreError>?
        /// Set when the previous leader hands the writing over to this job's caller.
        var leads = false
        let wake = DispatchSemaphore(value: 0)
        init(_ operation: String, _ body: @escaping (Database, WriterCache) throws -> Any) {
            self.operation = operation
            self.body = body
        }
    }

    private let pool: DatabasePool
    private let lock = NSLock()
    private var queue: [Job] = []
    private var writing = false
    /// State kept between transactions by whoever is the leader (only one at a time).
    private let cache = WriterCache()
    /// Transactions committed and jobs they carried, for benchmarks (answers per fsync).
    private(set) var transactions = 0
    private(set) var jobs = 0
    /// Most jobs per transaction: bounds the latency of the last job of a batch.
    private let maximumBatch = 512

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Runs `body` in a write transaction, possibly with other callers' jobs, and returns after the commit.
    ///
    /// Each waiting caller sleeps on its own semaphore: it is woken once, either with its result or to lead the
    /// next batch, so fifty waiting threads cost no thundering herd.
    func submit<T>(_ operation: String, _ body: @escaping (Database, WriterCache) throws -> T) throws(StoreError) -> T {
        let job = Job(operation) { db, cache in try body(db, cache) }
        lock.lock()
        queue.append(job)
        if writing {
            lock.unlock()
            job.wake.wait()
        } else {
            writing = true
            job.leads = true
            lock.unlock()
        }
        if job.leads { lead() }
        switch job.result! {
        case .success(let value): return value as! T
        case .failure(let error): throw error
        }
    }

    /// Writes one batch, wakes its callers, then hands the lead to the oldest waiting caller (or stops leading).
    private func lead() {
        lock.lock()
        let batch = Array(queue.prefix(maximumBatch))
        queue.removeFirst(batch.count)
        lock.unlock()
        run(batch)
        lock.lock()
        let next = queue.first
        if let next { next.leads = true } else { writing = false }
        lock.unlock()
        for job in batch where !job.leads { job.wake.signal() }
        next?.wake.signal()
    }

    private func run(_ batch: [Job]) {
        var results: [Result<Any, StoreError>] = []
        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    results = []
                    for job in batch {
                        // A savepoint per job, through cached statements (GRDB's inSavepoint prepares its SQL on
                        // every call): a refused job rolls back alone.
                        try db.cachedStatement(sql: "SAVEPOINT job").run([])
                        do {
                            let value = try job.body(db, self.cache)
                            try db.cachedStatement(sql: "RELEASE job").run([])
                            results.append(.success(value))
                            self.cache.jobSucceeded()
                        } catch {
                            try db.cachedStatement(sql: "ROLLBACK TO job").run([])
                            try db.cachedStatement(sql: "RELEASE job").run([])
                            self.cache.forgetPending()
                            results.append(.failure(StoreError.wrap(error, job.operation)))
                        }
                    }
                    return .commit
                }
            }
            cache.commitPending()
            transactions += 1
            jobs += batch.count
            for (job, result) in zip(batch, results) { job.result = result }
        } catch {
            cache.clear()
            for job in batch { job.result = .failure(StoreError.wrap(error, job.operation)) }
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
        var subject: Subject
        var facts: SubjectFacts
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
