import Foundation
import Testing

@Suite("qflow demo, cohort, compare, measure")
struct AnalysisCommandTests {
    @Test func aSmallDemoThenComparisonsFromTheCommandLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-cli-demo-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("demo.sqlite").path
        let demo = try QFlow.run(["demo", "--db", db, "--cases", "40"])
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stdout.hasPrefix("RECONSTRUCTION"))
        #expect(
            FileManager.default.fileExists(atPath: dir.appendingPathComponent("demo.xlsx").path), "the study workbook")
        for name in ["study", "or_monthly_compliance", "linen_isolation", "qc_actions"] {
            let out = dir.appendingPathComponent("\(name).xlsx").path
            let report = try QFlow.run([
                "report", "run", "Reports/\(name).yaml", "--out", out, "--db", db, "--csv",
                dir.appendingPathComponent(name).path,
            ])
            #expect(report.status == 0, "\(name): \(report.stderr)")
            #expect(FileManager.default.fileExists(atPath: out))
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("\(name)/long.csv").path))
        }
        let badOut = try QFlow.run([
            "report", "run", "Reports/study.yaml", "--out", dir.appendingPathComponent("x.csv").path, "--db", db,
        ])
        #expect(badOut.status == 64, "a usage error, refused before anything runs")
        #expect(badOut.stderr.contains(".xlsx"))
        // A PDF for the committee, with the hospital in the page header (LibreOffice, installed by make test).
        let pdf = dir.appendingPathComponent("study.pdf").path
        let printed = try QFlow.run([
            "report", "run", "Reports/study.yaml", "--out", dir.appendingPathComponent("p.xlsx").path, "--db", db,
            "--pdf", pdf, "--hospital", "City Hospital",
        ])
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: pdf)).prefix(5) == Data("%PDF-".utf8))
        let pdftotext = Process()
        pdftotext.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
        pdftotext.arguments = [pdf, "-"]
        let pipe = Pipe()
        pdftotext.standardOutput = pipe
        try pdftotext.run()
        let printedText = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        pdftotext.waitUntilExit()
        #expect(
            printedText.contains("City Hospital") && printedText.contains("Page 1 of"), "the page header and footer")
        for (arguments, message) in [
            (["--pdf", dir.appendingPathComponent("study.txt").path], "must end in .pdf"),
            (["--pdf-data"], "--pdf-data needs --pdf"),
        ] {
            let refused = try QFlow.run(
                ["report", "run", "Reports/study.yaml", "--out", dir.appendingPathComponent("q.xlsx").path, "--db", db]
                    + arguments)
            #expect(refused.status == 64 && refused.stderr.contains(message), "\(refused.stderr)")
        }
        // Running it again replaces the database.
        #expect(try QFlow.run(["demo", "--db", db, "--cases", "40"]).status == 0)

        let cohorts = try QFlow.run(["cohort", "list", "--db", db])
        #expect(cohorts.stdout.contains("flows") && cohorts.stdout.contains("staff-before"))
        let text = try QFlow.run([
            "compare", "item:sat.overall", "--cohort", "flows", "--cohort", "no-flows", "--db", db,
        ])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("Design: independent-binary"))
        let paired = try QFlow.run([
            "compare", "item:staff.overall", "--cohort", "staff-before", "--cohort", "staff-after", "--db", db,
            "--format", "json",
        ])
        let object = try JSONSerialization.jsonObject(with: Data(paired.stdout.utf8)) as? [String: Any]
        #expect(object?["design"] as? String == "paired-binary")
        let zh = try QFlow.run([
            "compare", "item:sat.overall", "--cohort", "flows", "--over", "month", "--db", db, "--lang", "zh",
        ])
        #expect(zh.status == 0)
        #expect(zh.stdout.contains("p 控制图"))
        let months = try QFlow.run(["measure", "compliance", "--by", "month", "--cohort", "flows", "--db", db])
        #expect(months.stdout.contains("2025-01"))

        try #require(
            try QFlow.run([
                "cohort", "add", "or1", "--kind", "surgical-case", "--room", "OR1", "--db", db,
            ]).status == 0)
        let bad = try QFlow.run(["compare", "item:sat.overall", "--cohort", "or1", "--cohort", "nope", "--db", db])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("no cohort 'nope'"))
        let measure = try QFlow.run(["compare", "satisfaction", "--cohort", "or1", "--cohort", "flows", "--db", db])
        #expect(measure.status == 1)
        #expect(measure.stderr.contains("KIND:NAME"))
        let notOurs = dir.appendingPathComponent("notes.txt").path
        try "keep me".write(toFile: notOurs, atomically: true, encoding: .utf8)
        #expect(try QFlow.run(["demo", "--db", notOurs, "--cases", "20"]).status != 0)
        #expect(try String(contentsOfFile: notOurs, encoding: .utf8) == "keep me")
    }
}
