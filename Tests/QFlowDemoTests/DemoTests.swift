import Foundation
import QFlowAnalysis
import QFlowDemo
import QFlowStore
import Testing

@Suite("The demo")
struct DemoTests {
    static let protocols = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Protocols").path

    @Test func reproducesThePublishedFigures() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store.open(path: directory.appendingPathComponent("demo.sqlite").path, create: true)
        let summary = try Demo.run(store: store, protocols: Self.protocols)

        #expect(summary.report.hasPrefix("RECONSTRUCTION"))
        #expect(summary.cases == 466)
        // Patients: 229/233 vs 221/233, Pearson 4.142 (p .042); Yates .075 and Fisher .072 miss 0.05.
        let flows = try store.cohort("flows")
        let noFlows = try store.cohort("no-flows")
        let patients = try Comparison.run(.item("sat.overall"), cohorts: [flows, noFlows], store: store)
        guard case .independentBinary(let block) = patients.result else {
            Issue.record("the patients' comparison is not a 2×2 block: \(patients.design)")
            return
        }
        #expect((block.x1, block.n1, block.x2, block.n2) == (229, 233, 221, 233))
        #expect(String(format: "%.3f", block.pearsonChi2!) == "4.142")
        #expect(String(format: "%.3f", block.pearsonP!) == "0.042")
        #expect(String(format: "%.3f", block.yatesP!) == "0.075")
        #expect(String(format: "%.3f", block.fisher.twoSidedP) == "0.072")
        #expect(summary.report.contains("Pearson Chi-Square      4.142a"))
        // The power the study had for its own difference (R power.prop.test: 0.530) and the size 80 % needs.
        #expect(summary.report.contains("this comparison had 53 % power to detect the observed difference"))
        #expect(summary.report.contains("80 % power needs 441 per group"))
        // Staff: the same 32 people, paired: 27/32 → 30/32.
        let staff = try Comparison.run(
            .item("staff.overall"), cohorts: [try store.cohort("staff-before"), try store.cohort("staff-after")],
            store: store)
        #expect(staff.design == .pairedBinary)
        #expect(staff.groups.map { $0.units.filter { $0.value == 1 }.count } == [27, 30])
        #expect(staff.warnings.isEmpty)
        // Auxiliary flows, QC actions and linen failures happened, and the log verifies.
        #expect(summary.triggered["count_discrepancy"] == 3)
        #expect(summary.triggered["iuss"] == 4)
        #expect(summary.correctiveActions == 2)
        #expect(summary.failedWashes == 3)
        #expect(summary.report.contains("below LCL"))
        #expect(try store.verify().isIntact)
        // Every flows case's core runs were completed.
        let incomplete = try store.runs(status: .active, limit: 10_000).filter { $0.protocolId.hasPrefix("or_") }
        #expect(incomplete.isEmpty, "\(incomplete.prefix(5).map(\.id))")
        // Case ids read C2014-0001N / C2015-0001F (no stray parenthesis).
        let cases = try store.subjects(kind: "surgical-case", limit: 1_000)
        #expect(cases.count == 466)
        let malformed = cases.map(\.id).filter {
            $0.range(of: #"^C\d{4}-\d{4}[FN]$"#, options: .regularExpression) == nil
        }
        #expect(malformed.isEmpty, "\(malformed.prefix(3))")
    }

    @Test func theHospitalSandboxPublishesTheSiteWithItsRoomsAndMarksATestDatabase() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("qflow-sandbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store.open(path: directory.appendingPathComponent("sandbox.sqlite").path, create: true)
        let siteFile = URL(fileURLWithPath: Self.protocols).deletingLastPathComponent()
            .appendingPathComponent("Site/site.yaml").path
        let built = try HospitalSandbox.build(
            store: store, protocols: Self.protocols, siteFile: siteFile, cases: 40, rooms: 3)
        #expect(built.scale.cases == 40)
        #expect(try store.isTestDatabase)
        let site = try #require(try store.site())
        #expect(site.spec.rooms.map(\.id) == ["OR1", "OR2", "OR3"])
        #expect(try store.subjects(kind: "surgical-case").allSatisfy { ["OR1", "OR2", "OR3"].contains($0.room ?? "") })
        #expect(try store.users().map(\.id).sorted() == HospitalSandbox.accounts.map(\.id).sorted())
        #expect(try store.verify().isIntact)
    }
}
