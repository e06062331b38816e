import Foundation
import GRDB
import QFlowEngine
import Synchronization

/// The QualityFlow database: one SQLite file holding published protocols, subjects, the append-only event log and
/// the projections derived from it.
///
/// ```swift
/// let store = try Store.open(path: "qflow.sqlite", create: true)
/// try store.publish(spec, sourceFile: "Protocols/surgical_counts.yaml", at: now)
/// try store.addSubject(Subject(id: "C-001", kind: "surgical-case", room: "OR3"), at: now)
/// let started = try store.perform(
///     ActionRequest(.start(protocolId: "surgical_counts", subjectId: "C-001"), by: nurse, at: now))
/// ```
///
/// Every write goes through one group-commit writer: safe to call from many threads, each call returns once its
/// transaction is durable (`synchronous = FULL`). Several processes may share the file (WAL, busy timeout).
public final class Store: Sendable {
    /// The database file.
    public let path: String
    package let pool: DatabasePool
    let writer: GroupCommit
    /// Published versions already decoded for readers (they never change once published).
    let readSpecs = SpecCache()

    private init(path: String, pool: DatabasePool) {
        self.path = path
        self.pool = pool
        self.writer = GroupCommit(pool: pool)
    }

    /// The default database path: `$QFLOW_DB`, else `./qflow.sqlite`.
    public static var defaultPath: String {
        ProcessInfo.processInfo.environment["QFLOW_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "qflow.sqlite"
    }

    /// Opens (and with `create`, creates) a database, bringing its schema up to date.
    public static func open(path: String, create: Bool = false, busyTimeout: TimeInterval = 30) throws(StoreError)
        -> Store
    {
        let exists = FileManager.default.fileExists(atPath: path)
        guard exists || create else {
            throw StoreError(.notFound, "no database at \(path): create one with `qflow init` (or pass --db PATH)")
        }
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.label = "qflow"
        // Temporary storage keeps SQLite's default (files): large sorts, index builds in migrations and the group
        // commit's savepoint sub-journals spill to disk instead of growing the process.
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            // FULL: a commit is on disk before it is acknowledged. It is set on the writer here, once the pool is
            // open and before anything is written: GRDB puts the writer in WAL mode after `prepareDatabase` and
            // sets `synchronous = NORMAL` with it, which syncs only at checkpoints (an acknowledged answer could be
            // lost with the machine's power). `StoreDurabilityTests` reads the pragma back; the slow-disk bench
            // counts the syncs.
            // The writer keeps 16 MB of pages (SQLite's default is 2 MB) and checkpoints every 4,000 WAL pages
            // (default 1,000): an index page that many batches rewrite is copied into the database once per
            // checkpoint, not once per 1,000 pages. In the 50-writer store benchmark this took about 15 % off the
            // time; 8,000 pages gained little more and doubled the p99 latency (the checkpoint runs in a commit).
            // Readers keep the defaults.
            try pool.writeWithoutTransaction {
                try $0.execute(
                    sql: "PRAGMA synchronous = FULL; PRAGMA cache_size = -16384; PRAGMA wal_autocheckpoint = 4000")
            }
            try pool.write { db in
                let appID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                if tables > 0, appID != Schema.applicationID {
                    throw StoreError(.corrupt, "\(path) is an SQLite file but not a QualityFlow database")
                }
                if try Schema.migrator.hasBeenSuperseded(db) {
                    throw StoreError(
                        .corrupt, "\(path) was written by a newer QualityFlow: update qflow before opening it")
                }
            }
            let before = try pool.read { try Schema.migrator.appliedIdentifiers($0) }
            try Schema.migrator.migrate(pool)
            let store = Store(path: path, pool: pool)
            // A migration that adds engine-derived columns to existing runs is followed by one rebuild.
            let applied = Set(Schema.migrator.migrations).subtracting(before)
            if !applied.isDisjoint(with: Schema.rebuildAfter),
                try pool.read({ try Int.fetchOne($0, sql: "SELECT count(*) FROM run") ?? 0 }) > 0
            {
                try store.rebuild()
            }
            return store
        } catch {
            throw StoreError.wrap(error, "open \(path)")
        }
    }

