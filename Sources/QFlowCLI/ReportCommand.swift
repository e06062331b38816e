import ArgumentParser
import Foundation
import QFlowEngine
import QFlowReports
import QFlowStore

/// `qflow report run FILE --out PATH.xlsx [--csv DIR] [--pdf PATH.pdf] [--hospital NAME]`.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Quality reports: .xlsx workbooks and CSV for SPSS/R/Stata.",
        subcommands: [Run.self])

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a report's workbook (with --csv, its data as UTF-8 CSV; with --pdf, a PDF of it).",
            discussion: """
                Example: qflow report run Reports/study.yaml --out study.xlsx --db qflow-demo.sqlite --lang zh \\
                  --pdf study.pdf --hospital "City Hospital"
                The PDF holds the committee sheets (Summary, Comparison, Compliance, SPC, Corrective actions) as they
                print from the workbook; it needs LibreOffice (apt-get install libreoffice-calc-nogui fonts-noto-cjk).
                """)

        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The report definition (Reports/NAME.yaml).") var file: String
        @Option(help: "The workbook to write (.xlsx).") var out: String
        @Option(help: "Also write long.csv, wide-PROTOCOL.csv and dictionary.csv into this folder.") var csv: String?
        @Option(help: "Language: zh or en.") var lang: Language = .en
        @Option(help: "Also write the committee sheets as a PDF (through LibreOffice).") var pdf: String?
        @Flag(help: "With --pdf: print the raw data and dictionary sheets too.") var pdfData = false
        @Option(help: "The hospital's name, printed in every page header.") var hospital: String?

        func validate() throws {
            guard out.hasSuffix(".xlsx") else { throw ValidationError("--out: the workbook's name must end in .xlsx") }
            if let pdf, !pdf.hasSuffix(".pdf") { throw ValidationError("--pdf: the file's name must end in .pdf") }
            if pdfData, pdf == nil { throw ValidationError("--pdf-data needs --pdf FILE.pdf") }
        }

        func run() throws {
            let spec = try ReportFile.load(path: file)
            let store = try database.open()
            let hospital = hospital?.trimmingCharacters(in: .whitespacesAndNewlines)
            var writer = ReportWriter(
                spec: spec, store: store, language: lang,
                options: ReportOptions(hospital: hospital?.isEmpty == false ? hospital : nil))
            let terminal = isatty(STDOUT_FILENO) == 1
            if terminal {
                writer.progress = { rows, total in
                    guard let total, total > 0 else {
                        return FileHandle.standardError.write(Data("\rwriting data rows: \(rows)".utf8))
                    }
                    let done = min(1, Double(rows) / Double(total))
                    let bar =
                        String(repeating: "█", count: Int(done * 30))
                        + String(repeating: "·", count: 30 - Int(done * 30))
                    FileHandle.standardError.write(
                        Data("\r[\(bar)] \(Int(done * 100))%  \(rows)/\(total) rows".utf8))
                }
            }
            let now = Date()
            try writer.write(to: out, now: now)
            if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            print("wrote \(out)")
            if let csv {
                for path in try writer.writeCSV(to: csv) { print("wrote \(path)") }
            }
            if let pdf {
                try writer.writePDF(to: pdf, now: now, includeData: pdfData)
                print("wrote \(pdf)")
            }
        }
    }
}
