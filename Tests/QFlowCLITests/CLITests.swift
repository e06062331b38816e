import Foundation
import Testing

/// Runs the built `qflow` binary with arguments and returns its exit code and output.
struct QFlow {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var binary: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "qflow")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return packageRoot.appendingPathComponent(".build/debug/qflow")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(
        _ arguments: [String], in directory: URL = packageRoot, input: String? = nil,
        environment: [String: String] = [:]
    ) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.currentDirectoryURL = directory
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        if input != nil { process.standardInput = stdin }
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}

@Suite("qflow protocol")
struct ProtocolCommandTests {
    @Test func validatingTheShippedLibrarySucceeds() throws {
        let result = try QFlow.run(["protocol", "validate", "Protocols"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasPrefix("ok: "))
    }

    @Test func problemsArePrintedAsFileLineColumnAndExitNonZero() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-cli-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let source = try String(
            contentsOf: QFlow.packageRoot.appendingPathComponent("Protocols/linen_thermal_wash.yaml"), encoding: .utf8)
        try source.replacingOccurrences(of: "critical: true", with: "critcal: true")
            .write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let result = try QFlow.run(["protocol", "validate", dir.path])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(
                line.range(
                    of: #"^/.+/bad\.yaml:\d+:\d+: unknown key 'critcal' in an item \(did you mean 'critical'\?\)$"#,
                    options: .regularExpression) != nil, "\(line)")
        }
        #expect(result.stderr.contains("problem"))
    }

    @Test func showPrintsAChecklistInEitherLanguage() throws {
        let en = try QFlow.run(["protocol", "show", "surgical_counts", "--lang", "en"])
        #expect(en.status == 0)
        #expect(en.stdout.contains("After skin closure: sponges and gauze"))
        #expect(
            en.stdout.contains(
                "### Count at each further cavity or layer closed (one per closure)  "
                    + "(repeats: as needed, at most 6 times)"
            ))
        #expect(en.stdout.contains("CRITICAL"))
        let zh = try QFlow.run(["protocol", "show", "surgical_counts", "--lang", "zh"])
        #expect(zh.stdout.contains("缝合皮肤后清点数：纱布"))
        let missing = try QFlow.run(["protocol", "show", "nope"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no protocol 'nope'"))
        #expect(en.stdout.contains("Document: QF-HLB-020, version 3"), "\(en.stdout)")
        #expect(en.stdout.contains("Owner: Nursing department; approved by: Director of Nursing"))
        #expect(en.stdout.contains("review by: 2029-11-30") && en.stdout.contains("  v1 2026-03-01"))
        #expect(zh.stdout.contains("文件编号：QF-HLB-020") && zh.stdout.contains("批准：护理部主任"))
    }

    @Test func anOverdueReviewIsRefusedUnlessASandboxAllowsIt() throws {
        let late = try QFlow.run(["protocol", "validate", "Protocols", "--today", "2029-12-01"])
        #expect(late.status == 1)
        #expect(
            late.stdout.contains("surgical_counts.yaml:") && late.stdout.contains("review date 2029-11-30 has passed"))
        let sandbox = try QFlow.run([
            "protocol", "validate", "Protocols", "--today", "2029-12-01", "--allow-overdue-review",
        ])
        #expect(sandbox.status == 0, "\(sandbox.stdout)")
        let badDay = try QFlow.run(["protocol", "validate", "Protocols", "--today", "tomorrow"])
        #expect(badDay.status != 0 && badDay.stderr.contains("YYYY-MM-DD"))
    }
}

@Suite("qflow stats")
struct StatsCommandTests {
    @Test func proportionsPrintsTheSPSSBlockAndTheStudyFigures() throws {
        let result = try QFlow.run(["stats", "proportions", "229/233", "221/233"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Pearson Chi-Square      4.142"))
        #expect(result.stdout.contains("Fisher's Exact Test"))
        let zh = try QFlow.run(["stats", "proportions", "229/233", "221/233", "--lang", "zh"])
        #expect(zh.stdout.contains("差异有统计学意义"))
    }

    @Test func runAnswersEachRequestAndRefusesMalformedJSON() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-stats-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let input = dir.appendingPathComponent("in.json")
        let requests =
            #"[{"id":"a","test":"proportions","a":[229,233],"b":[221,233]},"#
            + #"{"id":"b","test":"proportions","a":[5,3],"b":[1,2]}]"#
        try requests.write(to: input, atomically: true, encoding: .utf8)
        let result = try QFlow.run(["stats", "run", "--input", input.path])
        #expect(result.status == 0)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(array.count == 2)
        #expect(array[0]["id"] as? String == "a")
        let pearson = try #require(array[0]["pearson_chi2"] as? Double)
        #expect(abs(pearson - 4.142222222222222) / 4.142222222222222 < 1e-10)
        #expect(array[1]["error"] is String)
        try "[{".write(to: input, atomically: true, encoding: .utf8)
        let bad = try QFlow.run(["stats", "run", "--input", input.path])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("malformed JSON"))
    }
}