    /// Reads inside one consistent snapshot.
    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw StoreError.wrap(error, operation)
        }
    }

    // MARK: Registries

    /// Publishes a protocol version; republishing identical content is a no-op, changed content is refused.
    @discardableResult
    public func publish(_ spec: ProtocolSpec, sourceFile: String? = nil, at: Date) throws(StoreError)
        -> PublishOutcome
    {
        try writer.submit("publish \(spec.reference)") { db, _ in
            try Registry.publish(spec, sourceFile: sourceFile, at: at, db)
        }
    }

    /// Publishes several versions in one transaction: all of them, or (on any refusal) none.
    public func publish(_ specs: [(spec: ProtocolSpec, sourceFile: String?)], at: Date) throws(StoreError)
        -> [PublishOutcome]
    {
        try writer.submit("publish") { db, _ in
            try specs.map { try Registry.publish($0.spec, sourceFile: $0.sourceFile, at: at, db) }
        }
    }

    /// Adds a subject (a surgical case, a linen batch, an audit, a respondent).
    public func addSubject(_ subject: Subject, at: Date) throws(StoreError) {
        try writer.submit("add subject \(subject.id)") { db, cache in
            try Registry.add(subject, at: at, db, cache: cache)
        }
    }

    /// A subject by id.
    public func subject(_ id: String) throws(StoreError) -> Subject? {
        try read("read subject") { db in try Registry.subject(id, db) }
    }

    /// Subjects, optionally of one kind, ordered by scheduled start then id.
    public func subjects(kind: String? = nil, limit: Int = 1_000) throws(StoreError) -> [Subject] {
        try read("list subjects") { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Registry.subjectColumns) FROM subject WHERE (?1 IS NULL OR kind = ?1)
                    ORDER BY scheduled_start IS NULL, scheduled_start, id LIMIT ?2
                    """, arguments: [kind, limit])
            return try rows.map(Registry.subject)
        }
    }

    /// A published protocol version (the latest when `version` is nil).
    public func spec(_ id: String, version: Int? = nil) throws(StoreError) -> PublishedSpec {
        if let version, let cached = readSpecs["\(id)@\(version)"] { return cached }
        let published = try read("read protocol") { db in try Registry.spec(id, version: version, db) }
        readSpecs[published.spec.reference] = published
        return published
    }

    /// The definition a run follows and its subject, without reading its history (for permission checks).
    public func scope(ofRun runId: String) throws(StoreError) -> (spec: ProtocolSpec, subjectId: String) {
        let row = try read("read run") { db in
            try Row.fetchOne(
                db, sql: "SELECT protocol_id, version, subject_id FROM run WHERE id = ?", arguments: [runId])
        }
        guard let row else { throw StoreError(.notFound, "no run \(runId) (list runs with qflow run list)") }
        return (try spec(row["protocol_id"], version: row["version"]).spec, row["subject_id"])
    }

    /// Every published version, by id then version.
    public func publishedVersions() throws(StoreError) -> [PublishedSpec] {
        try read("list protocols") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM protocol_version ORDER BY protocol_id, version").map(
                Registry.published)
        }
    }

    /// How many runs each published version has, by protocol then version (which document each figure used).
    public func runCountsByVersion() throws(StoreError) -> [String: [Int: Int]] {
        try read("count runs by version") { db in
            var out: [String: [Int: Int]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT protocol_id, version, count(*) FROM run GROUP BY 1, 2") {
                out[row[0], default: [:]][row[1]] = row[2]
            }
            return out
        }
    }

    // MARK: Runs

    /// Write transactions committed by this process so far, and the writes they carried (group commit at work).
    public var commitStatistics: (transactions: Int, writes: Int) { (writer.transactions, writer.jobs) }

    /// Performs one action on runs (start, a verb, restart, migrate) and returns once it is durable.
    ///
    /// A command on a run this store wrote recently is worked out on the calling thread first (engine, projection
    /// rows, payloads); the writer then only checks that the run has not moved and appends it, or works it out
    /// again itself if it has.
    @discardableResult
    public func perform(_ request: ActionRequest) throws(StoreError) -> ActionResult {
        let prepared = Actions.prepare(request, from: writer.committedRuns)
        return try writer.submit(request.action.verb) { db, cache in
            try Actions(db: db, cache: cache).apply(request, prepared: prepared)
        }
    }

    /// Performs several actions in one transaction, in order; each succeeds or is refused on its own.
    ///
    /// For imports and replays: one commit (one fsync) for the lot. A refused action leaves no trace and the next
    /// one is still tried; a failed commit fails them all.
    public func performAll(_ requests: [ActionRequest]) throws(StoreError) -> [Result<ActionResult, StoreError>] {
        try writer.submit("perform \(requests.count) actions") { db, cache in
            var results: [Result<ActionResult, StoreError>] = []
            results.reserveCapacity(requests.count)
            for request in requests {
                let mark = cache.mark
                try db.cachedStatement(sql: "SAVEPOINT action").run([])
                do {
                    results.append(.success(try Actions(db: db, cache: cache).apply(request)))
                    try db.cachedStatement(sql: "RELEASE action").run([])
                } catch {
                    try db.cachedStatement(sql: "ROLLBACK TO action").run([])
                    try db.cachedStatement(sql: "RELEASE action").run([])
                    cache.rollBack(to: mark)
                    results.append(.failure(StoreError.wrap(error, request.action.verb)))
                }
            }
            return results
        }
    }

    /// What a migration would carry over, drop and add, without changing anything.
    public func planMigration(runId: String, toVersion: Int?, itemMap: [String: String]) throws(StoreError)
        -> (from: PublishedSpec, to: PublishedSpec, plan: MigrationPlan)
    {
        try read("plan migration") { db in
            let entry = try Actions(db: db, cache: nil).load(runId)
            let target = try Registry.spec(entry.spec.id, version: toVersion, db)
            let from = try Registry.spec(entry.spec.id, version: entry.spec.version, db)
            let plan = try Engine.planMigration(entry.state, from: from.spec, to: target.spec, itemMap: itemMap)
            return (from, target, plan)
        }
    }
}

/// A lock-protected cache of decoded protocol versions, by `id@version`.
final class SpecCache: Sendable {
    private let specs = Mutex<[String: PublishedSpec]>([:])

    subscript(reference: String) -> PublishedSpec? {
        get { specs.withLock { $0[reference] } }
        set { specs.withLock { $0[reference] = newValue } }
    }
}
