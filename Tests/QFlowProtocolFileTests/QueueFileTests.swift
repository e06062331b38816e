import Foundation
import QFlowEngine
import Testing

@testable import QFlowProtocolFile

/// `queue`, deadline `ladder` and `date` fields in protocol files: what they read as, and where a mistake is.
@Suite("Queues and ladders in protocol files")
struct QueueFileTests {
    static let file = """
        id: renewal
        version: 1
        title: { zh: 续保, en: Renewal }
        kind: other
        subject: policy
        subject_fields: { policy_expiry: date }
        queue: { offered_to: agent, reassign_by: [supervisor], unclaimed: P5D, stalled: P10D }
        roles:
          - { id: agent, title: { zh: 续保责任人, en: Agent } }
          - { id: supervisor, title: { zh: 负责人, en: Supervisor } }
        phases:
          - id: renew
            title: { zh: 续保, en: Renewal }
            items:
              - id: outcome
                title: { zh: 结果, en: Outcome }
                type: check
                deadline:
                  before: P0D
                  of: subject.policy_expiry
                  escalate_to: supervisor
                  ladder:
                    - { before: P90D, notify: agent }
                    - { after: P7D, escalate_to: supervisor }

        """

    @Test func aQueueAndALadderRead() throws {
        let result = load(Self.file)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let spec = try #require(result.spec)
        let queue = QueueSpec(
            offeredTo: "agent", reassignBy: ["supervisor"], unclaimed: try ISODuration(parsing: "P5D"),
            stalled: try ISODuration(parsing: "P10D"))
        #expect(spec.queue == queue)
        #expect(spec.subjectFields == [SubjectFieldSpec(name: "policy_expiry", type: .date)])
        let deadline = try #require(spec.items.first?.deadline)
        #expect(deadline.steps.map(\.id) == ["1", "2", "overdue"])
        #expect(deadline.ladder?.map(\.escalates) == [false, true])
        #expect(deadline.ladder?.last?.before == false)
    }

    @Test(arguments: [
        ("stalled: P10D", "stalled: P1M", "years and months have no fixed length", 7),
        ("{ before: P90D, notify: agent }", "{ before: P90D }", "either 'notify'", 23),
        (
            "{ before: P90D, notify: agent }", "{ before: P90D, notify: agent, remind: agent }", "unknown key 'remind'",
            23
        ),
        ("reassign_by: [supervisor], ", "", "missing required key 'reassign_by'", 7),
        ("{ before: P90D, notify: agent }", "{ before: PT12H, notify: agent }", "whole days", 23),
        ("before: P0D", "before: PT1H", "whole days", 19),
    ])
    func aMistakeIsReportedWhereItIs(_ old: String, _ new: String, _ message: String, _ line: Int) throws {
        let text = Self.file.replacingOccurrences(of: old, with: new)
        #expect(text != Self.file)
        let result = load(text)
        let problem = try #require(result.diagnostics.first { $0.message.contains(message) }, "\(result.diagnostics)")
        #expect(problem.line == line, "\(problem)")
    }
}
