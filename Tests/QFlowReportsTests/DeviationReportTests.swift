import Foundation
import QFlowEngine
import QFlowProtocolFile
import QFlowReports
import QFlowStore
import Testing

/// A count whose reconciliation is critical, and whose failures the head nurse may sign off.
let deviatingYAML = """
    id: closing_count
    version: 1
    title: { zh: 关闭前清点, en: Closing count }
    kind: core
    subject: surgical-case
    roles: [{ id: circulating_nurse, title: { zh: 巡回护士, en: Circulating nurse } }]
    deviation: { sign_off: [head_nurse] }
    phases:
      - id: only
        title: { zh: 清点, en: Count }
        items:
          - { id: base, title: { zh: 术前, en: Baseline }, type: count }
          - { id: final, title: { zh: 关闭前, en: Final }, type: count, critical: true, pass_if: final == base }

    """

@Suite("Deviations in reports")
struct DeviationReportTests {
    @Test func theDeviationsSheetListsEachSignedOffRun() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-dev-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store.open(path: directory.appendingPathComponent("d.sqlite").path, create: true)
        try store.publish(
            try #require(ProtocolFile.load(bytes: Array(deviatingYAML.utf8), file: "d.yaml").spec), at: .now)
        let at = try #require(Timestamp.parse("2026-03-02T08:00:00+08:00"))
        let nurse = Actor(id: "n-1", role: "circulating_nurse")
        for (n, final) in [(1, 10), (2, 9)] {
            try store.addSubject(Subject(id: "C\(n)", kind: "surgical-case", scheduledStart: at), at: at)
            let run = try store.perform(
                ActionRequest(.start(protocolId: "closing_count", subjectId: "C\(n)"), by: nurse, at: at)
            ).runId
            for (item, value) in [("base", 10), ("final", final)] {
                try store.perform(
                    ActionRequest(.command(runId: run, .record(item: item, value: .count(value))), by: nurse, at: at))
            }
            if n == 2 {
                try store.perform(
                    ActionRequest(
                        .command(runId: run, .completeWithDeviation(items: ["final"])),
                        by: Actor(id: "hn-1", role: "head_nurse"), at: at.addingTimeInterval(600),
                        reason: "X-ray read clear"))
            } else {
                try store.perform(ActionRequest(.command(runId: run, .complete), by: nurse, at: at))
            }
        }
        let spec = ReportSpec(title: LocalizedText(zh: "偏差", en: "Deviations"), deviations: true)
        let out = directory.appendingPathComponent("d.xlsx").path
        try ReportWriter(spec: spec, store: store, language: .en).write(to: out)
        let sheet = try XLSXReader.sheet(try XLSXReader.read(out), "Deviations")
        #expect(sheet["max_row"] as? Int == 2)
        #expect(XLSXReader.cell(sheet, "A2")?["value"] as? String == "R000002")
        #expect(XLSXReader.cell(sheet, "E2")?["value"] as? String == "final")
        #expect(XLSXReader.cell(sheet, "F2")?["value"] as? String == "X-ray read clear")
        #expect(XLSXReader.cell(sheet, "H2")?["value"] as? String == "head_nurse")
        // Which document version the figures were measured with: the protocol's version and its two runs.
        let documents = try XLSXReader.sheet(try XLSXReader.read(out), "Documents")
        #expect(documents["max_row"] as? Int == 2)
        #expect(XLSXReader.cell(documents, "A2")?["value"] as? String == "closing_count")
        #expect(XLSXReader.cell(documents, "D2")?["value"] as? String == "(none)")
        #expect((XLSXReader.cell(documents, "I2")?["value"] as? NSNumber)?.intValue == 2)
    }

    @Test func aReportFileAsksForTheSheet() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-devfile-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.yaml")
        try "title: { zh: 偏差, en: Deviations }\ndeviations: true\n".write(to: good, atomically: true, encoding: .utf8)
        #expect(try ReportFile.load(path: good.path).deviations)
        let bad = directory.appendingPathComponent("bad.yaml")
        try "title: { zh: 偏差, en: Deviations }\ndeviations: maybe\n".write(to: bad, atomically: true, encoding: .utf8)
        let error = #expect(throws: ReportError.self) { try ReportFile.load(path: bad.path) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("bad.yaml:2:13: deviations is true or false"))
    }
}
