import Foundation
import QFlowEngine
import QFlowProtocolFile
import QFlowServer
import QFlowStore
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

let countsYAML = """
    id: counts
    version: 1
    title: { zh: 清点, en: Counts }
    kind: core
    subject: surgical-case
    roles:
      - { id: circulating_nurse, title: { zh: 巡回护士, en: Circulating nurse } }
      - { id: scrub_nurse, title: { zh: 洗手护士, en: Scrub nurse } }
    phases:
      - id: only
        title: { zh: 清点, en: Counts }
        items:
          - { id: base, title: { zh: 术前清点, en: Baseline }, type: count, roles: [circulating_nurse] }
          - { id: note, title: { zh: 备注, en: Note }, type: text, required: false }

    """

/// A live server on a free port over a fresh database with two users and one run.
final class LiveServer: @unchecked Sendable {
    let directory: URL
    let store: Store
    var port = 0
    var task: Task<Void, Never>?
    /// This server's own HTTP client: no shared cookie jar (cookies of other test servers on 127.0.0.1 would mix in).
    let http: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        // The suite runs many servers at once, each hashing passwords; on a 2-core machine that is also building,
        // a request waited past the default 60 s. A server that hangs still fails the test, later.
        configuration.timeoutIntervalForRequest = 300
        return URLSession(configuration: configuration)
    }()

    /// The scheme the server speaks.
    var scheme = "http"

    init(
        iterations: Int = 1_000, transport: WorkstationServer.Transport = .init(),
        throttle: SignInThrottle.Limits = .init(), idleTimeout: TimeInterval = 30 * 60,
        site: SiteSettings = SiteSettings(), clock: @escaping @Sendable () -> Date = { Date() }
    ) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try Store.open(path: directory.appendingPathComponent("s.sqlite").path, create: true)
        try store.markAsTestDatabase()
        let t0 = Date()
        try store.publish(try #require(ProtocolFile.load(bytes: Array(countsYAML.utf8), file: "c.yaml").spec), at: t0)
        try store.addSubject(Subject(id: "C-1", kind: "surgical-case", room: "OR3"), at: t0)
        try store.perform(
            ActionRequest(
                .start(protocolId: "counts", subjectId: "C-1"), by: Actor(id: "sys", role: "circulating_nurse"), at: t0)
        )
        var policy = SignInPolicy()
        policy.iterations = iterations
        policy.idleTimeout = idleTimeout
        for (id, roles) in [
            ("n-1", ["circulating_nurse"]), ("n-2", ["scrub_nurse"]), ("l-1", ["linen_staff"]),
            ("q-1", ["quality_manager"]),
            ("h-1", ["head_nurse"]), ("a-1", ["administrator"]), ("d-1", ["surgeon", "anesthetist"]),
        ] {
            try store.addUser(id: id, name: id, roles: roles, password: "password \(id)", policy: policy, at: t0)
        }
        let reports = directory.appendingPathComponent("Reports")
        try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
        try "title: { zh: 清点数据, en: Count data }\nraw: { protocols: [counts] }\n".write(
            to: reports.appendingPathComponent("counts.yaml"), atomically: true, encoding: .utf8)
        try store.saveCohort(Cohort(name: "or3", rooms: ["OR3"]), at: t0)
        try store.saveCohort(Cohort(name: "cases", subjectKind: "surgical-case"), at: t0)
        let server = WorkstationServer(
            store: store, policy: policy, reports: reports.path, transport: transport, throttle: throttle, site: site,
            clock: clock)
        if transport.tls != nil { scheme = "https" }
        let ready = AsyncStream<Int>.makeStream()
        task = Task {
            try? await server.run(host: "127.0.0.1", port: 0) { port in ready.continuation.yield(port) }
        }
        for await bound in ready.stream {
            port = bound
            break
        }
    }

    deinit {
        task?.cancel()
        try? FileManager.default.removeItem(at: directory)
    }

    struct Reply {
        var status: Int
        var json: [String: Any]
        var headers: [String: String]
    }

    func call(
        _ method: String, _ path: String, json body: [String: Any]? = nil, token: String? = nil,
        cookie: String? = nil, csrf: String? = nil, headers: [String: String] = [:]
    ) async throws -> Reply {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.httpShouldHandleCookies = false  // each test sends exactly the cookie it means to
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let cookie { request.setValue("\(WorkstationServer.cookieName)=\(cookie)", forHTTPHeaderField: "Cookie") }
        if let csrf { request.setValue(csrf, forHTTPHeaderField: "X-CSRF-Token") }
        let (data, response) = try await self.http.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        let json = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            headers[String(describing: key).lowercased()] = String(describing: value)
        }
        return Reply(status: http.statusCode, json: json, headers: headers)
    }

    /// Signs in over the API; each user at a workstation of their own (a sign-in ends the earlier one there).
    func signIn(_ user: String, role: String, workstation: String? = nil) async throws -> (token: String, csrf: String)
    {
        let reply = try await call(
            "POST", "/api/v1/sessions",
            json: [
                "user": user, "password": "password \(user)", "role": role, "workstation": workstation ?? "\(user)-PC",
            ])
        #expect(reply.status == 201, "\(reply.json)")
        return (try #require(reply.json["token"] as? String), try #require(reply.json["csrf"] as? String))
    }
}

