import Foundation
import QFlowDemo
import QFlowReports
import QFlowStats
import QFlowStore
import Testing

/// The demo database (the reconstructed study), built once for every print test.
enum StudyDatabase {
    static let built: Result<(directory: URL, store: Store), any Error> = Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "qflow-print-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try Store.open(path: directory.appendingPathComponent("demo.sqlite").path, create: true)
        _ = try Demo.run(store: store, protocols: XLSXReader.root.appendingPathComponent("Protocols").path)
        return (directory, store)
    }

    static func spec() throws -> ReportSpec {
        try ReportFile.load(path: XLSXReader.root.appendingPathComponent("Reports/study.yaml").path)
    }
}

/// Runs a program and returns what it printed (stdout), failing the test when it cannot run or fails.
func runTool(_ program: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [program] + arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = Pipe()
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "\(program) failed: install poppler-utils (make test-deps)")
    return String(decoding: data, as: UTF8.self)
}

@Suite("Reports on paper")
struct ReportPrintTests {
    /// What each language's PDF must show: sheet names, each sheet's first and last column header (both on every
    /// page of a table means it printed one page wide, with its header row repeated), and the footer's page words.
    struct Expected: Sendable, CustomTestStringConvertible {
        let language: Language
        let summary: String, comparisons: [String], compliance: String, spc: String, actions: String
        let documents: String
        let complianceHeaders: (String, String)
        let spcHeaders: (String, String)
        let page: String
        var testDescription: String { language.rawValue }
    }

    static let languages = [
        Expected(
            language: .en, summary: "Summary", comparisons: ["Comparison 1", "Comparison 2"], compliance: "Compliance",
            spc: "SPC", actions: "Corrective actions", documents: "Documents",
            complianceHeaders: ("phase", "compliance"),
            spcHeaders: ("Month", "Signal"), page: "Page "),
        Expected(
            language: .zh, summary: "摘要", comparisons: ["比较 1", "比较 2"], compliance: "条目合格率", spc: "SPC 控制图",
            actions: "整改", documents: "文件版本", complianceHeaders: ("阶段", "合格率"), spcHeaders: ("月份", "信号"), page: "第 "),
    ]

    @Test(arguments: languages)
    func theStudyPrintsOnePageWideWithMonthsAndHeadlineFiguresAndNoHelperValues(_ e: Expected) throws {
        try #require(PDFExport.office() != nil, "LibreOffice is not installed: run `make test-deps`")
        let (directory, store) = try StudyDatabase.built.get()
        let pdf = directory.appendingPathComponent("study-\(e.language.rawValue).pdf").path
        let writer = ReportWriter(
            spec: try StudyDatabase.spec(), store: store, language: e.language,
            options: ReportOptions(hospital: "Example Hospital"))
        try writer.writePDF(to: pdf)

        // One string per page (pdftotext separates pages with a form feed); the footer names the sheet.
        let pages = try runTool("pdftotext", ["-layout", pdf, "-"]).split(
            separator: "\u{0C}", omittingEmptySubsequences: false
        )
        .map(String.init).filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        let names = [e.summary, e.compliance, e.spc, e.actions, e.documents] + e.comparisons
        func sheet(of page: String) -> String? {
            let footer = page.split(separator: "\n").last { $0.contains(e.page) }.map(String.init) ?? ""
            return names.filter { footer.contains($0) }.max { $0.count < $1.count }
        }
        var counts: [String: Int] = [:]
        for (i, page) in pages.enumerated() {
            let name = try #require(sheet(of: page), "page \(i + 1) has no footer naming a committee sheet:\n\(page)")
            counts[name, default: 0] += 1
            #expect(page.contains("Example Hospital"), "page \(i + 1): the hospital is in the header")
            if name == e.compliance {
                #expect(page.contains(e.complianceHeaders.0) && page.contains(e.complianceHeaders.1), "page \(i + 1)")
            }
            if name == e.spc {
                #expect(page.contains(e.spcHeaders.0) && page.contains(e.spcHeaders.1), "page \(i + 1)")
            }
        }
        #expect(counts[e.summary] == 1, "the Summary is one page: \(counts)")
        for name in e.comparisons { #expect(counts[name] == 1, "\(name) is one page: \(counts)") }
        #expect(counts[e.spc] == 1, "one page per SPC measure: \(counts)")
        #expect((1...40).contains(counts[e.compliance] ?? 0), "compliance: \(counts)")
        #expect((1...3).contains(counts[e.actions] ?? 0), "corrective actions: \(counts)")
        #expect(counts[e.documents] == 1, "which document versions the figures used, on one page: \(counts)")
        #expect(pages.count <= 50, "the committee print is bounded (the whole workbook once printed 1,495 pages)")

        let text = pages.joined(separator: "\n")
        for month in ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"] {
            #expect(text.contains(month), "month label \(month)")
        }
        // The SPC chart's axis reads months too: each label at least twice on the SPC page (table and axis).
        let spcPage = pages.first { sheet(of: $0) == e.spc } ?? ""
        #expect(spcPage.components(separatedBy: "2025-03").count - 1 >= 2, "the chart's axis shows the months")
        let summaryPage = pages.first { sheet(of: $0) == e.summary } ?? ""
        for figure in ["229/233", "4.142", ".042"] {
            #expect(summaryPage.contains(figure), "the Summary's headline shows \(figure)")
        }
        #expect(text.contains("4.142") && text.contains(".042"))
        // No helper value prints: unformatted fractions (0.922703…, 45672.21875) or the helper sheet's columns.
        let helper = try Regex(#"\d\.\d{5,}"#)
        #expect(text.firstMatch(of: helper) == nil, "an unformatted helper value printed")
        #expect(!text.contains("stepX") && !text.contains("Chart data") && !text.contains("图表数据"))
        if e.language == .zh {
            let fonts = try runTool("pdffonts", [pdf])
            #expect(fonts.contains("NotoSansCJK"), "a CJK font renders the Chinese labels: \(fonts)")
            #expect(!text.contains("Pearson") && !text.contains("Count"), "no English SPSS label in the zh print")
        }
    }

    @Test func aPDFWithoutLibreOfficeIsAClearError() throws {
        let f = try ReportFixture()
        #expect(PDFExport.office(in: ["QFLOW_SOFFICE": "/nonexistent/soffice"]) == nil)
        #expect(
            PDFExport.office(in: ["PATH": "/nonexistent"]) == nil
                || FileManager.default.fileExists(atPath: "/usr/bin/soffice"))
        let error = #expect(throws: ReportError.self) {
            try ReportWriter(spec: ReportTests.spec, store: f.store, language: .en).writePDF(
                to: f.path("x.pdf"), office: nil)
        }
        #expect(error?.message.contains("LibreOffice") == true && error?.message.contains("apt-get install") == true)
        #expect(!FileManager.default.fileExists(atPath: f.path("x.pdf")))
    }
}
