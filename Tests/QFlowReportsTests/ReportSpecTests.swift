import Foundation
import QFlowEngine
import QFlowStore
import Testing

@testable import QFlowReports

@Suite("Report files and the corrective-action protocol")
struct ReportSpecTests {
    /// Writes `yaml` to a fresh file and reads it as a report.
    static func load(_ yaml: String, in f: ReportFixture) throws -> (
        file: String, result: Result<ReportSpec, ReportError>
    ) {
        let file = f.path("report-\(UUID().uuidString).yaml")
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        return (file, Result { () throws(ReportError) in try ReportFile.load(path: file) })
    }

    @Test func theActionsProtocolDefaultsToCorrectiveAction() throws {
        #expect(ReportSpec(title: LocalizedText(zh: "报告", en: "Report")).actionsProtocol == "corrective_action")
        let shipped = try ReportFile.load(
            path: XLSXReader.root.appendingPathComponent("Reports/qc_actions.yaml").path)
        #expect(shipped.actions)
        #expect(shipped.actionsProtocol == ReportSpec.defaultActionsProtocol)
    }

    @Test func aReportFileNamesItsActionsProtocol() throws {
        let f = try ReportFixture()
        let spec = try Self.load("title: { zh: 标题, en: Title }\nactions: { protocol: capa_form }\n", in: f).result.get()
        #expect(spec.actions)
        #expect(spec.actionsProtocol == "capa_form")
        let off = try Self.load("title: { zh: 标题, en: Title }\nactions: false\n", in: f).result.get()
        #expect(!off.actions && off.actionsProtocol == "corrective_action")
    }

    @Test(
        arguments: [
            ("actions: { protocol: Capa-Form }", "2:22: actions.protocol must be a protocol id"),
            ("actions: { protocol: [a, b] }", "2:22: actions.protocol must be text"),
            ("actions: { protokol: capa }", "2:12: unknown key 'protokol' in actions (did you mean 'protocol'?)"),
            ("actions: maybe", "2:10: actions is true or false"),
        ])
    func aBadActionsEntryIsAnErrorAtItsLine(_ line: String, _ message: String) throws {
        let f = try ReportFixture()
        let (file, result) = try Self.load("title: { zh: 标题, en: Title }\n\(line)\n", in: f)
        guard case .failure(let error) = result else {
            Issue.record("\(line) was accepted")
            return
        }
        #expect(error.code == .invalidReportFile)
        #expect(error.message.hasPrefix("\(file):\(message)"), "\(error.message)")
        #expect(!error.message.contains("Capa-Form"), "the message does not echo the value")
    }

    @Test func theActionsSheetListsTheRunsOfTheNamedProtocol() throws {
        let f = try ReportFixture()
        let spec = ReportSpec(title: LocalizedText(zh: "整改", en: "Actions"), actions: true, actionsProtocol: "notes")
        let out = f.path("actions.xlsx")
        try ReportWriter(spec: spec, store: f.store, language: .en).write(to: out)
        let book = try XLSXReader.read(out)
        let sheet = try XLSXReader.sheet(book, "Corrective actions")
        #expect(sheet["max_row"] as? Int == 1 + hostile.count, "a header and one row per run of notes")
        let headers = ["A1", "B1", "C1", "D1", "E1", "F1"].map { XLSXReader.cell(sheet, $0)?["value"] as? String }
        #expect(headers == ["action", "audit", "status", "Done", "Note", "Temperature"])
        let dictionary = try XLSXReader.sheet(book, "Dictionary")
        #expect(XLSXReader.cell(dictionary, "A2")?["value"] as? String == "notes", "the dictionary lists it too")
    }

    @Test func aRowCursorHandsOutRowsInOrderBelowItsHeader() {
        var rows = RowCursor(first: 1)
        #expect(rows.last == 0 && rows.count == 0, "nothing taken: the last row is the header's")
        let taken: [Int] = [rows.take(), rows.take(), rows.take()]
        #expect(taken == [1, 2, 3])
        #expect(rows.last == 3 && rows.count == 3 && rows.next == 4)
        var top = RowCursor()
        #expect(top.take() == 0 && top.last == 0)
    }
}
