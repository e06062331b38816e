import Foundation
import QFlowEngine
import QFlowProtocolFile
import QFlowReports
import QFlowStore
import Testing

/// A protocol with a free-text item, to write hostile text into a workbook.
let notesYAML = """
    id: notes
    version: 1
    title: { zh: 记录, en: Notes }
    kind: core
    subject: surgical-case
    roles: [{ id: nurse, title: { zh: 护士, en: Nurse } }]
    phases:
      - id: only
        title: { zh: 记录, en: Notes }
        items:
          - { id: done, title: { zh: 完成, en: Done }, type: check }
          - { id: note, title: { zh: 备注, en: Note }, type: text }
          - { id: temp, title: { zh: 温度, en: Temperature }, type: number, min: 0, max: 100 }

    """

/// Text a user could type that a spreadsheet would otherwise run as a formula.
let hostile = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(1,1)", "\tcmd", "\rcmd", "=1+1"]

enum XLSXReader {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The Python that has openpyxl: `$QFLOW_PYTHON`, else the venv `make test` creates in `.build/pyenv`.
    static var python: String {
        ProcessInfo.processInfo.environment["QFLOW_PYTHON"] ?? root.appendingPathComponent(".build/pyenv/bin/python").path
    }

    static func read(_ path: String) throws -> [String: Any] {
        try #require(
            FileManager.default.isExecutableFile(atPath: python),
            "no Python with openpyxl at \(python): run `make test` (it creates .build/pyenv) or set QFLOW_PYTHON")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("read_xlsx.py").path, path]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "openpyxl could not read \(path): \(errors)")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func sheet(_ book: [String: Any], _ name: String) throws -> [String: Any] {
        let sheets = try #require(book["sheets"] as? [[String: Any]])
        return try #require(sheets.first { $0["name"] as? String == name }, "no sheet \(name): \(sheets.map { $0["name"]! })")
    }

    static func cell(_ sheet: [String: Any], _ ref: String) -> [String: Any]? {
        (sheet["cells"] as? [String: Any])?[ref] as? [String: Any]
    }
}

final class ReportFixture {
    let directory: URL
    let store: Store

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try Store.open(path: directory.appendingPathComponent("r.sqlite").path, create: true)
        let spec = try #require(ProtocolFile.load(bytes: Array(notesYAML.utf8), file: "notes.yaml").spec)
        try store.publish(spec, at: Date(timeIntervalSince1970: 0))
        let nurse = Actor(id: "n-1", role: "nurse")
        for (i, text) in hostile.enumerated() {
            let at = Timestamp.parse("2025-0\(i % 3 + 1)-10T08:00:00Z")!
            try store.addSubject(Subject(id: "C\(i)", kind: "surgical-case", room: "OR\(i % 2 + 1)", scheduledStart: at), at: at)
            let run = try store.perform(ActionRequest(.start(protocolId: "notes", subjectId: "C\(i)"), by: nurse, at: at)).runId
            for (item, value) in [("done", AnswerValue.check(i != 2)), ("note", .text(text)), ("temp", .number(60 + Double(i)))] {
                try store.perform(ActionRequest(.command(runId: run, .record(item: item, value: value)), by: nurse, at: at))
            }
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
}

@Suite("Reports")
struct ReportTests {
    static let spec = ReportSpec(
        title: LocalizedText(zh: "测试报告", en: "Test report"),
        cohorts: [Cohort(name: "or1", rooms: ["OR1"]), Cohort(name: "or2", rooms: ["OR2"])],
        comparisons: [.init(measure: "item:done", cohorts: ["or1", "or2"], overTime: false, title: nil)],
        compliance: (cohort: nil, by: [.item, .month], threshold: 0.95), spc: (measure: "item:done", cohort: nil),
        raw: (cohort: nil, protocols: ["notes"]))

    @Test func userTextIsNeverAFormula() throws {
        let f = try ReportFixture()
        let out = f.path("r.xlsx")
        try ReportWriter(spec: Self.spec, store: f.store, language: .en).write(to: out)
        let book = try XLSXReader.read(out)
        let long = try XLSXReader.sheet(book, "Data (long)")
        let cells = try #require(long["cells"] as? [String: [String: Any]])
        let notes = cells.filter { $0.value["value"] as? String != nil }.map { ($0.value["value"] as! String, $0.value["type"] as! String) }
        for text in hostile {
            // libxlsxwriter stores CR as the OOXML escape _x000D_ (Excel shows a CR); openpyxl does not decode it in
            // streamed (inline) strings. Either way the cell is text, which is what matters here.
            let found = notes.first { $0.0 == text || $0.0 == text.replacingOccurrences(of: "\r", with: "_x000D_") }
            #expect(found != nil, "'\(text.debugDescription)' is not in the sheet as written")
            #expect(found?.1 == "s", "'\(text.debugDescription)' was not written as a string")
        }
        #expect(!cells.values.contains { $0["type"] as? String == "f" }, "no formula anywhere in the raw data")
        // CSV: the same text gets a leading apostrophe so that a spreadsheet shows it as text.
        let files = try ReportWriter(spec: Self.spec, store: f.store, language: .en).writeCSV(to: f.path("csv"))
        let long_csv = try #require(files.first { $0.hasSuffix("long.csv") })
        let bytes = try Data(contentsOf: URL(fileURLWithPath: long_csv))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "UTF-8 byte-order mark")
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(text.contains(",\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\","))
        #expect(text.contains(",'+1+1,") && text.contains(",'-2+3,") && text.contains(",'@SUM(1,1)") == false)
        #expect(text.contains(",\"'@SUM(1,1)\","))
        #expect(!text.contains(",=1+1,"))
    }

