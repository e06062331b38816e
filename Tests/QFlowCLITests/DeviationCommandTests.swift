import Foundation
import Testing

/// `qflow run complete --deviation ITEMS --reason …`: only a sign-off role closes a failed run, and it says so.
@Suite("qflow run complete --deviation")
struct DeviationCommandTests {
    @Test func theHeadNurseClosesAFailedCountWithADocumentedDeviation() throws {
        let ws = try Workspace()
        let v2 = ws.directory.appendingPathComponent("counts-v2.yaml")
        try Workspace.counts.replacingOccurrences(of: "version: 1", with: "version: 2")
            .replacingOccurrences(of: "triggers:", with: "deviation: { sign_off: [head_nurse] }\ntriggers:")
            .write(to: v2, atomically: true, encoding: .utf8)
        try ws.expectOK([
            "protocol", "publish", v2.path, ws.directory.appendingPathComponent("Protocols/search.yaml").path,
        ])
        try ws.addCase("C-1")
        #expect(try ws.expectOK(["run", "start", "counts", "--case", "C-1"]).contains("R000001"))
        try ws.expectOK(["run", "record", "R000001", "base", "12"])
        try ws.expectOK(["run", "record", "R000001", "final", "11"])
        try ws.expectOK(["run", "sign", "R000001", "signed"], as: "scrub_nurse")
        try ws.expectOK(["run", "sign", "R000001", "signed"])
        #expect(try ws.qflow(["run", "complete", "R000001"]).status != 0)
        let circulator = try ws.qflow(["run", "complete", "R000001", "--deviation", "final", "--reason", "mine"])
        #expect(circulator.status != 0 && circulator.stderr.contains("head_nurse"), "\(circulator.stderr)")
        let noReason = try ws.qflow(["run", "complete", "R000001", "--deviation", "final"], as: "head_nurse")
        #expect(noReason.status != 0, "a deviation needs a reason")
        let stray = try ws.qflow(["run", "complete", "R000001", "--reason", "why"], as: "head_nurse")
        #expect(stray.status != 0 && stray.stderr.contains("--reason goes with --deviation"), "\(stray.stderr)")
        try ws.expectOK(
            ["run", "complete", "R000001", "--deviation", "final", "--reason", "X-ray read clear"], as: "head_nurse")
        let shown = try ws.expectOK(["run", "show", "R000001", "--history"])
        #expect(
            shown.contains("deviation signed off (failed: final)") && shown.contains("X-ray read clear"), "\(shown)")
    }
}
