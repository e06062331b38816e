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

    static func run(_ arguments: [String], in directory: URL = packageRoot) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
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
        #expect(en.stdout.contains("Count at skin closure"))
        #expect(en.stdout.contains("CRITICAL"))
        let zh = try QFlow.run(["protocol", "show", "surgical_counts", "--lang", "zh"])
        #expect(zh.stdout.contains("缝合皮肤时清点数"))
        let missing = try QFlow.run(["protocol", "show", "nope"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no protocol 'nope'"))
    }
}
