import Foundation
import QFlowEngine
import QFlowProtocolFile
import QFlowReports
import QFlowStats
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
        ProcessInfo.processInfo.environment["QFLOW_PYTHON"]
            ?? root.appendingPathComponent(".build/pyenv/bin/python").path
    }

    static func read(_ path: String) throws -> [String: Any] {
        try #require(
            FileManager.default.isExecutableFile(atPath: python),
            "no Python with openpyxl at \(python): run `make test` (it creates .build/pyenv) or set QFLOW_PYTHON")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("read_xlsx.py").path,
            path,
        ]
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
        return try #require(
            sheets.first { $0["name"] as? String == name }, "no sheet \(name): \(sheets.map { $0["name"]! })")
    }

    static func sheet(_ book: [String: Any], _ index: Int) throws -> [String: Any] {
        let sheets = try #require(book["sheets"] as? [[String: Any]])
        return try #require(index < sheets.count ? sheets[index] : nil)
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
            try store.addSubject(
                Subject(id: "C\(i)", kind: "surgical-case", room: "OR\(i % 2 + 1)", scheduledStart: at), at: at)
            let run = try store.perform(
                ActionRequest(.start(protocolId: "notes", subjectId: "C\(i)"), by: nurse, at: at)
            ).runId
            for (item, value) in [
                ("done", AnswerValue.check(i != 2)), ("note", .text(text)), ("temp", .number(60 + Double(i))),
            ] {
                try store.perform(
                    ActionRequest(.command(runId: run, .record(item: item, value: value)), by: nurse, at: at))
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
        compliance: (cohort: nil, by: [.item, .month], threshold: 0.95), spc: (measures: ["item:done"], cohort: nil),
        raw: (cohort: nil, protocols: ["notes"]))

    @Test func userTextIsNeverAFormula() throws {
        let f = try ReportFixture()
        let out = f.path("r.xlsx")
        try ReportWriter(spec: Self.spec, store: f.store, language: .en).write(to: out)
        let book = try XLSXReader.read(out)
        let long = try XLSXReader.sheet(book, "Data (long)")
        let cells = try #require(long["cells"] as? [String: [String: Any]])
        let notes = cells.filter { $0.value["value"] as? String != nil }.map {
            ($0.value["value"] as! String, $0.value["type"] as! String)
        }
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
        let longCSV = try #require(files.first { $0.hasSuffix("long.csv") })
        let bytes = try Data(contentsOf: URL(fileURLWithPath: longCSV))
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
        #expect(
            names == [
                "Summary", "Comparison 1", "Compliance", "SPC", "Documents", "Data (long)", "Wide notes", "Dictionary",
                "Chart data",
            ])
        #expect((book["properties"] as? [String: Any])?["title"] as? String == "Test report")
        let comparison = try XLSXReader.sheet(book, "Comparison 1")
        let values =
            (comparison["cells"] as? [String: [String: Any]])?.values.compactMap { $0["value"] as? String } ?? []
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
        // The chart's helper series are on the hidden helper sheet, not beside the table (A…H).
        #expect(spc["max_column"] as? Int == 8)
        let refs = spc["chart_refs"] as? [String] ?? []
        #expect(refs.count == 8 && refs.allSatisfy { $0.hasPrefix("'Chart data'!") }, "\(refs)")
        #expect(try XLSXReader.sheet(book, "Chart data")["state"] as? String == "hidden")
        #expect(try XLSXReader.sheet(book, "Summary")["state"] as? String == "visible")
        let long = try XLSXReader.sheet(book, "Data (long)")
        #expect(long["max_row"] as? Int == 1 + 3 * hostile.count)
        #expect(XLSXReader.cell(long, "D2")?["format"] as? String == "yyyy-mm-dd hh:mm")
        #expect(XLSXReader.cell(long, "L4")?["value"] as? Double == 60)
        let wide = try XLSXReader.sheet(book, "Wide notes")
        #expect(wide["max_row"] as? Int == 1 + hostile.count)
        let dictionary = try XLSXReader.sheet(book, "Dictionary")
        #expect(XLSXReader.cell(dictionary, "D2")?["value"] as? String == "done")
    }

    @Test func committeeSheetsHaveAPageSetupAndDataSheetsAreNotInTheirPrint() throws {
        let f = try ReportFixture()
        let out = f.path("r.xlsx")
        let options = ReportOptions(hospital: "St. Mary & St. John")
        try ReportWriter(spec: Self.spec, store: f.store, language: .en, options: options).write(to: out)
        let book = try XLSXReader.read(out)
        for name in ["Summary", "Comparison 1", "Compliance", "SPC"] {
            let page = try #require(try XLSXReader.sheet(book, name)["page"] as? [String: Any])
            #expect(page["paper"] as? Int == 9, "\(name): A4")
            #expect(page["fit_to_page"] as? Bool == true && page["fit_height"] as? Int == 0, "\(name): 1 page wide")
            #expect([nil, 1].contains(page["fit_width"] as? Int), "\(name): 1 page wide")
            #expect((page["print_area"] as? String)?.hasPrefix("'\(name)'!$A$1:") == true, "\(name): \(page)")
            let header = page["header"] as? [Any] ?? []
            #expect(header.first as? String == "Test report\nSt. Mary && St. John", "\(name): \(header)")
            #expect((header.last as? String)?.hasPrefix("Generated 20") == true)
            #expect((page["footer"] as? [Any])?.last as? String == "Page &P of &N")
        }
        let compliance = try #require(try XLSXReader.sheet(book, "Compliance")["page"] as? [String: Any])
        #expect(compliance["print_titles"] as? String == "$1:$1", "the header row prints on every page")
        // Data sheets print only when asked (no print area; the PDF leaves them out), landscape with their header.
        let long = try #require(try XLSXReader.sheet(book, "Data (long)")["page"] as? [String: Any])
        #expect(long["orientation"] as? String == "landscape" && long["print_titles"] as? String == "$1:$1")
        // Without a hospital the header has none; the committee-only workbook has no data sheets.
        let bare = f.path("bare.xlsx")
        try ReportWriter(spec: Self.spec, store: f.store, language: .en, options: ReportOptions(committeeOnly: true))
            .write(to: bare)
        let committee = try XLSXReader.read(bare)
        let names = (committee["sheets"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["Summary", "Comparison 1", "Compliance", "SPC", "Documents", "Chart data"])
        let summary = try #require(try XLSXReader.sheet(committee, "Summary")["page"] as? [String: Any])
        #expect((summary["header"] as? [Any])?.first as? String == "Test report")
    }

    @Test func aChineseWorkbookHasChineseSheetNamesAndLabels() throws {
        let f = try ReportFixture()
        let out = f.path("zh.xlsx")
        try ReportWriter(spec: Self.spec, store: f.store, language: .zh).write(to: out)
        let book = try XLSXReader.read(out)
        let names = (book["sheets"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["摘要", "比较 1", "条目合格率", "SPC 控制图", "文件版本", "数据（长格式）", "宽 notes", "数据字典", "图表数据"])
        let comparison = try XLSXReader.sheet(book, "比较 1")
        let values =
            (comparison["cells"] as? [String: [String: Any]])?.values.compactMap { $0["value"] as? String } ?? []
        for label in ["皮尔逊卡方 a", "连续性修正 b", "似然比", "费希尔精确检验", "有效个案数", "自由度", "期望计数"] {
            #expect(values.contains(label), "\(label)")
        }
        #expect(!values.contains { $0.contains("Pearson") || $0.contains("Count") }, "no English label left")
        let compliance = try XLSXReader.sheet(book, "条目合格率")
        #expect(XLSXReader.cell(compliance, "A1")?["value"] as? String == "条目")
        #expect(XLSXReader.cell(compliance, "A1")?["font"] as? String == ReportWriter.chineseFont)
    }

    @Test(
        arguments: [
            ("2025-01", 2025 * 12), ("2024-12", 2024 * 12 + 11), ("25-01", nil), ("2025-13", nil), ("January", nil),
        ] as [(String, Int?)])
    func monthLabelsParse(_ text: String, _ index: Int?) {
        #expect(ReportWriter.monthIndex(text) == index)
    }

    @Test func monthSerialsAreExcelDates() {
        // 2025-01-01 is Excel serial 45658; 2024-03-01 is 45352 (after a leap day); 1970-01-01 is 25569.
        #expect(ReportWriter.serial(monthIndex: 2025 * 12) == 45_658)
        #expect(ReportWriter.serial(monthIndex: 2024 * 12 + 2) == 45_352)
        #expect(ReportWriter.serial(monthIndex: 1970 * 12) == 25_569)
    }

    @Test func textWidthCountsChineseCharactersTwiceAndWraps() {
        #expect(TextWidth.of("abc") == 3)
        #expect(TextWidth.of("合格率") == 6)
        #expect(TextWidth.of("p（是）") == 7)
        #expect(TextWidth.lines("short", width: 20) == 1)
        #expect(TextWidth.lines("one two three four five six", width: 12) == 3)
        #expect(TextWidth.lines(String(repeating: "中", count: 30), width: 21) == 3)
        #expect(TextWidth.of("two\nlines, the longest wins") == 23)
        #expect(TextWidth.of("") == 0)
    }

    /// A number's width is worked out from its digits; it must be what `%.10G` prints, which it replaces.
    @Test func numberWidthIsTheLengthOfItsGeneralFormat() {
        func printed(_ x: Double) -> Double { Double(String(format: "%.10G", x).count) }
        let table: [Double] = [
            0, 1, -1, 7, 10, 99, 100, 12_345, 9_999_999_999, 1e10, 12_345_678_901, -42, 0.5, 0.25, -0.125, 1.0 / 3,
            2.0 / 3, 100.0 / 3, 30.25, 269.75, 1499.0 / 3, 9.99999999999, 0.1 + 0.2, 0.0001, 0.00012345, 0.00009,
            1e-7, 123_456.789, 1e300, -1e-300, 3.141592653589793, 45_292, 0.999999999951,
        ]
        for x in table { #expect(TextWidth.ofNumber(x, format: nil) == printed(x), "\(x)") }
        // The bench's and the raw sheets' kinds of values, and a spread of magnitudes.
        var generator = SystemRandomNumberGenerator()
        var mismatches = 0
        for i in 0..<20_000 {
            let values = [
                Double(i % 1000) / 997 * 10, Double((i * 37) % 1500) / 3, Double(30 + i % 240) + 0.25 * Double(i % 4),
                Double.random(in: -1e6...1e6, using: &generator),
                Foundation.pow(10, Double.random(in: -4...9.9, using: &generator)),
            ]
            for x in values where TextWidth.ofNumber(x, format: nil) != printed(x) { mismatches += 1 }
        }
        #expect(mismatches <= 2, "at most a tie's rounding error in 100,000 values; \(mismatches) differed")
    }

    @Test func aHugeHospitalNameOrTitleStillGivesAValidHeader() throws {
        let f = try ReportFixture()
        var spec = Self.spec
        spec.title = LocalizedText(zh: String(repeating: "标", count: 300), en: String(repeating: "&T", count: 200))
        let options = ReportOptions(hospital: String(repeating: "H&", count: 200))
        for language in [Language.en, .zh] {
            let out = f.path("long-\(language.rawValue).xlsx")
            try ReportWriter(spec: spec, store: f.store, language: language, options: options).write(to: out)
            let page = try #require(try XLSXReader.sheet(XLSXReader.read(out), 1)["page"] as? [String: Any])
            #expect((page["header"] as? [Any])?.first is String)
        }
    }

    @Test func reportFilesAreCheckedWithFileLineAndColumn() throws {
        let f = try ReportFixture()
        let file = f.path("bad.yaml")
        try "title: { zh: 标题, en: Title }\ncomparisons:\n  - measure: item:done\n    cohorst: [a, b]\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        let error = #expect(throws: ReportError.self) { try ReportFile.load(path: file) }
        #expect(error?.message.hasPrefix("\(file):4:5: unknown key 'cohorst'") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("did you mean 'cohorts'") == true)
        try "title: { zh: 标题, en: Title }\nspc: { measure: mean:x }\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        let measure = #expect(throws: ReportError.self) { try ReportFile.load(path: file) }
        #expect(measure?.message.contains("\(file):2:17:") == true, "\(measure?.message ?? "")")
        // Hostile files: an alias bomb and deep nesting are refused before they are walked.
        let bomb =
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
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