@Suite("Workstation API", .serialized)
struct APITests {
    @Test func signInAndOut() async throws {
        let server = try await LiveServer()
        let wrong = try await server.call(
            "POST", "/api/v1/sessions", json: ["user": "n-1", "password": "nope", "role": "circulating_nurse"])
        #expect(wrong.status == 401)
        #expect(wrong.json["code"] as? String == "sign_in_refused")
        let missing = try await server.call(
            "POST", "/api/v1/sessions", json: ["user": "n-1", "role": "circulating_nurse"])
        #expect(missing.status == 400)
        #expect(missing.json["field"] as? String == "password")
        let notJSON = try await server.call("POST", "/api/v1/sessions")
        #expect(notJSON.status == 415)
        let wrongRole = try await server.call(
            "POST", "/api/v1/sessions", json: ["user": "n-1", "password": "password n-1", "role": "administrator"])
        #expect(wrongRole.status == 403)
        let (token, _) = try await server.signIn("n-1", role: "circulating_nurse")
        #expect(try await server.call("GET", "/api/v1/me", token: token).json["role"] as? String == "circulating_nurse")
        #expect(try await server.call("DELETE", "/api/v1/sessions", token: token).status == 200)
        #expect(try await server.call("GET", "/api/v1/me", token: token).status == 401)
    }

    @Test func everyActionIsAnEventWithTheSignedInActor() async throws {
        let server = try await LiveServer()
        #expect(try await server.call("GET", "/api/v1/runs/R000001").status == 401)
        let (token, _) = try await server.signIn("n-1", role: "circulating_nurse", workstation: "OR3-PC")
        let run = try await server.call("GET", "/api/v1/runs/R000001", token: token)
        #expect(run.status == 200)
        let seq = try #require((run.json["run"] as? [String: Any])?["lastSeq"] as? Int)
        let ok = try await server.call(
            "POST", "/api/v1/runs/R000001/actions",
            json: ["verb": "record", "item": "base", "value": 12, "expected_seq": seq],
            token: token)
        #expect(ok.status == 200, "\(ok.json)")
        #expect(ok.json["seq"] as? Int == seq + 1)
        // The same stale view again: someone else changed the run first.
        let stale = try await server.call(
            "POST", "/api/v1/runs/R000001/actions",
            json: ["verb": "record", "item": "base", "value": 13, "expected_seq": seq],
            token: token)
        #expect(stale.status == 409)
        #expect(stale.json["code"] as? String == "conflict")
        let history = try await server.call("GET", "/api/v1/runs/R000001", token: token)
        let last = try #require((history.json["events"] as? [[String: Any]])?.last)
        #expect(last["user"] as? String == "n-1")
        #expect(last["role"] as? String == "circulating_nurse")
        #expect(last["workstation"] as? String == "OR3-PC")
        #expect(try await server.store.run("R000001").state.answers["base"]?.value == .count(12))
    }

