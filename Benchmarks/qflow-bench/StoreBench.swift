import Foundation
import QFlowEngine
import QFlowStore

/// Durable answers per second: raw SQLite commits (WAL, synchronous=FULL, C program) against qflow with one
/// writer and with 50 concurrent writers, rounds interleaved so that the disk's changing fsync time hits all alike.
enum StoreBench {
    /// A 30-item check protocol: each answer is one `record` through the engine and the store.
    static let spec: ProtocolSpec = {
        let items = (1...30).map { n in
            ItemSpec(id: "chk.\(n)", title: LocalizedText(zh: "检查 \(n)", en: "Check \(n)"), type: .check)
        }
        return ProtocolSpec(
            id: "bench_checklist", version: 1, title: LocalizedText(zh: "基准清单", en: "Bench checklist"), kind: .core,
            subject: "surgical-case", roles: [RoleSpec(id: "nurse", title: LocalizedText(zh: "护士", en: "Nurse"))],
            phases: [PhaseSpec(id: "all", title: LocalizedText(zh: "全部", en: "All"), items: items)])
    }()

    struct Figures {
        var answersPerSecond: Double
        var answersPerCommit: Double
        var p50: Double
        var p99: Double
        /// The answers recorded.
        var answers: Double = 0
        /// fsync calls during the measurement, when a counter was given (the slow-disk shim's).
        var fsyncs: Int = 0
    }

