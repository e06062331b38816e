import Foundation
import QFlowAnalysis
import QFlowDemo
import QFlowStore

/// Measures and comparisons on a one-year, 50-room hospital (~180,000 cases, ~7 million answers).
///
/// The database is built once by a child process (`--scale-build`) and kept in the temporary folder, so that this
/// process's peak memory is that of the measurement alone.
enum ScaleBench {
    static func protocolsPath() -> String {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return here.appendingPathComponent("Protocols").path
    }

    /// The cached database of `cases` cases over a year, or at `perDay` cases a day.
    static func path(cases: Int, perDay: Int? = nil) -> String {
        // A year of 180,000 cases is also 493 a day: one file for both.
        let rate = perDay.flatMap { $0 == max(1, cases / 365) ? nil : $0 }
        let name = rate.map { "qflow-scale-\(cases)-\($0)-a-day.sqlite" } ?? "qflow-scale-\(cases).sqlite"
        return FileManager.default.temporaryDirectory.appendingPathComponent(name).path
    }

    /// Builds the database in a child process (`--scale-build`), unless it is cached.
    static func ensure(cases: Int, perDay: Int? = nil) throws -> String {
        let path = path(cases: cases, perDay: perDay)
        if FileManager.default.fileExists(atPath: path) {
            print("  reusing \(path) (delete it to rebuild)")
            return path
        }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        child.arguments = ["--scale-build", path, String(cases)] + (perDay.map { [String($0)] } ?? [])
        try child.run()
        child.waitUntilExit()
        guard child.terminationStatus == 0 else { throw CLIBenchError(message: "scale build failed") }
        return path
    }

    /// `--scale-build PATH CASES [PER_DAY]`: the child that writes the database.
    static func build(path: String, cases: Int, perDay: Int?) throws {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let store = try Store.open(path: path + ".partial", create: true)
        let result = try ScaleHospital.build(store: store, protocols: protocolsPath(), cases: cases, perDay: perDay) {
            FileHandle.standardError.write(Data("  building: \($0)\n".utf8))
        }
        try FileManager.default.moveItem(atPath: path + ".partial", toPath: path)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + ".partial" + suffix) }
        print(
            String(
                format: "  built %d cases, %d runs, %d events in %.0f s (engine events through importRuns)",
                result.cases, result.runs, result.events, result.seconds))
    }

    static func run(cases: Int) throws {
        print("== measures at scale: one year, 50 ORs, \(cases) cases")
        FileHandle.standardOutput.synchronizeFile()
        let path = try ensure(cases: cases)
        let store = try Store.open(path: path)
        let answers = try store.compliance(by: []).first.map { $0.pass + $0.fail + $0.notApplicable } ?? 0
        let rssBefore = peakRSS()
        let start = DispatchTime.now().uptimeNanoseconds
        let byMonth = try store.compliance(by: [.month])
        let byItem = try store.compliance(by: [.item, .phase])
        let byRoom = try store.compliance(by: [.room, .month])
        let cohorts = try ScaleHospital.cohorts.map { try store.cohort($0.name) }
        let comparison = try Comparison.run(.item("sat.overall"), cohorts: cohorts, store: store)
        let chart = try Comparison.run(
            .item("sat.overall"), cohorts: [cohorts[0], cohorts[1]], overTime: true, store: store)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let rss = peakRSS()
        guard case .overTime(let charts) = chart.result else {
            throw CLIBenchError(message: "the p-charts are not over time")
        }
        let monthlyCharts = charts.count
        print(
            String(
                format:
                    "  compliance by month (%d), by item×phase (%d), by room×month (%d), "
                    + "2×2 comparison (n = %d), monthly p-charts (%d)",
                byMonth.count, byItem.count, byRoom.count,
                comparison.groups.map(\.units.count).reduce(0, +), monthlyCharts))
        print(
            String(format: "  %d answers in the projections; full result in %.2f s (target < 10 s)", answers, seconds))
        print(
            String(
                format:
                    "  peak RSS %.0f MB (%.0f MB before the measures): SQLite aggregates the answers; "
                    + "only one small record per compared case is held (target: flat)",
                rss, rssBefore))
    }

    static func peakRSS() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
