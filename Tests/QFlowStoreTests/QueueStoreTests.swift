import Foundation
import GRDB
import QFlowEngine
import QFlowStore
import Testing

/// A renewal protocol with a work queue and a reminder ladder before a date fact.
let renewalYAML = """
    id: renewal
    version: 1
    title: { zh: 续保, en: Renewal }
    kind: other
    subject: policy
    subject_fields: { policy_expiry: date }
    queue: { offered_to: agent, reassign_by: [supervisor], unclaimed: P5D }
    roles:
      - { id: agent, title: { zh: 续保责任人, en: Agent } }
      - { id: supervisor, title: { zh: 基层公司负责人, en: Supervisor } }
      - { id: department_head, title: { zh: 部门负责人, en: Department head } }
    phases:
      - id: renew
        title: { zh: 续保, en: Renewal }
        items:
          - id: outcome
            title: { zh: 结果, en: Outcome }
            type: choice
            roles: [agent]
            options:
              - { id: renewed, label: { zh: 已续保, en: Renewed } }
              - { id: lost, label: { zh: 脱保, en: Lost } }
            deadline:
              before: P0D
              of: subject.policy_expiry
              escalate_to: department_head
              ladder:
                - { before: P90D, notify: agent }
                - { before: P30D, notify: agent }
                - { before: P5D, escalate_to: supervisor }

    """

@Suite("Work queues and escalations in the store")
struct QueueStoreTests {
    static let agent = Actor(id: "a-01", role: "agent", workstation: "desk")
    static let agent2 = Actor(id: "a-02", role: "agent", workstation: "desk")
    static let supervisor = Actor(id: "s-01", role: "supervisor", workstation: "desk")
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    static func day(_ text: String) -> Date { CivilDate(parsing: text)!.start(in: zone) }
    static let start = day("2026-12-20")

    /// A database in Shanghai time with two agents and a run on a policy expiring on 2027-03-31.
    static func database() throws -> (TemporaryDatabase, String) {
        let db = try TemporaryDatabase(publishing: [renewalYAML])
        try db.store.publishSite(
            SiteSpec(
                id: "test", version: 1, name: LocalizedText(zh: "测试", en: "Test"), timeZone: "Asia/Shanghai",
                rooms: [SitePlace(id: "OR1", title: LocalizedText(zh: "1号手术间", en: "OR 1"))],
                linenParameterSet: .wst508),
            by: Actor(id: "admin", role: "administrator"), at: start)
        for (id, roles) in [("a-01", ["agent"]), ("a-02", ["agent"]), ("s-01", ["supervisor"])] {
            var cheap = SignInPolicy()
            cheap.iterations = 1_000
            try db.store.addUser(
                id: id, name: id, roles: roles, password: "correct horse battery", policy: cheap, at: start)
        }
        try db.store.addSubject(
            Subject(id: "POL-1", kind: "policy", facts: ["policy_expiry": "2027-03-31"]), at: start)
        let run = try db.store.perform(
            ActionRequest(.start(protocolId: "renewal", subjectId: "POL-1"), by: agent, at: start)
        ).runId
        return (db, run)
    }

    @Test func theQueueListsUnclaimedRunsAndMyWorkListsOwnedOnes() throws {
        let (db, run) = try Self.database()
        let store = db.store
        #expect(try store.queue(role: "agent").map(\.runId) == [run])
        #expect(try store.queue(role: "agent")[0].owner == nil)
        #expect(try store.queue(role: "supervisor").isEmpty)
        #expect(try store.myWork(user: "a-01").isEmpty)
        try store.perform(ActionRequest(.command(runId: run, .claim), by: Self.agent, at: Self.day("2026-12-21")))
        #expect(try store.myWork(user: "a-01").map(\.runId) == [run])
        #expect(try store.queue(role: "agent")[0].owner == "a-01")
        #expect(try store.run(run).state.owner?.user == "a-01")
        // Completed work leaves both lists.
        try store.record(run, "outcome", "renewed", at: Self.day("2027-03-01"), by: Self.agent)
        try store.perform(ActionRequest(.command(runId: run, .complete), by: Self.agent, at: Self.day("2027-03-01")))
        #expect(try store.myWork(user: "a-01").isEmpty)
        #expect(try store.queue(role: "agent").isEmpty)
    }

    @Test func reassignNeedsAnActiveUserWithTheQueuesRole() throws {
        let (db, run) = try Self.database()
        let store = db.store
        let at = Self.day("2026-12-22")
        for target in ["nobody", "s-01"] {
            do {
                try store.perform(
                    ActionRequest(.command(runId: run, .reassign(to: target)), by: Self.supervisor, at: at, reason: "r")
                )
                Issue.record("reassigning to \(target) was accepted")
            } catch {
                #expect(error.code == .invalidInput)
                #expect(!error.message.contains(target), "the error repeats the id typed")
            }
        }
        try store.perform(
            ActionRequest(.command(runId: run, .reassign(to: "a-02")), by: Self.supervisor, at: at, reason: "area"))
        #expect(try store.myWork(user: "a-02").map(\.runId) == [run])
        #expect(try store.run(run).events.last?.event.kind == "reassigned")
    }

