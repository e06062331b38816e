import Foundation
import Testing

/// `qflow run claim|release|reassign`, `qflow queue`, `qflow escalate`, `qflow overdue --upcoming`.
@Suite("qflow queues and escalations")
struct QueueCommandTests {
    static let renewal = """
        id: renewal
        version: 1
        title: { zh: 续保, en: Renewal }
        kind: other
        subject: policy
        subject_fields: { policy_expiry: date }
        queue: { offered_to: agent, reassign_by: [supervisor] }
        roles:
          - { id: agent, title: { zh: 续保责任人, en: Agent } }
          - { id: supervisor, title: { zh: 基层公司负责人, en: Supervisor } }
        phases:
          - id: renew
            title: { zh: 续保, en: Renewal }
            items:
              - id: outcome
                title: { zh: 结果, en: Outcome }
                type: choice
                options:
                  - { id: renewed, label: { zh: 已续保, en: Renewed } }
                  - { id: lost, label: { zh: 脱保, en: Lost } }
                deadline:
                  before: P0D
                  of: subject.policy_expiry
                  escalate_to: supervisor
                  ladder:
                    - { before: P90D, notify: agent }
                    - { before: P30D, notify: agent }

        """

    @Test func aRunIsClaimedReassignedAndEscalatedFromTheCommandLine() throws {
        let ws = try Workspace()
        let file = ws.directory.appendingPathComponent("renewal.yaml")
        try Self.renewal.write(to: file, atomically: true, encoding: .utf8)
        try ws.expectOK(["protocol", "publish", file.path])
        try ws.expectOK(["init", "--test-database"])
        let added = try QFlow.run(
            ["user", "add", "a-02", "--name", "Agent Two", "--role", "agent", "--db", ws.db], in: ws.directory,
            input: "a long enough password 1\n", environment: ["QFLOW_PASSWORD_ITERATIONS": "1000"])
        #expect(added.status == 0, "\(added.stderr)")
        try ws.expectOK(
            ["case", "add", "POL-1", "--kind", "policy", "--fact", "policy_expiry=2027-03-31"], as: "agent")
        let at = ["--at", "2026-12-20T00:00:00Z"]
        try ws.expectOK(["run", "start", "renewal", "--case", "POL-1"] + at, as: "agent")
        #expect(try ws.expectOK(["queue", "--role", "agent"]).contains("R000001  renewal@1  POL-1  active  unclaimed"))

        let wrongRole = try ws.qflow(["run", "claim", "R000001"] + at, as: "supervisor")
        #expect(wrongRole.status != 0 && wrongRole.stderr.contains("offered to agent"), "\(wrongRole.stderr)")
        #expect(try ws.expectOK(["run", "claim", "R000001"] + at, as: "agent").contains("claimed"))
        #expect(
            try ws.expectOK(["queue", "--mine", "--user", "n-agen"]).contains(
                "R000001  renewal@1  POL-1  active  owner n-agen"))

        let noReason = try ws.qflow(["run", "reassign", "R000001", "--to", "a-02"] + at, as: "supervisor")
        #expect(noReason.status != 0 && noReason.stderr.contains("reason"), "\(noReason.stderr)")
        let unknown = try ws.qflow(
            ["run", "reassign", "R000001", "--to", "zz-99", "--reason", "r"] + at, as: "supervisor")
        #expect(unknown.status != 0 && !unknown.stderr.contains("zz-99"), "\(unknown.stderr)")
        try ws.expectOK(
            ["run", "reassign", "R000001", "--to", "a-02", "--reason", "area change"] + at, as: "supervisor")
        #expect(try ws.expectOK(["queue", "--mine", "--user", "a-02"]).contains("owner a-02"))
        let notMine = try ws.qflow(["run", "release", "R000001"] + at, as: "agent")
        #expect(notMine.status != 0 && notMine.stderr.contains("only the owner"), "\(notMine.stderr)")

        // No site: the date is read in UTC. T−90 is 2026-12-31, T−30 is 2027-03-01.
        let upcoming = try ws.expectOK(["overdue", "--upcoming", "P14D", "--at", "2026-12-25T00:00:00Z"])
        #expect(
            upcoming.contains(
                "2026-12-31T00:00:00.000Z  R000001  POL-1  renewal/outcome  step 1  remind agent  owner a-02"),
            "\(upcoming)")
        let escalated = try ws.expectOK(["escalate", "--now", "2027-03-02T00:00:00Z"])
        #expect(escalated.split(separator: "\n").count == 2, "\(escalated)")
        #expect(
            escalated.contains("R000001  outcome  step 1  due 2026-12-31T00:00:00.000Z  reminded agent  owner a-02"))
        #expect(escalated.contains("step 2  due 2027-03-01T00:00:00.000Z"))
        #expect(try ws.expectOK(["escalate", "--now", "2027-03-02T00:00:00Z"]) == "nothing to escalate\n")
        #expect(
            try ws.expectOK(["queue", "--role", "agent"]).contains(
                "reached outcome/2  next outcome/overdue at 2027-03-31T00:00:00.000Z"))
        let history = try ws.expectOK(["run", "show", "R000001", "--history"])
        #expect(history.contains("reassigned"), "\(history)")
    }
}
