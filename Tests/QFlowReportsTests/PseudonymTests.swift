import Foundation
import QFlowEngine
import QFlowProtocolFile
import QFlowStore
import Testing

@testable import QFlowReports

/// Staff survey answers leave the quality office only under pseudonyms made for one export.
@Suite struct PseudonymTests {
    @Test func respondentsArePseudonymisedInTheRawDataAndPairsStayPairs() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "qflow-pseudo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store.open(path: directory.appendingPathComponent("p.sqlite").path, create: true)
        let library = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Protocols/staff_satisfaction.yaml")
        let spec = try #require(ProtocolFile.load(path: library.path).spec)
        try store.publish(spec, at: Date())
        for (id, round) in [("staff-07", "before"), ("staff-07", "after"), ("staff-08", "before")] {
            if try store.subject(id) == nil { try store.addSubject(Subject(id: id, kind: "respondent"), at: Date()) }
            let me = Actor(id: id, role: "respondent", subject: id)
            let run = try store.perform(ActionRequest(.start(protocolId: spec.id, subjectId: id), by: me, at: Date()))
                .runId
            try store.perform(
                ActionRequest(
                    .command(runId: run, .record(item: "staff.period", value: .choice(round))), by: me, at: Date()))
        }
        let report = ReportSpec(title: LocalizedText(zh: "调查", en: "Survey"), raw: (cohort: nil, protocols: [spec.id]))
        func longCSV(_ pseudonymise: Bool) throws -> String {
            let out = directory.appendingPathComponent("csv-\(UUID().uuidString)").path
            let writer = ReportWriter(
                spec: report, store: store, language: .en, options: ReportOptions(pseudonymiseRespondents: pseudonymise)
            )
            let files = try writer.writeCSV(to: out)
            return try String(contentsOfFile: try #require(files.first { $0.hasSuffix("long.csv") }), encoding: .utf8)
        }
        let named = try longCSV(false)
        #expect(named.contains("staff-07") && named.contains("staff-08"))
        let first = try longCSV(true)
        #expect(!first.contains("staff-07") && !first.contains("staff-08"), "neither subject nor answering user")
        let rows = first.split(separator: "\r\n").dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false)
        }
        let subjects = rows.map { String($0[1]) }
        #expect(subjects.allSatisfy { $0.hasPrefix("P-") })
        #expect(
            Set(subjects).count == 2, "the same respondent keeps one pseudonym within the export (pairs stay pairs)")
        #expect(
            Set(rows.map { String($0[15]) }) == Set(subjects), "the respondent's own answers name them by the pseudonym"
        )
        // Another export gets other pseudonyms: files cannot be joined to follow a person.
        let second = try longCSV(true)
        let others = Set(second.split(separator: "\r\n").dropFirst().map { String($0.split(separator: ",")[1]) })
        #expect(others.isDisjoint(with: Set(subjects)))
    }
}
