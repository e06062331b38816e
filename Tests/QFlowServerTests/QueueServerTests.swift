import Foundation
import QFlowEngine
import QFlowProtocolFile
import QFlowServer
import QFlowStore
import Testing

let renewalServerYAML = """
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
            title: { zh: 续保结果, en: Renewal outcome }
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

    """

extension LiveServer {
    /// Publishes the renewal protocol, adds two agents and a supervisor, and starts a run (R000002) on a policy.
    func addRenewal() throws -> String {
        let t0 = Date()
        try store.publish(
            try #require(ProtocolFile.load(bytes: Array(renewalServerYAML.utf8), file: "r.yaml").spec), at: t0)
        var policy = SignInPolicy()
        policy.iterations = 1_000
        for (id, role) in [("ag-1", "agent"), ("ag-2", "agent"), ("sv-1", "supervisor")] {
            try store.addUser(
                id: id, name: "Name \(id)", roles: [role], password: "password \(id)", policy: policy, at: t0)
        }
        try store.addSubject(Subject(id: "POL-1", kind: "policy", facts: ["policy_expiry": "2027-03-31"]), at: t0)
        return try store.perform(
            ActionRequest(
                .start(protocolId: "renewal", subjectId: "POL-1"), by: Actor(id: "sys", role: "agent"), at: t0)
        ).runId
    }
}

@Suite("Work queues on the workstation", .serialized)
struct QueueServerTests {
    @Test func theQueueAPIListsClaimsReleasesAndReassigns() async throws {
        let server = try await LiveServer()
        let run = try server.addRenewal()
        let (agent, _) = try await server.signIn("ag-1", role: "agent")
        let (agent2, _) = try await server.signIn("ag-2", role: "agent")
        let (supervisor, _) = try await server.signIn("sv-1", role: "supervisor")
        func items(_ reply: LiveServer.Reply) -> [[String: Any]] { reply.json["items"] as? [[String: Any]] ?? [] }

        let waiting = try await server.call("GET", "/api/v1/queue?role=agent", token: agent)
        #expect(waiting.status == 200, "\(waiting.json)")
        #expect(items(waiting).map { $0["run_id"] as? String } == [run])
        #expect(items(waiting).first?["owner"] == nil)
        #expect(try await server.call("GET", "/api/v1/queue", token: agent).status == 400)
        #expect(try await server.call("GET", "/api/v1/queue?mine=1", token: nil).status == 401)

        func act(_ token: String, _ body: [String: Any]) async throws -> LiveServer.Reply {
            try await server.call("POST", "/api/v1/runs/\(run)/actions", json: body, token: token)
        }
        let wrongRole = try await act(supervisor, ["verb": "claim"])
        #expect(wrongRole.status == 403 && wrongRole.json["code"] as? String == "role_not_allowed", "\(wrongRole.json)")
        let claimed = try await act(agent, ["verb": "claim"])
        #expect(claimed.status == 200, "\(claimed.json)")
        let second = try await act(agent2, ["verb": "claim"])
        #expect(second.status == 409 && second.json["code"] as? String == "already_claimed", "\(second.json)")
        let mine = try await server.call("GET", "/api/v1/queue?mine=1", token: agent)
        #expect(items(mine).map { $0["owner"] as? String } == ["ag-1"])
        let notOwner = try await act(agent2, ["verb": "release"])
        #expect(notOwner.status == 403 && notOwner.json["code"] as? String == "not_owner", "\(notOwner.json)")

        let noReason = try await act(supervisor, ["verb": "reassign", "to": "ag-2"])
        #expect(noReason.json["code"] as? String == "reason_required", "\(noReason.json)")
        let noOne = try await act(supervisor, ["verb": "reassign", "to": "zz-404", "reason": "cover"])
        #expect(noOne.status == 400 && noOne.json["field"] as? String == "to", "\(noOne.json)")
        #expect(!(noOne.json["message"] as? String ?? "").contains("zz-404"))
        let moved = try await act(supervisor, ["verb": "reassign", "to": "ag-2", "reason": "ag-1 on leave"])
        #expect(moved.status == 200, "\(moved.json)")
        #expect(items(try await server.call("GET", "/api/v1/queue?mine=1", token: agent2)).count == 1)
        #expect(items(try await server.call("GET", "/api/v1/queue?mine=1", token: agent)).isEmpty)
        #expect(try server.store.run(run).events.last?.event.actor.id == "sv-1")

        // A role that does not take part in the protocol sees none of its runs.
        let (nurse, _) = try await server.signIn("n-1", role: "circulating_nurse")
        #expect(items(try await server.call("GET", "/api/v1/queue?role=agent", token: nurse)).isEmpty)
    }

    @Test func theOpenAPIDocumentDescribesTheQueue() async throws {
        let server = try await LiveServer()
        let document = try await server.call("GET", "/api/v1/openapi.json")
        let paths = try #require(document.json["paths"] as? [String: Any])
        #expect(paths["/api/v1/queue"] != nil)
        let actions = try #require((paths["/api/v1/runs/{id}/actions"] as? [String: Any])?["post"] as? [String: Any])
        let schema = try #require(
            (((actions["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"]
                as? [String: Any])?["schema"] as? [String: Any])
        let properties = try #require(schema["properties"] as? [String: Any])
        #expect(
            ((properties["verb"] as? [String: Any])?["enum"] as? [String]).map {
                Set($0).isSuperset(of: ["claim", "release", "reassign"])
            } == true)
        #expect(properties["to"] != nil)
    }

