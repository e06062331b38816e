import Foundation
import QFlowReports

/// 200,000 rows × 10 columns to .xlsx (constant memory): qflow's writer beside the C program and Python
/// XlsxWriter from ../shared/bench, each in its own process so that wall time and peak RSS are its own.
enum XLSXBench {
    static let wards = ["Cardio", "Ortho", "Neuro", "General", "Vascular", "Urology", "ENT", "Plastics"]
    static let procedures = [
        "CABG", "Hip replacement", "Knee arthroplasty", "Appendectomy", "Cholecystectomy", "Craniotomy",
        "Hernia repair", "TURP", "Tonsillectomy", "Mastectomy", "Colectomy", "EVAR",
    ]
    static let statuses = ["completed", "cancelled", "postponed", "in progress"]
    static let header = [
        "id", "ward", "procedure", "status", "case_ref", "duration_min", "blood_loss_ml", "score", "surgery_date",
        "infection_flag",
    ]

    /// `--xlsx-child OUT ROWS`: writes the same data set as the peers through `Workbook`/`Worksheet`.
    static func child(path: String, rows: Int) throws {
        let start = DispatchTime.now().uptimeNanoseconds
        let book = try Workbook(path: path, constantMemory: true)
        let sheet = try book.addWorksheet("cases")
        try sheet.widths([8, 10, 18, 12, 20, 12, 12, 10, 12, 10])
        try sheet.row(0, header.map { .text($0) }, format: FormatSpec(bold: true))
        let dateFormat = FormatSpec(numberFormat: "yyyy-mm-dd")
        let base = 45_292.0  // 2024-01-01 as an Excel serial
        for i in 0..<rows {
            let r = i + 1
            try sheet.number(r, 0, Double(i + 1))
            try sheet.text(r, 1, wards[i % 8])
            try sheet.text(r, 2, procedures[(i * 7) % 12])
            try sheet.text(r, 3, statuses[(i / 5) % 4])
            try sheet.text(r, 4, caseRef(i))
            try sheet.number(r, 5, Double(30 + (i % 240)) + 0.25 * Double(i % 4))
            try sheet.number(r, 6, Double((i * 37) % 1500) / 3.0)
            try sheet.number(r, 7, Double(i % 1000) / 997.0 * 10.0)
            try sheet.number(r, 8, base + Double(i % 731), dateFormat)
            try sheet.number(r, 9, (i % 7 == 0 || i % 11 == 0) ? 1 : 0)
        }
        try book.close()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print("{\"impl\": \"qflow\", \"rows\": \(rows), \"seconds\": \(seconds)}")
    }

    static func caseRef(_ i: Int) -> String {
        let hex = String(UInt64(i) &* 2_654_435_761 & 0xFFFF, radix: 16, uppercase: true)
        let id = String(i + 1)
        return "CASE-" + String(repeating: "0", count: max(0, 7 - id.count)) + id + "-"
            + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    static func run(rows: Int, rounds: Int) throws {
        print("== xlsx: \(rows) rows × 10 columns, constant memory, \(rounds) interleaved rounds, medians")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-xlsx-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = runPeer(["true"])
        let bench = Peers.benchDirectory
        let variants: [(String, [String])] = [
            (
                "qflow (Swift)",
                [CommandLine.arguments[0], "--xlsx-child", directory.path + "/qflow.xlsx", String(rows)]
            ),
            ("C libxlsxwriter", [bench + "/xlsx/xlsx_c", directory.path + "/c.xlsx", String(rows), "1"]),
            (
                "Python XlsxWriter",
                [
                    bench + "/venv/bin/python", bench + "/xlsx/xlsx_xlsxwriter.py", directory.path + "/py.xlsx",
                    String(rows),
                    "typed",
                ]
            ),
        ]
        var results: [String: [(seconds: Double, rss: Double)]] = [:]
        for round in 0..<rounds {
            for k in 0..<variants.count {
                let (name, argv) = variants[(k + round) % variants.count]
                guard FileManager.default.isExecutableFile(atPath: argv[0]) else { continue }
                if let measured = measure(argv) { results[name, default: []].append(measured) }
            }
        }
        func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
        let c = results["C libxlsxwriter"].map { median($0.map(\.seconds)) }
        for (name, _) in variants {
            guard let samples = results[name], !samples.isEmpty else {
                print("  \(name): skipped (not available on this machine)")
                continue
            }
            let seconds = median(samples.map(\.seconds))
            let rss = samples.map(\.rss).max()!
            let ratio = c.map { String(format: "%.2f× C", seconds / $0) } ?? ""
            print(
                String(
                    format: "  %-18@ %6.2f s  peak RSS %5.1f MB  %@", name as NSString, seconds, rss, ratio as NSString)
            )
        }
        print("  targets: qflow ≤ 1.15× the C program's time, peak RSS under 64 MB")
    }

    /// Runs a program and returns its wall time and peak RSS.
    ///
    /// The peak is the child's own `VmHWM` from /proc, polled until it exits: `wait4`'s `ru_maxrss` would include the
    /// parent's memory, which a spawned child inherits in its high-water mark before `exec`.
    static func measure(_ argv: [String]) -> (seconds: Double, rss: Double)? {
        var pid: pid_t = 0
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { for argument in cArgs { free(argument) } }
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let start = DispatchTime.now().uptimeNanoseconds
        guard posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ) == 0 else { return nil }
        var status: Int32 = 0
        var peakKB = 0.0
        while true {
            if let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
                let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
            {
                peakKB = max(peakKB, kb)
            }
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { break }
            if done < 0 { return nil }
            usleep(5_000)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        guard status == 0 else { return nil }
        return (seconds, peakKB / 1024)
    }
}
