import Foundation
import Testing

/// The real-browser test: `Tests/browser/checklist.py` drives headless Chromium (installed by `make test`) through
/// sign-in and a linen batch's checklist on a live `qflow serve`, then checks the run through the API.
@Suite("Real browser")
struct BrowserTests {
    @Test func aNurseCompletesAChecklistInChromium() throws {
        try Self.runScript(
            "checklist.py", QFlow.packageRoot.appendingPathComponent("Protocols").path, expect: "browser test passed")
    }

    /// A whole case day: the schedule uploaded by the head nurse, four people in their own browser profiles working
    /// their parts through the pages, the counts reconciled, every checklist completed, the board showing it done.
    @Test func aWholeCaseDayInChromium() throws {
        try Self.runScript("case_day.py", QFlow.packageRoot.path, expect: "case-day test passed")
    }

    static func runScript(_ script: String, _ argument: String, expect: String) throws {
        let python =
            ProcessInfo.processInfo.environment["QFLOW_PYTHON"]
            ?? QFlow.packageRoot.appendingPathComponent(".build/pyenv/bin/python").path
        try #require(
            FileManager.default.isExecutableFile(atPath: python),
            "no Python at \(python): run `make test` (it creates .build/pyenv with websocket-client)")
        try #require(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"),
            "no Chromium: run `make test` (it installs Debian's chromium)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            QFlow.packageRoot.appendingPathComponent("Tests/browser/\(script)").path, QFlow.binary.path, argument,
        ]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains(expect))
    }
}