    @Test func rolesAreEnforcedOnTheServer() async throws {
        let server = try await LiveServer()
        let (scrub, _) = try await server.signIn("n-2", role: "scrub_nurse")
        let item = try await server.call(
            "POST", "/api/v1/runs/R000001/actions", json: ["verb": "record", "item": "base", "value": "3"], token: scrub
        )
        #expect(item.status == 403)
        #expect(item.json["code"] as? String == "role_not_allowed")
        let (linen, _) = try await server.signIn("l-1", role: "linen_staff")
        let outsider = try await server.call(
            "POST", "/api/v1/runs/R000001/actions", json: ["verb": "record", "item": "note", "value": "x"], token: linen
        )
        // A run outside the role's scope is not found, exactly like a run that does not exist.
        #expect(outsider.status == 404)
        let missing = try await server.call(
            "POST", "/api/v1/runs/R999999/actions", json: ["verb": "record", "item": "note", "value": "x"], token: linen
        )
        #expect(
            outsider.json as NSDictionary == [
                "code": "not_found", "message": "no run R000001 (list runs with qflow run list)",
            ])
        #expect(missing.json["message"] as? String == "no run R999999 (list runs with qflow run list)")
    }

    @Test func malformedInputNamesTheField() async throws {
        let server = try await LiveServer()
        let (token, _) = try await server.signIn("n-1", role: "circulating_nurse")
        let cases: [([String: Any], String)] = [
            (["item": "base", "value": 1], "verb"),
            (["verb": "fly"], "verb"),
            (["verb": "record", "item": "base"], "value"),
            (["verb": "record", "item": "base", "value": "twelve"], "value"),
            (["verb": "record", "item": "bse", "value": 1], "item"),
            (["verb": "record", "item": "base", "value": 1, "expected_seq": "x"], "expected_seq"),
        ]
        for (body, field) in cases {
            let reply = try await server.call("POST", "/api/v1/runs/R000001/actions", json: body, token: token)
            #expect(reply.status == 400, "\(body)")
            #expect(reply.json["field"] as? String == field, "\(body): \(reply.json)")
        }
        let refused = try await server.call(
            "POST", "/api/v1/runs/R000001/actions", json: ["verb": "stop"], token: token)
        #expect(refused.status == 422)
        #expect(refused.json["code"] as? String == "reason_required")
        #expect(try await server.call("GET", "/api/v1/runs/R999999", token: token).status == 404)
    }

    @Test func cookieSessionsNeedTheCSRFToken() async throws {
        let server = try await LiveServer()
        let (token, csrf) = try await server.signIn("n-1", role: "circulating_nurse")
        let body: [String: Any] = ["verb": "record", "item": "note", "value": "ok"]
        let without = try await server.call("POST", "/api/v1/runs/R000001/actions", json: body, cookie: token)
        #expect(without.status == 403)
        #expect(without.json["code"] as? String == "csrf")
        let with = try await server.call("POST", "/api/v1/runs/R000001/actions", json: body, cookie: token, csrf: csrf)
        #expect(with.status == 200, "\(with.json)")
        #expect(try await server.call("GET", "/api/v1/me", cookie: token).status == 200, "reads need no token")
    }

    @Test func theAPIDescribesItself() async throws {
        let server = try await LiveServer()
        let document = try await server.call("GET", "/api/v1/openapi.json")
        #expect(document.status == 200)
        #expect(document.json["openapi"] as? String == "3.1.0")
        let paths = try #require(document.json["paths"] as? [String: Any])
        #expect(Set(paths.keys).isSuperset(of: ["/api/v1/sessions", "/api/v1/runs/{id}", "/api/v1/runs/{id}/actions"]))
    }
}

@Suite("Workstation API: protocols, cases, board", .serialized)
struct AdministrationTests {
    @Test func onlyAnAdministratorPublishesProtocols() async throws {
        let server = try await LiveServer()
        let v2 = countsYAML.replacingOccurrences(of: "version: 1", with: "version: 2")
        func publish(_ token: String, _ body: String) async throws -> (Int, [String: Any]) {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)/api/v1/protocols")!)
            request.httpMethod = "POST"
            request.httpBody = Data(body.utf8)
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            let (data, response) = try await server.http.data(for: request)
            return (
                (response as! HTTPURLResponse).statusCode,
                (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
            )
        }
        let (nurse, _) = try await server.signIn("n-1", role: "circulating_nurse")
        #expect(try await publish(nurse, v2).0 == 403)
        let (admin, _) = try await server.signIn("a-1", role: "administrator")
        let bad = try await publish(admin, "id: broken\n")
        #expect(bad.0 == 400)
        #expect(bad.1["field"] as? String == "body")
        #expect(try await publish(admin, v2).0 == 201)
        #expect(try server.store.spec("counts").spec.version == 2)
    }

    @Test func casesAndTheBoard() async throws {
        let server = try await LiveServer()
        let (token, _) = try await server.signIn("n-1", role: "circulating_nurse")
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)/api/v1/cases")!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (data, _) = try await server.http.data(for: request)
        let page = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let cases = try #require(page["cases"] as? [[String: Any]])
        #expect(cases.first?["id"] as? String == "C-1")
        let runs = try #require(cases.first?["runs"] as? [[String: Any]])
        #expect(runs.first?["title"] as? String == "Counts", "runs carry their protocol's title")
        let cookie = try await server.pageSignIn("n-1", role: "circulating_nurse")
        let board = try await server.page("GET", "/board", cookie: cookie)
        #expect(board.status == 200)
        #expect(board.html.contains("Board"))
    }
}

