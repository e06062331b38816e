import Foundation

/// Group commit on a simulated slow disk: the store benchmark again, in a child process with
/// `Benchmarks/slow-fsync/slow_fsync.c` preloaded, so that every fsync/fdatasync (qflow's and the raw SQLite peer's
/// alike) costs 2 ms more — the commit of a virtual machine on network storage. Targets: 50 writers ≥ 20× the raw
/// commit rate, p99 under 3 commit times.
enum SlowDiskBench {
    /// The delay added to each fsync, in microseconds.
    static let delayMicroseconds = 2000

    /// The shim, built by `make bench` next to this executable.
    static var shimPath: String {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().appendingPathComponent("slow-fsync.so").path
    }

    /// Runs the child with the shim preloaded and passes its report through.
    static func run(answers: Int, writers: Int, rounds: Int) {
        print(
            "== store on a slow disk: every fsync +\(delayMicroseconds / 1000) ms (preloaded shim), "
                + "\(rounds) interleaved rounds, medians"
        )
        guard FileManager.default.fileExists(atPath: shimPath) else {
            print("  skipped: \(shimPath) is missing (make bench builds it from Benchmarks/slow-fsync/slow_fsync.c)")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = [
            "--slow-disk-child", "--answers", String(answers), "--writers", String(writers), "--rounds", String(rounds),
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["LD_PRELOAD"] = shimPath
        environment["QFLOW_FSYNC_DELAY_US"] = String(delayMicroseconds)
        process.environment = environment
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            print("  the slow-disk child did not start: \(error)")
        }
        if process.terminationStatus != 0 {
            print("  the slow-disk child failed (status \(process.terminationStatus))")
        }
    }

    /// The number of delayed fsyncs so far, read from the shim; nil when the shim is not loaded.
    static func fsyncCalls() -> Int? {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "qflow_slow_fsync_calls") else {
            return nil
        }
        typealias Counter = @convention(c) () -> Int
        return unsafeBitCast(symbol, to: Counter.self)()
    }

    /// In the child: raw SQLite commits, qflow with one writer and with `writers`, all on the slowed disk.
    static func child(answers: Int, writers: Int, rounds: Int) throws {
        guard fsyncCalls() != nil else {
            print("  the shim is not loaded in the child (LD_PRELOAD refused?): no figures")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-slow-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let rawProgram = Peers.benchDirectory + "/sqlite/sqlite_c"
        let rawCommits = max(200, answers / 4)
        let oneAnswers = max(100, answers / 6)
        var raw: [Double] = []
        var one: [StoreBench.Figures] = []
        var many: [StoreBench.Figures] = []
        var perFsync: [Double] = []
        for round in 0..<rounds {
            if FileManager.default.isExecutableFile(atPath: rawProgram),
                let output = Peers.shell(
                    [
                        rawProgram, "wal_full", directory.appendingPathComponent("raw-\(round).db").path,
                        String(rawCommits),
                    ]),
                let json = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
                let rate = json["commits_per_s"] as? Double
            {
                raw.append(rate)
            }
            one.append(try StoreBench.measure(directory, name: "one-\(round)", writers: 1, answersEach: oneAnswers))
            let figures = try StoreBench.measure(
                directory, name: "many-\(round)", writers: writers, answersEach: max(1, answers * 4 / writers),
                fsyncCounter: { fsyncCalls() ?? 0 })
            many.append(figures)
            perFsync.append(figures.answers / Double(max(1, figures.fsyncs)))
            print(
                String(
                    format: "  round %d: raw %6.0f commits/s   qflow 1 writer %6.0f/s   qflow %d writers %7.0f/s",
                    round, raw.last ?? .nan, one.last!.answersPerSecond, writers, many.last!.answersPerSecond))
        }
        guard !raw.isEmpty else {
            print("  raw SQLite peer skipped: \(rawProgram) is missing (../shared/bench/run-peers.sh setup)")
            return
        }
        let rawRate = StoreBench.median(raw)
        let commitMs = 1e3 / rawRate
        let oneRate = StoreBench.median(one.map(\.answersPerSecond))
        let manyRate = StoreBench.median(many.map(\.answersPerSecond))
        let p99 = StoreBench.median(many.map(\.p99))
        print(
            String(
                format: "  raw SQLite (C, 1 row per commit)  %7.0f commits/s   one commit %.2f ms", rawRate, commitMs))
        print(
            String(
                format:
                    "  qflow, 1 writer                   %7.0f answers/s  p50 %6.2f ms  p99 %6.2f ms   "
                    + "%.2f× raw (target ≥ 0.9×)",
                oneRate, StoreBench.median(one.map(\.p50)), StoreBench.median(one.map(\.p99)), oneRate / rawRate))
        print(
            String(
                format:
                    "  qflow, %d writers                 %7.0f answers/s  p50 %6.2f ms  p99 %6.2f ms   "
                    + "%.1f× raw (target ≥ 20×)",
                writers, manyRate, StoreBench.median(many.map(\.p50)), p99, manyRate / rawRate))
        print(
            String(
                format:
                    "  p99 = %.1f commit times (target < 3); "
                    + "%.1f answers per fsync (the shim's count, WAL and checkpoints included)",
                p99 / commitMs, StoreBench.median(perFsync)))
    }
}
