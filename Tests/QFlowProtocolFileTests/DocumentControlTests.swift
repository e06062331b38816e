import Foundation
import QFlowEngine
import Testing

@testable import QFlowProtocolFile

/// The valid protocol with a document-control header (and `extra` lines inside it).
func documented(
    approver: String? = "  approver: { zh: 护理部主任, en: Director of Nursing }\n", reviewBy: String = "2029-11-30"
)
    -> String
{
    validYAML.replacingOccurrences(
        of: "subject_fields:\n",
        with: """
            document:
              number: QF-TEST-001
              owner: { zh: 护理部, en: Nursing department }
            \(approver ?? "")  effective: 2026-12-01
              review_by: \(reviewBy)
              changes:
                - { version: 1, date: 2026-12-01, summary: { zh: 首次发布, en: First issue } }
            subject_fields:

            """)
}

@Suite("Document control")
struct DocumentControlTests {
    @Test func aHeaderIsReadAndItsReviewDateCheckedAgainstTheDayGiven() throws {
        let text = documented()
        let plain = load(text)
        #expect(plain.diagnostics.isEmpty, "\(plain.diagnostics)")
        let document = try #require(plain.spec?.document)
        #expect(document.number == "QF-TEST-001" && document.approver.en == "Director of Nursing")
        #expect(document.reviewBy == "2029-11-30" && document.changes.map(\.version) == [1])
        #expect(ProtocolFile.load(bytes: Array(text.utf8), file: "p.yaml", today: "2029-11-30").diagnostics.isEmpty)
        let overdue = ProtocolFile.load(bytes: Array(text.utf8), file: "p.yaml", today: "2029-12-01")
        #expect(
            overdue.diagnostics.map(\.description) == [
                "p.yaml:11:14: review date 2029-11-30 has passed (today is 2029-12-01): review the protocol and "
                    + "publish a new version, or pass --allow-overdue-review in a sandbox"
            ])
    }

    @Test func aMissingApproverIsRefusedWhereTheHeaderIs() throws {
        let problem = try onlyProblem(documented(approver: nil))
        #expect(problem.description.hasPrefix("p.yaml:7:3:") && problem.message.contains("approver"), "\(problem)")
    }

    @Test func badDatesAndAChangeLogWithoutThisVersionAreRefused() {
        let messages = load(
            documented(reviewBy: "2026-11-30").replacingOccurrences(of: "version: 1, date", with: "version: 3, date")
        )
        .diagnostics.map(\.message)
        #expect(messages.contains("review_by must come after effective (2026-12-01)"), "\(messages)")
        #expect(messages.contains("version 3 is later than this protocol's (1)"), "\(messages)")
        #expect(messages.contains("the change log needs an entry for version 1"), "\(messages)")
        let notADay = load(documented(reviewBy: "soon")).diagnostics.map(\.message)
        #expect(notADay.contains("review_by must be a day written YYYY-MM-DD, not 'soon'"), "\(notADay)")
    }

    @Test func definitionsWithoutAHeaderKeepTheirHash() throws {
        let spec = try #require(load(validYAML).spec)
        #expect(!String(decoding: CanonicalJSON.encode(spec), as: UTF8.self).contains("document"))
        let withHeader = try #require(load(documented()).spec)
        #expect(withHeader.contentHash != spec.contentHash)
    }

    @Test func everyShippedProtocolIsAControlledDocument() throws {
        for spec in LibraryFixture.library.specs {
            let document = try #require(spec.document, "\(spec.reference) has no document: header")
            #expect(document.owner.zh == "护理部" && document.approver.en == "Director of Nursing", "\(spec.reference)")
            #expect(document.effective.hasPrefix("2026-"), "\(spec.reference): effective in 2026")
            #expect(document.changes.last?.version == spec.version, "\(spec.reference): change log ends at its version")
        }
        let numbers = LibraryFixture.library.specs.compactMap { $0.document?.number }
        #expect(Set(numbers).count == numbers.count, "document numbers are unique")
        let root = LibraryFixture.root.appendingPathComponent("Protocols").path
        #expect(ProtocolLibraryLoader.load(paths: [root], today: "2026-12-02").isValid)
        let late = ProtocolLibraryLoader.load(paths: [root], today: "2029-12-01")
        #expect(late.diagnostics.count == LibraryFixture.library.specs.count)
        #expect(late.diagnostics.allSatisfy { $0.message.hasPrefix("review date 2029-11-30 has passed") })
    }
}
