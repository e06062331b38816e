import Foundation
import GRDB
import QFlowEngine
import Synchronization

/// Serialises writes and commits many of them in one transaction (group commit).
///
/// Each caller hands in a job and blocks until the transaction that contains it has committed (or failed). The
/// first caller to find no write in progress becomes the leader: it takes every job queued so far, runs each in its
/// own savepoint inside one `BEGIN IMMEDIATE` transaction, commits once, wakes the others, and hands the lead to
/// the oldest caller that queued meanwhile. A job that throws
/// rolls back only its savepoint; a commit that fails fails every job of the batch, and nothing of it is kept.
/// With one caller this is one transaction per write; with fifty, one fsync is shared by many answers.
///
/// Unchecked `Sendable`, deliberately (with ``WriterCache``, the store's only ones): the jobs are caller-owned
/// objects that the leader fills in while their callers sleep on their semaphores, and the cache passes from leader
/// to leader with the lead itself (`writing`, under `lock`), so at most one thread touches a job's result or the
/// cache at a time. A `Mutex` value cannot express that handoff without copying every job; the lock guards `queue`,
/// `writing` and `released`, and nothing else is shared.
final class GroupCommit: @unchecked Sendable {
    /// A queued write, whatever its result type: the batch runs it and records how it ended.
    protocol Job: AnyObject {
        /// What the job does, for its error messages.
        var operation: String { get }
        /// Set when the previous leader hands the writing over to this job's caller.
        var leads: Bool { get set }
        /// Signalled once: with the job's result, or to lead the next batch.
        var wake: DispatchSemaphore { get }
        /// Runs the body in the batch's transaction and keeps its value; rethrows what the body threw.
        func perform(_ db: Database, _ cache: WriterCache) throws
        /// Records a failure: the job's own, or its batch's commit (which overrides a kept value).
        func fail(_ error: StoreError)
    }

    /// A job whose body returns a `T`, kept typed until its caller takes it.
    final class TypedJob<T>: Job {
        let operation: String
        var leads = false
        let wake = DispatchSemaphore(value: 0)
        let body: (Database, WriterCache) throws -> T
        var result: Result<T, StoreError>?

        init(_ operation: String, _ body: @escaping (Database, WriterCache) throws -> T) {
            self.operation = operation
            self.body = body
        }

        func perform(_ db: Database, _ cache: WriterCache) throws { result = .success(try body(db, cache)) }

        func fail(_ error: StoreError) { result = .failure(error) }
    }

    private let pool: DatabasePool
    private let lock = NSLock()
    private var queue: [any Job] = []
    private var writing = false
    /// State kept between transactions by whoever is the leader (only one at a time).
    private let cache = WriterCache()
    /// Transactions committed and jobs they carried, for benchmarks (answers per fsync).
    private(set) var transactions = 0
    private(set) var jobs = 0
    /// Most jobs per transaction: bounds the latency of the last job of a batch.
    private let maximumBatch = 512
    /// How many jobs the last batch released, and when (uptime nanoseconds).
    private var released: (count: Int, at: UInt64) = (0, 0)
    /// How long after a batch the next leader may wait for its callers to come back.
    private let gatherWindow: UInt64 = 200_000

    /// The runs' committed states, for callers to prepare commands against.
    var committedRuns: CommittedRuns { cache.committed }

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Runs `body` in a write transaction, possibly with other callers' jobs, and returns after the commit.
    ///
    /// Each waiting caller sleeps on its own semaphore: it is woken once, either with its result or to lead the
    /// next batch, so fifty waiting threads cost no thundering herd.
    func submit<T>(_ operation: String, _ body: @escaping (Database, WriterCache) throws -> T) throws(StoreError) -> T {
        let job = TypedJob(operation, body)
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
        // The leader set every result of its batch before waking anyone.
        guard let result = job.result else {
            preconditionFailure("group commit woke the caller of '\(operation)' without a result")
        }
        return try result.get()
    }

    /// Writes one batch, wakes its callers, then hands the lead to the oldest waiting caller (or stops leading).
    private func lead() {
        gather()
        lock.lock()
        let batch = Array(queue.prefix(maximumBatch))
        queue.removeFirst(batch.count)
        lock.unlock()
        run(batch)
        lock.lock()
        released = (batch.count, DispatchTime.now().uptimeNanoseconds)
        let next = queue.first
        if let next { next.leads = true } else { writing = false }
        lock.unlock()
        for job in batch where !job.leads { job.wake.signal() }
        next?.wake.signal()
    }

