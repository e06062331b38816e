import Foundation
import QFlowEngine
import QFlowStore

/// UTF-8 CSV with a byte-order mark (Excel needs it to read UTF-8), RFC 4180 quoting, streamed to disk.
///
/// Text that begins with `=`, `+`, `-`, `@`, tab or CR gets a leading apostrophe, so that a spreadsheet opening the
/// file shows it as text instead of running it as a formula (numbers are written as numbers and never prefixed).
/// The same goes for such a character after a `;`, `,`, tab or line break inside the text (spaces between are
/// skipped): a spreadsheet in a locale that splits on `;` (or a user who picks tab) would otherwise cut
/// `x;=SUM(1+1);` into cells and evaluate the second one.
final class CSVWriter {
    private let handle: FileHandle
    private var buffer = ""
    let path: String

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data([0xEF, 0xBB, 0xBF])) else {
            throw ReportError(.io, "create \(path): cannot write there")
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw ReportError(.io, "open \(path) for writing")
        }
        handle.seekToEndOfFile()
        self.handle = handle
        self.path = path
    }

    /// A text field, quoted when needed and defused when it could be read as a formula.
    static func text(_ value: String) -> String {
        let v = defused(value)
        if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }

    /// Characters that make a spreadsheet read a cell as a formula.
    static let triggers: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]
    /// Characters a spreadsheet may split cells or rows on.
    static let separators: Set<Unicode.Scalar> = [";", ",", "\t", "\n", "\r"]

    /// The text with an apostrophe before each formula trigger that could start a cell: at the start, or after a
    /// separator and any spaces.
    static func defused(_ value: String) -> String {
        var out = String.UnicodeScalarView()
        var cellStart = true
        for scalar in value.unicodeScalars {
            if cellStart, triggers.contains(scalar) {
                out.append("'")
                cellStart = false
            } else if cellStart, scalar != " " {
                cellStart = false
            }
            out.append(scalar)
            if separators.contains(scalar) { cellStart = true }
        }
        return String(out)
    }

    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    func row(_ fields: [String]) throws {
        buffer += fields.joined(separator: ",") + "\r\n"
        if buffer.utf8.count > 1 << 16 { try flush() }
    }

    func flush() throws {
        handle.write(Data(buffer.utf8))
        buffer = ""
    }

    func close() throws {
        try flush()
        try handle.close()
    }
}

extension ReportWriter {
    /// Writes `long.csv`, `wide-PROTOCOL.csv` per protocol and `dictionary.csv` into `directory`.
    public func writeCSV(to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let raw = spec.raw ?? (cohort: nil, protocols: [])
        var written = [try longCSV(directory + "/long.csv", raw)]
        for protocolId in raw.protocols {
            written.append(try wideCSV(directory + "/wide-\(protocolId).csv", protocolId, cohort: raw.cohort))
        }
        written.append(try dictionaryCSV(directory + "/dictionary.csv", protocols: raw.protocols))
        return written
    }

    /// `long.csv`: one row per answer, as the long sheet; returns its path.
    func longCSV(_ path: String, _ raw: (cohort: String?, protocols: [String])) throws -> String {
        let long = try CSVWriter(path: path)
        try long.row(Self.longColumns)
        try forEachAnswer(in: try cohort(raw.cohort), protocols: raw.protocols) { a in
            try long.row([
                CSVWriter.text(a.runId), CSVWriter.text(a.subjectId), CSVWriter.text(a.room ?? ""),
                Timestamp.format(a.time),
                CSVWriter.text(a.protocolId), String(a.version), a.runStatus.rawValue, CSVWriter.text(a.phase),
                CSVWriter.text(a.item), a.status.rawValue, CSVWriter.text(a.value ?? ""), CSVWriter.number(a.number),
                a.outcome?.rawValue ?? "", CSVWriter.text(a.why ?? ""), a.answeredAt.map(Timestamp.format) ?? "",
                CSVWriter.text(a.actor ?? ""),
                CSVWriter.text(a.role ?? ""),
            ])
        }
        try long.close()
        return long.path
    }

    /// `wide-PROTOCOL.csv`: one row per run, one column per item; returns its path.
    func wideCSV(_ path: String, _ protocolId: String, cohort name: String?) throws -> String {
        let items = try store.spec(protocolId).spec.answerableItemIds
        let wide = try CSVWriter(path: path)
        try wide.row(["run_id", "subject_id", "time", "run_status"] + items)
        try forEachRun(in: try cohort(name), protocols: [protocolId]) { run, answers in
            let cells = items.map { item -> String in
                guard let a = answers[item] else { return "" }
                return a.number.map { CSVWriter.number($0) }
                    ?? (a.status == .notApplicable ? "n.a." : CSVWriter.text(a.value ?? ""))
            }
            try wide.row(
                [
                    CSVWriter.text(run.runId), CSVWriter.text(run.subjectId), Timestamp.format(run.time),
                    run.runStatus.rawValue,
                ]
                    + cells)
        }
        try wide.close()
        return wide.path
    }

    /// `dictionary.csv`: every item of the exported protocols (all when none is named); returns its path.
    func dictionaryCSV(_ path: String, protocols: [String]) throws -> String {
        let dictionary = try CSVWriter(path: path)
        try dictionary.row([
            "protocol", "version", "phase", "item", "type", "critical", "pass_if", "title_en", "title_zh",
        ])
        for published in try store.publishedVersions()
        where protocols.isEmpty || protocols.contains(published.spec.id) {
            for phase in published.spec.phases {
                for item in phase.items {
                    try dictionary.row([
                        published.spec.id, String(published.spec.version), phase.id, item.id, item.type.name,
                        item.critical ? "yes" : "", CSVWriter.text(item.passIf?.source ?? ""),
                        CSVWriter.text(item.title.en), CSVWriter.text(item.title.zh),
                    ])
                }
            }
        }
        try dictionary.close()
        return dictionary.path
    }
}