    @Test func theRunPageClaimsAndReleasesAndMyWorkListsIt() async throws {
        let server = try await LiveServer()
        let run = try server.addRenewal()
        let cookie = try await server.pageSignIn("ag-1", role: "agent")
        let work = try await server.page("GET", "/work", cookie: cookie)
        #expect(work.status == 200)
        #expect(work.html.contains("Waiting for my role") && work.html.contains("/runs/\(run)"), "\(work.html)")
        let page = try await server.page("GET", "/runs/\(run)", cookie: cookie)
        #expect(page.html.contains("value=\"claim\""), "a claim button for the offered role")
        #expect(!page.html.contains("value=\"release\""))
        let csrf = try #require(LiveServer.hidden("csrf", in: page.html))
        let claimed = try await server.page(
            "POST", "/runs/\(run)/act", form: ["verb": "claim", "csrf": csrf], cookie: cookie)
        #expect(claimed.status == 303)
        #expect(try server.store.run(run).state.owner?.user == "ag-1")
        let owned = try await server.page("GET", "/runs/\(run)?lang=zh", cookie: cookie)
        #expect(owned.html.contains("value=\"release\"") && owned.html.contains("负责人"), "\(owned.html)")
        #expect(!owned.html.contains("value=\"claim\""))
        let mine = try await server.page("GET", "/work", cookie: cookie)
        #expect(mine.html.contains("Owner: ag-1") || mine.html.contains("负责人: ag-1"), "\(mine.html)")
        // The supervisor gets the reassign form, not the claim button.
        let boss = try await server.pageSignIn("sv-1", role: "supervisor")
        let forBoss = try await server.page("GET", "/runs/\(run)", cookie: boss)
        #expect(forBoss.html.contains("value=\"reassign\"") && !forBoss.html.contains("value=\"claim\""))
        let bossWork = try await server.page("GET", "/work", cookie: boss)
        #expect(
            bossWork.html.contains("Queue I may reassign") && bossWork.html.contains("/runs/\(run)"), "\(bossWork.html)"
        )
        let released = try await server.page(
            "POST", "/runs/\(run)/act", form: ["verb": "release", "csrf": csrf], cookie: cookie)
        #expect(released.status == 303)
        #expect(try server.store.run(run).state.owner == nil)
    }

    @Test func escalationsAreListedOnTheRunPageWithEscapedText() async throws {
        let server = try await LiveServer()
        let run = try server.addRenewal()
        try server.store.escalate(now: Timestamp.parse("2027-01-01T00:00:00Z")!)
        let cookie = try await server.pageSignIn("sv-1", role: "supervisor")
        let page = try await server.page("GET", "/runs/\(run)", cookie: cookie)
        #expect(page.html.contains("Reminders and escalations (1)"), "\(page.html)")
        #expect(page.html.contains("Renewal outcome") && page.html.contains("step 1"))
        let zh = try await server.page("GET", "/runs/\(run)?lang=zh", cookie: cookie)
        #expect(zh.html.contains("提醒与升级记录") && zh.html.contains("第1级"))
    }

    @Test func theBoardShowsTheLadderStepARunReached() async throws {
        let server = try await LiveServer()
        let prep = """
            id: room_prep
            version: 1
            title: { zh: 术前准备, en: Room preparation }
            kind: core
            subject: surgical-case
            subject_fields: { scheduled_start: time }
            roles:
              - { id: circulating_nurse, title: { zh: 巡回护士, en: Circulating nurse } }
            phases:
              - id: ready
                title: { zh: 准备, en: Ready }
                items:
                  - id: room.ready
                    title: { zh: 手术间已备好, en: Room ready }
                    type: check
                    deadline: { before: PT0M, of: subject.scheduled_start, escalate_to: circulating_nurse }

            """
        let now = Date()
        try server.store.publish(try #require(ProtocolFile.load(bytes: Array(prep.utf8), file: "p.yaml").spec), at: now)
        try server.store.addSubject(
            Subject(id: "C-9", kind: "surgical-case", room: "OR3", scheduledStart: now), at: now)
        let run = try server.store.perform(
            ActionRequest(
                .start(protocolId: "room_prep", subjectId: "C-9"), by: Actor(id: "sys", role: "circulating_nurse"),
                at: now)
        ).runId
        let cookie = try await server.pageSignIn("n-1", role: "circulating_nurse")
        #expect(!(try await server.page("GET", "/board", cookie: cookie).html.contains("⏰")))
        try server.store.escalate(now: now.addingTimeInterval(60))
        let board = try await server.page("GET", "/board", cookie: cookie)
        #expect(board.html.contains("/runs/\(run)"), "\(board.html)")
        #expect(board.html.contains("⏰ Room ready · Overdue"), "\(board.html)")
    }
}
