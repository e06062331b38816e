import Foundation
import QFlowEngine
import QFlowProtocolFile
import QFlowStore
import Testing

/// A count whose reconciliation is critical, and whose failures the head nurse may sign off.
private let deviatingYAML = """
    id: closing_count
    version: 1
    title: { zh: 关闭前清点, en: Closing count }
    kind: core
    subject: surgical-case
    roles: [{ id: circulating_nurse, title: { zh: 巡回护士, en: Circulating nurse } }]
    deviation: { sign_off: [head_nurse] }
    document:
      number: QF-T-001
      owner: { zh: 护理部, en: Nursing department }
      approver: { zh: 护理部主任, en: Director of Nursing }
      effective: 2026-12-01
      review_by: 2029-11-30
      changes:
        - { version: 1, date: 2026-12-01, summary: { zh: 首次发布, en: First issue } }
    phases:
      - id: only
        title: { zh: 清点, en: Count }
        items:
          - { id: base, title: { zh: 术前, en: Baseline }, type: count }
          - { id: final, title: { zh: 关闭前, en: Final }, type: count, critical: true, pass_if: final == base }

    """

@Suite("Documented deviations on the workstation")
struct DeviationPageTests {
    /// A count that failed at closing: only the head nurse is offered, and may use, the deviation.
    func failedRun(_ server: LiveServer) throws -> String {
        let now = Date()
        try server.store.publish(
            try #require(ProtocolFile.load(bytes: Array(deviatingYAML.utf8), file: "d.yaml").spec), at: now)
        try server.store.addSubject(Subject(id: "C-9", kind: "surgical-case", room: "OR3"), at: now)
        let nurse = Actor(id: "n-1", role: "circulating_nurse")
        let run = try server.store.perform(
            ActionRequest(.start(protocolId: "closing_count", subjectId: "C-9"), by: nurse, at: now)
        ).runId
        for (item, value) in [("base", 10), ("final", 9)] {
            try server.store.perform(
                ActionRequest(.command(runId: run, .record(item: item, value: .count(value))), by: nurse, at: now))
        }
        return run
    }

    @Test func theHeadNurseClosesAFailedRunWithADeviationFromItsPage() async throws {
        let server = try await LiveServer()
        let run = try failedRun(server)
        // The circulating nurse sees the blocker, not the deviation.
        let nurse = try await server.pageSignIn("n-1", role: "circulating_nurse")
        let nursePage = try await server.page("GET", "/runs/\(run)", cookie: nurse)
        #expect(nursePage.status == 200)
        #expect(!nursePage.html.contains("name=\"verb\" value=\"deviate\""))
        #expect(nursePage.html.contains("Document QF-T-001 · version 1"), "the document version, not an id")
        #expect(!nursePage.html.contains("closing_count@1"))
        let head = try await server.pageSignIn("h-1", role: "head_nurse")
        let page = try await server.page("GET", "/runs/\(run)", cookie: head)
        #expect(
            page.html.contains("name=\"verb\" value=\"deviate\"")
                && page.html.contains("name=\"value\" value=\"final\""))
        #expect(page.html.contains("Complete with a documented deviation") && page.html.contains("(Final)"))
        let csrf = try #require(LiveServer.hidden("csrf", in: page.html))
        let seq = try #require(LiveServer.hidden("seq", in: page.html))
        let closed = try await server.page(
            "POST", "/runs/\(run)/act",
            form: ["csrf": csrf, "seq": seq, "verb": "deviate", "value": "final", "reason": "X-ray read clear"],
            cookie: head)
        #expect(closed.status == 303, "\(closed.html)")
        #expect(try server.store.run(run).state.status == .completed)
        let deviations = try server.store.deviations()
        #expect(deviations.count == 1 && deviations.first?.items == ["final"] && deviations.first?.role == "head_nurse")
    }

    @Test func theAPIRefusesADeviationByAnotherRoleOrForTheWrongItems() async throws {
        let server = try await LiveServer()
        let run = try failedRun(server)
        let nurse = try await server.signIn("n-1", role: "circulating_nurse")
        let byNurse = try await server.call(
            "POST", "/api/v1/runs/\(run)/actions", json: ["verb": "deviate", "value": "final", "reason": "r"],
            token: nurse.token)
        #expect(byNurse.status == 403, "\(byNurse.json)")
        let head = try await server.signIn("h-1", role: "head_nurse")
        let wrong = try await server.call(
            "POST", "/api/v1/runs/\(run)/actions", json: ["verb": "deviate", "value": "base", "reason": "r"],
            token: head.token)
        #expect(wrong.status == 422 && wrong.json["code"] as? String == "invalid_deviation", "\(wrong.json)")
        let unknown = try await server.call(
            "POST", "/api/v1/runs/\(run)/actions", json: ["verb": "deviate", "value": "fnial", "reason": "r"],
            token: head.token)
        #expect(unknown.status == 400 && unknown.json["field"] as? String == "value", "\(unknown.json)")
        #expect(try server.store.run(run).state.status == .active, "nothing recorded")
    }
}
