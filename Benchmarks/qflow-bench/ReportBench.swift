import Foundation
import QFlowDemo
import QFlowReports
import QFlowStats
import QFlowStore

/// The study report: the whole workbook, the committee-only workbook a PDF is made from, and LibreOffice's
/// conversion of it to PDF, in zh and en, so that render time reads beside the workbook's own time.
enum ReportBench {
    static func run() throws {
        print("== report: Reports/study.yaml on the demo database (466 cases), workbook vs LibreOffice PDF render")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-report-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store.open(path: directory.appendingPathComponent("demo.sqlite").path, create: true)
        _ = try Demo.run(store: store, protocols: ScaleBench.protocolsPath())
        let root = URL(fileURLWithPath: ScaleBench.protocolsPath()).deletingLastPathComponent()
        let spec = try ReportFile.load(path: root.appendingPathComponent("Reports/study.yaml").path)
        func time(_ body: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        for language in [Language.en, .zh] {
            let writer = ReportWriter(spec: spec, store: store, language: language)
            let full = directory.appendingPathComponent("study-\(language.rawValue).xlsx").path
            let whole = try time { try writer.write(to: full) }
            var committee = writer
            committee.options.committeeOnly = true
            let print = directory.appendingPathComponent("print-\(language.rawValue).xlsx").path
            let small = try time { try committee.write(to: print) }
            guard PDFExport.office() != nil else {
                Swift.print(
                    String(
                        format: "  %@: workbook %.2f s, committee workbook %.2f s; PDF skipped (no LibreOffice)",
                        language.rawValue, whole, small))
                continue
            }
            let pdf = directory.appendingPathComponent("study-\(language.rawValue).pdf").path
            let render = try time { try PDFExport.convert(print, to: pdf) }
            Swift.print(
                String(
                    format:
                        "  %@: workbook %.2f s (all sheets), committee workbook %.2f s, LibreOffice PDF render %.2f s",
                    language.rawValue, whole, small, render))
        }
    }
}