@Suite("Every route", .serialized)
struct RouteMatrixTests {
    /// Every API route: not signed in → 401 JSON; a cookie session without its CSRF token → 403 on writes.
    @Test func everyAPIRouteRefusesStrangersAndForgedWrites() async throws {
        let server = try await LiveServer()
        let routes: [(String, String, [String: Any]?)] = [
            ("GET", "/api/v1/me", nil), ("DELETE", "/api/v1/sessions", nil), ("GET", "/api/v1/cases", nil),
            ("GET", "/api/v1/runs/R000001", nil),
            ("POST", "/api/v1/runs/R000001/actions", ["verb": "suspend", "reason": "x"]),
            ("GET", "/api/v1/overdue", nil), ("POST", "/api/v1/protocols", ["x": 1]),
        ]
        for (method, path, body) in routes {
            let stranger = try await server.call(method, path, json: body)
            #expect(stranger.status == 401, "\(method) \(path)")
            #expect(stranger.json["code"] as? String == "not_signed_in", "\(method) \(path)")
        }
        let (token, csrf) = try await server.signIn("n-1", role: "circulating_nurse")
        for (method, path, body) in routes where method != "GET" {
            let forged = try await server.call(method, path, json: body, cookie: token)
            #expect(forged.status == 403, "\(method) \(path) without CSRF")
            #expect(forged.json["code"] as? String == "csrf")
        }
        // Happy paths with the token.
        let cases = try await server.call("GET", "/api/v1/cases", cookie: token)
        #expect(cases.status == 200)
        let overdue = try await server.call("GET", "/api/v1/overdue", cookie: token)
        #expect(overdue.status == 200)
        let suspend = try await server.call(
            "POST", "/api/v1/runs/R000001/actions", json: ["verb": "suspend", "reason": "to CT"], cookie: token,
            csrf: csrf)
        #expect(suspend.status == 200)
    }

    /// Every page: not signed in → redirect to the sign-in page; a form without the CSRF token → 403.
    @Test func everyPageSendsStrangersToSignIn() async throws {
        let server = try await LiveServer()
        for path in [
            "/", "/runs/R000001", "/board", "/overdue", "/linen", "/actions", "/quality",
            "/quality/report?file=counts.yaml",
        ] {
            let reply = try await server.page("GET", path)
            #expect(reply.status == 303, "\(path)")
            #expect(reply.location == "/login", "\(path)")
        }
        let cookie = try await server.pageSignIn("n-1", role: "circulating_nurse")
        for path in ["/runs/R000001/act", "/logout"] {
            let forged = try await server.page("POST", path, form: ["verb": "suspend", "reason": "x"], cookie: cookie)
            #expect(forged.status == 403, "\(path)")
        }
    }
}

@Suite("Workstation API: quality and QC roles", .serialized)
struct QualityAPITests {
    @Test func qualityRolesCompareAndDownloadThroughTheAPI() async throws {
        let server = try await LiveServer()
        let (nurse, _) = try await server.signIn("n-1", role: "circulating_nurse")
        #expect(
            try await server.call("GET", "/api/v1/compare?measure=completion:counts&a=or3&b=cases", token: nurse).status
                == 403)
        let (manager, _) = try await server.signIn("q-1", role: "quality_manager")
        let compared = try await server.call(
            "GET", "/api/v1/compare?measure=completion:counts&a=or3&b=cases", token: manager)
        #expect(compared.status == 200)
        #expect(compared.json["design"] as? String == "paired-binary")
        let missing = try await server.call("GET", "/api/v1/compare?measure=completion:counts&a=or3", token: manager)
        #expect(missing.status == 400)
        #expect(missing.json["field"] as? String == "b")
        let badMeasure = try await server.call("GET", "/api/v1/compare?measure=mean&a=or3&b=cases", token: manager)
        #expect(badMeasure.status == 400)
        #expect(try await server.call("GET", "/api/v1/reports/counts.yaml", token: manager).status == 200)
        #expect(try await server.call("GET", "/api/v1/reports/nope.yaml", token: manager).status == 404)
        #expect(try await server.call("GET", "/api/v1/reports/counts.yaml", token: nurse).status == 403)
    }

    @Test func aScrubNurseCannotCloseAQCAction() async throws {
        let server = try await LiveServer()
        let library = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Protocols/corrective_action.yaml")
        let spec = try #require(ProtocolFile.load(path: library.path).spec)
        try server.store.publish(spec, at: Date())
        try server.store.addSubject(Subject(id: "QC-1", kind: "audit"), at: Date())
        let run = try server.store.perform(
            ActionRequest(
                .start(protocolId: "corrective_action", subjectId: "QC-1"), by: Actor(id: "h", role: "head_nurse"),
                at: Date())
        ).runId
        let (scrub, _) = try await server.signIn("n-2", role: "scrub_nurse")
        let refused = try await server.call(
            "POST", "/api/v1/runs/\(run)/actions", json: ["verb": "complete"], token: scrub)
        // QC audits are outside a scrub nurse's scope: the run is not found, and audits cannot be listed.
        #expect(refused.status == 404)
        #expect(refused.json["code"] as? String == "not_found")
        #expect(try await server.call("GET", "/api/v1/cases?kind=audit", token: scrub).status == 403)
        let (head, _) = try await server.signIn("h-1", role: "head_nurse")
        #expect(try await server.call("GET", "/api/v1/cases?kind=audit", token: head).status == 200)
    }
}
