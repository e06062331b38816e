import Foundation
import Testing

@testable import QFlowReports

/// Text in a CSV export never becomes a live formula, whichever separator the spreadsheet splits on.
@Suite struct CSVInjectionTests {
    static let texts = [
        "x;=SUM(1+1);", "a,=1+1", "note\t=cmd|' /C calc'!A0", "ok; +1", "two;;@SUM(A1)", "line\n=1+1", "-2+3",
        "fine text; nothing here", "a;  -3", "=HYPERLINK(\"http://evil\",\"x\")", "\rcmd", "2025-01-03",
    ]

    @Test func noCellStartsAFormulaWhenSplitOnSemicolonCommaOrTab() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-csv-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: path) }
        let writer = try CSVWriter(path: path.path)
        for text in Self.texts { try writer.row(["1", CSVWriter.text(text), CSVWriter.number(2.5)]) }
        try writer.close()
        // Python's csv module reads the file as a spreadsheet in each locale would split it.
        let script = """
            import csv, json, sys
            bad = []
            for delimiter in [";", ",", "\\t"]:
                with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
                    for row in csv.reader(f, delimiter=delimiter):
                        for cell in row:
                            stripped = cell.lstrip(" ")
                            if stripped[:1] in ("=", "+", "-", "@", "\\t", "\\r"):
                                bad.append([delimiter, cell])
            print(json.dumps(bad))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: XLSXReader.python)
        process.arguments = ["-c", script, path.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let bad = try JSONSerialization.jsonObject(with: output) as? [[String]]
        #expect(bad == [], "cells a spreadsheet would evaluate: \(bad ?? [])")
        // What a reader sees is the text itself, with an apostrophe where a cell could start a formula.
        #expect(CSVWriter.defused("x;=SUM(1+1);") == "x;'=SUM(1+1);")
        #expect(CSVWriter.defused("a;  -3") == "a;  '-3")
        #expect(CSVWriter.defused("2025-01-03") == "2025-01-03")
        #expect(CSVWriter.defused("fine text; nothing here") == "fine text; nothing here")
    }
}