    /// The median of a sample (the upper one for an even count); NaN for none.
    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.isEmpty ? .nan : s[s.count / 2]
    }

    static func run(answers: Int, writers: Int, rounds: Int) throws {
        print("== store: durable answers (WAL, synchronous=FULL) — \(rounds) interleaved rounds, medians")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-store-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let rawProgram = Peers.benchDirectory + "/sqlite/sqlite_c"
        _ = runPeer(["true"])  // sets the peers up once if needed
        var raw: [Double] = []
        var one: [Figures] = []
        var many: [Figures] = []
        var floors: [Double] = []
        var logFloors: [Double] = []
        for round in 0..<rounds {
            if FileManager.default.isExecutableFile(atPath: rawProgram),
                let output = Peers.shell([
                    rawProgram, "wal_full", directory.appendingPathComponent("raw.db").path, String(answers),
                ]),
                let json = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
                let rate = json["commits_per_s"] as? Double
            {
                raw.append(rate)
            }
            one.append(try measure(directory, name: "one-\(round)", writers: 1, answersEach: answers))
            many.append(
                try measure(
                    directory, name: "many-\(round)", writers: writers, answersEach: max(1, answers * 4 / writers)))
            floors.append(
                try floor(
                    directory, name: "floor-\(round)", writers: writers, answersEach: max(1, answers * 4 / writers),
                    projections: true))
            logFloors.append(
                try floor(
                    directory, name: "log-\(round)", writers: writers, answersEach: max(1, answers * 4 / writers),
                    projections: false))
            print(
                String(
                    format:
                        "  round %d: raw %7.0f commits/s   qflow 1 writer %7.0f/s   "
                        + "qflow %d writers %8.0f/s   SQLite floor %8.0f/s",
                    round, raw.last ?? .nan, one.last!.answersPerSecond, writers, many.last!.answersPerSecond,
                    floors.last!))
        }
        let rawRate = median(raw)
        let oneRate = median(one.map(\.answersPerSecond))
        let manyRate = median(many.map(\.answersPerSecond))
        if raw.isEmpty {
            print("  raw SQLite peer skipped: \(rawProgram) is missing (../shared/bench/run-peers.sh setup)")
        }
        print(
            String(
                format: "  raw SQLite (C, 1 row per commit)  %8.0f commits/s   (the fsync limit of this disk now)",
                rawRate))
        print(
            String(
                format:
                    "  qflow, 1 writer                   %8.0f answers/s  p50 %6.2f ms  p99 %6.2f ms   "
                    + "%.2f× raw (target ≥ 0.9×)",
                oneRate, median(one.map(\.p50)), median(one.map(\.p99)), oneRate / rawRate))
        print(
            String(
                format:
                    "  qflow, %d writers                 %8.0f answers/s  p50 %6.2f ms  p99 %6.2f ms   "
                    + "%.1f× raw (target ≥ 20×)",
                writers, manyRate, median(many.map(\.p50)), median(many.map(\.p99)), manyRate / rawRate))
        let perCommit = median(many.map(\.answersPerCommit))
        print(String(format: "  group commit: %.1f answers per fsync on average with %d writers", perCommit, writers))
        let floorRate = median(floors)
        print(
            String(
                format:
                    "  SQLite floor (same rows, %d per commit, one thread, no engine) %8.0f answers/s   "
                    + "%.1f× raw; qflow %d writers at %.0f%% of it",
                writers, floorRate, floorRate / rawRate, writers, 100 * manyRate / floorRate))
        let logRate = median(logFloors)
        print(
            String(
                format:
                    "  SQLite, event rows alone (no projections, %d per commit)            %8.0f answers/s   %.1f× raw",
                writers, logRate, logRate / rawRate))
        if manyRate / rawRate < 20 {
            let verdict =
                logRate / rawRate < 20
                ? "even a log without projections is below 20× on this disk now"
                : "only a log without the projections that must be written with each event could reach 20× here"
            print(
                String(
                    format:
                        "  note: a raw commit takes %.2f ms on this disk now, so 20× raw is %.0f answers/s. %d writers "
                        + "that each\n"
                        + "        wait for their commit put at most %d answers in one; at %d per commit "
                        + "SQLite alone needs %.1f µs per\n"
                        + "        answer for the rows qflow writes and %.1f µs for the event rows alone:\n        ",
                    1e3 / rawRate, 20 * rawRate, writers, writers, writers, 1e6 / floorRate, 1e6 / logRate)
                    + verdict
                    + String(
                        format:
                            ".\n        With a commit of ≥ %.1f ms (this disk on a slow minute) "
                            + "qflow's rate would be 20× raw",
                        20 * 1e3 / manyRate))
        }
    }

    /// A fresh database with `writers × runsEach` started runs of the bench checklist.
    static func setUp(_ directory: URL, name: String, writers: Int, runsEach: Int) throws -> (Store, [[String]]) {
        let path = directory.appendingPathComponent("\(name).sqlite").path
        let store = try Store.open(path: path, create: true)
        let now = Date()
        try store.publish(spec, at: now)
        var runIds: [[String]] = []
        for w in 0..<writers {
            var ids: [String] = []
            for r in 0..<runsEach {
                let subject = "C-\(w)-\(r)"
                try store.addSubject(Subject(id: subject, kind: "surgical-case"), at: now)
                let nurse = Actor(id: "n-\(w)", role: "nurse")
                ids.append(
                    try store.perform(
                        ActionRequest(.start(protocolId: spec.id, subjectId: subject), by: nurse, at: now)
                    ).runId)
            }
            runIds.append(ids)
        }
        return (store, runIds)
    }

    /// SQLite alone writing the same rows per answer as qflow, on the same runs in the same order, one answer of
    /// each writer per commit: the most that many writers can put in one commit when each waits for its own before
    /// writing again. With `projections` false, the event rows alone.
    static func floor(_ directory: URL, name: String, writers: Int, answersEach: Int, projections: Bool) throws
        -> Double
    {
        let (store, runIds) = try setUp(directory, name: name, writers: writers, runsEach: (answersEach + 29) / 30)
        return try store.measureWriteFloor(runIds: runIds, answersEach: answersEach, projections: projections)
    }

    /// `writers` threads, each on its own runs, each recording `answersEach` answers; every call waits for its commit.
    static func measure(
        _ directory: URL, name: String, writers: Int, answersEach: Int, fsyncCounter: (() -> Int)? = nil
    ) throws -> Figures {
        let runsEach = (answersEach + 29) / 30
        let (store, runIds) = try setUp(directory, name: name, writers: writers, runsEach: runsEach)
        let now = Date()
        let latencies = LatencyLog(capacity: writers * answersEach)
        let failures = ErrorLog()
        let before = store.commitStatistics
        let fsyncsBefore = fsyncCounter?() ?? 0
        let start = DispatchTime.now().uptimeNanoseconds
        let group = DispatchGroup()
        for w in 0..<writers {
            group.enter()
            let ids = runIds[w]
            Thread {
                defer { group.leave() }
                let nurse = Actor(id: "n-\(w)", role: "nurse", workstation: "bench")
                for i in 0..<answersEach {
                    let request = ActionRequest(
                        .command(runId: ids[i / 30], .record(item: "chk.\(i % 30 + 1)", value: .check(true))),
                        by: nurse, at: now)
                    let t = DispatchTime.now().uptimeNanoseconds
                    do {
                        try store.perform(request)
                    } catch {
                        failures.add("\(error)")
                        return
                    }
                    latencies.add(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6)
                }
            }.start()
        }
        group.wait()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let after = store.commitStatistics
        let fsyncs = (fsyncCounter?() ?? 0) - fsyncsBefore
        if let error = failures.first { throw CLIBenchError(message: "store bench: \(error)") }
        let sorted = latencies.values.sorted()
        let report = try store.verify()
        guard report.isIntact, report.events == writers * runsEach + writers * answersEach else {
            throw CLIBenchError(message: "store bench: the log does not verify after the run: \(report.problems)")
        }
        return Figures(
            answersPerSecond: Double(sorted.count) / seconds,
            answersPerCommit: Double(after.writes - before.writes)
                / Double(max(1, after.transactions - before.transactions)),
            p50: sorted[sorted.count / 2],
            p99: sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))],
            answers: Double(sorted.count), fsyncs: fsyncs)
    }
}

struct CLIBenchError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

final class LatencyLog: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Double] = []
    init(capacity: Int) { storage.reserveCapacity(capacity) }
    func add(_ value: Double) {
        lock.lock()
        storage.append(value)
        lock.unlock()
    }
    var values: [Double] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}

final class ErrorLog: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    func add(_ value: String) {
        lock.lock()
        storage.append(value)
        lock.unlock()
    }
    var first: String? {
        lock.lock()
        defer { lock.unlock() }
        return storage.first
    }
}