    @Test func theWorkbookHasEverySheetLaidOut() throws {
        let f = try ReportFixture()
        let out = f.path("r.xlsx")
        try ReportWriter(spec: Self.spec, store: f.store, language: .en).write(to: out)
        let book = try XLSXReader.read(out)
        let names = (book["sheets"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["Summary", "Comparison 1", "Compliance", "SPC", "Data (long)", "Wide notes", "Dictionary"])
        #expect((book["properties"] as? [String: Any])?["title"] as? String == "Test report")
        let comparison = try XLSXReader.sheet(book, "Comparison 1")
        let values = (comparison["cells"] as? [String: [String: Any]])?.values.compactMap { $0["value"] as? String } ?? []
        #expect(values.contains("Pearson Chi-Square a"))
        #expect(values.contains("Fisher's Exact Test"))
        #expect(values.contains { $0.hasPrefix("Test choice: ") })
        let compliance = try XLSXReader.sheet(book, "Compliance")
        #expect(compliance["freeze"] as? String == "A2")
        #expect(compliance["autofilter"] as? String != nil)
        #expect(compliance["conditional_formats"] as? Int == 1)
        #expect(XLSXReader.cell(compliance, "F2")?["format"] as? String == "0.0%")
        let spc = try XLSXReader.sheet(book, "SPC")
        #expect(spc["charts"] as? Int == 1)
        let long = try XLSXReader.sheet(book, "Data (long)")
        #expect(long["max_row"] as? Int == 1 + 3 * hostile.count)
        #expect(XLSXReader.cell(long, "D2")?["format"] as? String == "yyyy-mm-dd hh:mm")
        #expect(XLSXReader.cell(long, "L4")?["value"] as? Double == 60)
        let wide = try XLSXReader.sheet(book, "Wide notes")
        #expect(wide["max_row"] as? Int == 1 + hostile.count)
        let dictionary = try XLSXReader.sheet(book, "Dictionary")
        #expect(XLSXReader.cell(dictionary, "D2")?["value"] as? String == "done")
    }

    @Test func reportFilesAreCheckedWithFileLineAndColumn() throws {
        let f = try ReportFixture()
        let file = f.path("bad.yaml")
        try "title: { zh: 标题, en: Title }\ncomparisons:\n  - measure: item:done\n    cohorst: [a, b]\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        let error = #expect(throws: ReportError.self) { try ReportFile.load(path: file) }
        #expect(error?.message.hasPrefix("\(file):4:5: unknown key 'cohorst'") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("did you mean 'cohorts'") == true)
        try "title: { zh: 标题, en: Title }\nspc: { measure: mean:x }\n".write(toFile: file, atomically: true, encoding: .utf8)
        let measure = #expect(throws: ReportError.self) { try ReportFile.load(path: file) }
        #expect(measure?.message.contains("\(file):2:17:") == true, "\(measure?.message ?? "")")
        // Hostile files: an alias bomb and deep nesting are refused before they are walked.
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\ntitle: { zh: 标题, en: Title }\ncohorts: [*c, *c, *c]\n"
        try bomb.write(toFile: file, atomically: true, encoding: .utf8)
        let alias = #expect(throws: ReportError.self) { try ReportFile.load(path: file) }
        #expect(alias?.message.contains("anchors and aliases") == true, "\(alias?.message ?? "")")
        try (String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)).write(
            toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: ReportError.self) { try ReportFile.load(path: file) }
        for name in ["study", "or_monthly_compliance", "linen_isolation", "qc_actions"] {
            let spec = try ReportFile.load(path: XLSXReader.root.appendingPathComponent("Reports/\(name).yaml").path)
            #expect(!spec.title.en.isEmpty)
        }
    }

    @Test func aFailedWriteIsAnErrorNamingTheFile() throws {
        let f = try ReportFixture()
        let error = #expect(throws: ReportError.self) {
            try ReportWriter(spec: Self.spec, store: f.store, language: .en).write(to: "/nonexistent-dir/x.xlsx")
        }
        #expect(error?.message.contains("/nonexistent-dir/x.xlsx") == true)
    }
}