    @Test func escalateRecordsDueStepsOnceAndIsIdempotent() throws {
        let (db, run) = try Self.database()
        let store = db.store
        // Nothing is due at the start.
        #expect(try store.escalate(now: Self.start).steps.isEmpty)
        // Unclaimed for five days: the supervisor is told.
        let first = try store.escalate(now: Self.day("2026-12-25"))
        #expect(first.steps.map(\.step) == ["unclaimed"])
        #expect(first.steps[0].to == ["supervisor"])
        #expect(try store.escalate(now: Self.day("2026-12-25")).steps.isEmpty)
        try store.perform(ActionRequest(.command(runId: run, .claim), by: Self.agent, at: Self.day("2026-12-26")))
        // Called late: T−90 (2026-12-31) and T−30 (2027-03-01) are both recorded, earliest first, each once.
        let late = try store.escalate(now: Self.day("2027-03-02"))
        #expect(late.steps.map(\.step) == ["1", "2"])
        #expect(late.steps.map(\.dueAt) == ["2026-12-30T16:00:00.000Z", "2027-02-28T16:00:00.000Z"])
        #expect(late.steps.allSatisfy { $0.owner == "a-01" })
        #expect(try store.escalate(now: Self.day("2027-03-02")).events.isEmpty)
        #expect(try store.escalations(ofRun: run).map(\.step) == ["unclaimed", "1", "2"])
        #expect(try store.verify().isIntact)
    }

    @Test func upcomingListsWhatFallsDueWithinThePeriod() throws {
        let (db, _) = try Self.database()
        let store = db.store
        let week = try ISODuration(parsing: "P7D")
        #expect(try store.upcoming(within: week, at: Self.day("2026-12-20")).map(\.step) == ["unclaimed"])
        try store.escalate(now: Self.day("2026-12-25"))
        #expect(try store.upcoming(within: week, at: Self.day("2026-12-25")).map(\.step) == ["1"])
        #expect(try store.upcoming(within: week, at: Self.day("2027-01-10")).isEmpty)
        let all = try store.upcoming(within: try ISODuration(parsing: "P120D"), at: Self.day("2026-12-25"))
        #expect(all.map(\.step) == ["1", "2", "3", "overdue"])
    }

    @Test func escalationsSinceAPageWasLoadedAreNotAConflict() throws {
        let (db, run) = try Self.database()
        let store = db.store
        let seen = try store.run(run).state.eventCount
        try store.escalate(now: Self.day("2026-12-25"))
        try store.perform(
            ActionRequest(.command(runId: run, .claim), by: Self.agent, at: Self.day("2026-12-26"), expectedSeq: seen))
        // Someone else's change still is.
        #expect(throws: StoreError.self) {
            try store.perform(
                ActionRequest(
                    .command(runId: run, .release), by: Self.agent, at: Self.day("2026-12-27"), expectedSeq: seen))
        }
    }

    @Test func theProjectionRebuildsToTheSameRows() throws {
        let (db, run) = try Self.database()
        let store = db.store
        try store.escalate(now: Self.day("2026-12-25"))
        try store.perform(ActionRequest(.command(runId: run, .claim), by: Self.agent, at: Self.day("2026-12-26")))
        try store.escalate(now: Self.day("2027-01-02"))
        let before = try store.projectionDump()
        #expect(before.contains("# run_queue\n\"\(run)\"|\"agent\"|\"a-01\"|"))
        #expect(before.contains("# escalation\n\"\(run)\"|1|\"\"|\"unclaimed\"|\"supervisor\"|1|"))
        try store.rebuild()
        #expect(try store.projectionDump() == before)
    }
}

@Suite("Escalations of deadlines without a queue")
struct DeadlineEscalationStoreTests {
    @Test func anOverdueDeadlineEscalatesOnceAndTheCaseListShowsTheStep() throws {
        let db = try TemporaryDatabase()
        let store = db.store
        let run = try store.startCounts("C-001")
        // `base` is due at the scheduled start (minute 60) and escalates to the circulating nurse.
        #expect(try store.escalate(now: minutes(59)).steps.isEmpty)
        let due = try store.escalate(now: minutes(61))
        #expect(due.steps.map { "\($0.item)/\($0.step)" } == ["base/overdue"])
        #expect(due.steps.first?.to == ["circulating_nurse"])
        #expect(try store.escalate(now: minutes(120)).steps.isEmpty)
        let page = try store.cases(CaseQuery(kind: "surgical-case", protocols: nil, limit: 10), at: minutes(61))
        #expect(page.rows.first?.lastSteps == [run: "base/overdue"])
        // A deadline that tells no one is listed as falling due (step `due`).
        let quiet = try spec(
            countsYAML.replacingOccurrences(of: ", escalate_to: circulating_nurse", with: "")
                .replacingOccurrences(of: "id: counts", with: "id: quiet"))
        try store.publish(quiet, at: t0)
        try store.addSubject(surgicalCase("C-002"), at: t0)
        let other = try store.perform(
            ActionRequest(.start(protocolId: "quiet", subjectId: "C-002"), by: circulator, at: minutes(1))
        ).runId
        let soon = try store.upcoming(within: try ISODuration(parsing: "PT2H"), at: minutes(2))
        #expect(soon.map { "\($0.runId) \($0.item)/\($0.step)" } == ["\(other) base/due"])
        #expect(soon.first?.to == [])
        // Answering the item ends its ladder: nothing pending, nothing upcoming.
        try store.record(run, "base", "12", at: minutes(62))
        try store.record(other, "base", "12", at: minutes(62))
        #expect(try store.upcoming(within: try ISODuration(parsing: "P1D"), at: minutes(2)).isEmpty)
    }
}