    /// Lets the callers of the previous batch queue their next writes before a new batch is taken.
    ///
    /// Callers released together come back together: a leader that took its batch at once would commit the first
    /// of them almost alone and leave the rest for the next fsync. So after a batch of several jobs the next
    /// leader yields until as many jobs are queued as that batch released, for at most `gatherWindow` after the
    /// release (a fraction of one commit). After a batch of one (a single writer) it never waits.
    private func gather() {
        lock.lock()
        let (expected, since) = released
        lock.unlock()
        guard expected > 1 else { return }
        let deadline = since + gatherWindow
        while true {
            lock.lock()
            let queued = queue.count
            lock.unlock()
            if queued >= expected || DispatchTime.now().uptimeNanoseconds >= deadline { return }
            sched_yield()
        }
    }

    private func run(_ batch: [any Job]) {
        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    for job in batch {
                        // A savepoint per job, through cached statements (GRDB's inSavepoint prepares its SQL on
                        // every call): a refused job rolls back alone.
                        let mark = self.cache.mark
                        try db.cachedStatement(sql: "SAVEPOINT job").run([])
                        do {
                            try job.perform(db, self.cache)
                            try db.cachedStatement(sql: "RELEASE job").run([])
                        } catch {
                            try db.cachedStatement(sql: "ROLLBACK TO job").run([])
                            try db.cachedStatement(sql: "RELEASE job").run([])
                            self.cache.rollBack(to: mark)
                            job.fail(StoreError.wrap(error, job.operation))
                        }
                    }
                    return .commit
                }
            }
            cache.commit()
            transactions += 1
            jobs += batch.count
        } catch {
            cache.clear()
            for job in batch { job.fail(StoreError.wrap(error, job.operation)) }
        }
    }
}

/// What the writer remembers between transactions: decoded definitions and the latest state of recent runs.
///
/// Entries staged by a job are dropped again if its savepoint is rolled back, and every entry is dropped if its
/// batch fails to commit; a dropped run is folded from its events the next time. An entry is used only when its
/// sequence number matches the database's, so writes made by other processes are always seen. Entries of a
/// committed batch are also published to `committed`, where callers prepare their next command.
///
/// Touched only by the current leader of ``GroupCommit`` (see there why that is unchecked); `committed` is the part
/// callers read, and it is a checked `Sendable` behind a `Mutex`.
final class WriterCache: @unchecked Sendable {
    private var specs: [String: PublishedSpec] = [:]
    private var runs: [String: Actions.Entry] = [:]
    /// Runs staged since the batch began, in order (a run appears once per job that wrote it).
    private var staged: [String] = []
    private let capacity = 4_096
    /// The runs' states as of the last commit, for callers to prepare commands against (`Actions.prepare`).
    let committed = CommittedRuns()

    func spec(_ reference: String) -> PublishedSpec? { specs[reference] }
    func remember(_ published: PublishedSpec) { specs[published.spec.reference] = published }

    func run(_ id: String) -> Actions.Entry? { runs[id] }

    func stage(_ id: String, _ entry: Actions.Entry) {
        runs[id] = entry
        staged.append(id)
    }

    /// A position to roll back to: taken before each job's savepoint.
    var mark: Int { staged.count }

    /// Forgets every run staged since `mark` (its savepoint was rolled back).
    func rollBack(to mark: Int) {
        guard mark < staged.count else { return }  // nothing staged since, or `clear()` ran in between
        for id in staged[mark...] { runs[id] = nil }
        staged.removeSubrange(mark...)
    }

    /// The batch committed: its runs' states become the committed ones.
    func commit() {
        committed.update(Set(staged).map { ($0, runs[$0]) }, capacity: capacity)
        staged.removeAll(keepingCapacity: true)
        if runs.count > capacity { runs = [:] }
    }

    /// Forgets runs whose subject changed (their cached facts and rows are stale), here and for the callers.
    func forget(_ ids: [String]) {
        for id in ids { runs[id] = nil }
        committed.invalidate(ids)
    }

    /// Forgets every run (the batch failed to commit, or the projections are rebuilt).
    func clear() {
        runs = [:]
        staged = []
        committed.removeAll()
    }
}

/// The committed state of recently written runs, shared by the writer (which updates it after each commit) and
/// the callers (which prepare commands against it outside the writer).
final class CommittedRuns: Sendable {
    private struct State {
        var runs: [String: Actions.Entry] = [:]
        var generation = 0
    }

    private let state = Mutex(State())

    /// The run's state after the last commit that wrote it, if remembered.
    subscript(id: String) -> Actions.Entry? {
        state.withLock { $0.runs[id] }
    }

    func update(_ entries: [(String, Actions.Entry?)], capacity: Int) {
        state.withLock { state in
            if state.runs.count + entries.count > capacity { state.runs = [:] }
            for (id, entry) in entries { state.runs[id] = entry }
        }
    }

    /// Bumped whenever entries are invalidated (a subject changed): a command prepared before is worked out again.
    var generation: Int { state.withLock { $0.generation } }

    func invalidate(_ ids: [String]) {
        state.withLock { state in
            for id in ids { state.runs[id] = nil }
            state.generation += 1
        }
    }

    func removeAll() {
        state.withLock { $0.runs = [:] }
    }
}
