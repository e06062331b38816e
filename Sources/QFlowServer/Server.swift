import Foundation
import Hummingbird
import QFlowAnalysis
import QFlowEngine
import QFlowProtocolFile
import QFlowStore

/// `qflow serve`: the workstation's JSON API (and, later, its pages) over a ``Store``.
///
/// Every write is an engine event carrying the signed-in user, role and workstation. Requests authenticate with the
/// session cookie (then unsafe methods must echo the session's CSRF token in `X-CSRF-Token`) or with
/// `Authorization: Bearer TOKEN` (no CSRF: no ambient credential). Errors are JSON `{"code", "message", "field"?}`.
public struct WorkstationServer: Sendable {
    /// The database.
    public let store: Store
    /// Sign-in rules.
    public let policy: SignInPolicy
    /// The clock (tests pass a fixed one).
    public let clock: @Sendable () -> Date
    /// Sessions read recently, so that each request does not read the database to authenticate.
    let sessions = SessionCache()
    /// Where report definitions are (`Reports/`), for downloads from the quality page.
    public let reports: String?

    /// Creates a server over a store.
    public init(
        store: Store, policy: SignInPolicy = SignInPolicy(), reports: String? = nil,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.policy = policy
        self.reports = reports
        self.clock = clock
    }

    /// The session cookie's name.
    public static let cookieName = "qflow_session"

    /// Serves until the process is asked to stop; `onRunning` receives the bound port (useful with port 0).
    public func run(host: String, port: Int, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = Application(
            router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "qflow"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) })
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    /// The routes.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: StoreErrorMiddleware())
        let api = router.group("api/v1")
        api.get("openapi.json") { _, _ in Self.json(OpenAPI.document) }
        api.post("sessions") { request, _ in try await self.signIn(request) }
        api.delete("sessions") { request, _ in try await self.authenticated(request) { _, token in
            try await blocking { try store.signOut(token: token) }
            sessions.forget(token)
            return Self.json(["signed_out": true])
        } }
        api.get("me") { request, _ in try await self.authenticated(request) { session, _ in
            Self.json(["user": session.user.id, "name": session.user.name, "role": session.role, "csrf": session.csrf])
        } }
        api.get("runs/{id}") { request, context in try await self.authenticated(request) { _, _ in
            let id = context.parameters.get("id") ?? ""
            let detail = try await blocking { try store.run(id) }
            return try Self.encoded(RunDocument(detail))
        } }
        api.post("runs/{id}/actions") { request, context in try await self.authenticated(request) { session, _ in
            try await self.act(request, runId: context.parameters.get("id") ?? "", session: session)
        } }
        api.get("cases") { request, _ in try await self.authenticated(request) { _, _ in
            let day = request.uri.queryParameters.get("date")
            let kind = request.uri.queryParameters.get("kind") ?? "surgical-case"
            let subjects = try await blocking { try store.subjects(kind: kind, limit: 100_000) }
            let wanted = subjects.filter { s in
                guard let day else { return true }
                return s.scheduledStart.map { Timestamp.format($0).hasPrefix(day) || Self.localDay($0) == day } ?? false
            }
            var out: [[String: Any]] = []
            for subject in wanted {
                let runs = try await blocking { try store.runs(subject: subject.id) }
                out.append([
                    "id": subject.id, "room": subject.room ?? "", "procedure": subject.procedure ?? "",
                    "scheduled_start": subject.scheduledStart.map(Timestamp.format) ?? "",
                    "runs": runs.map { ["id": $0.id, "protocol": $0.protocolId, "status": $0.status, "last_seq": $0.lastSeq] as [String: Any] },
                ])
            }
            return Self.json(out)
        } }
        api.post("protocols") { request, _ in try await self.authenticated(request) { session, _ in
            guard session.role == "administrator" else {
                throw APIError(.forbidden, "role_not_allowed", "only an administrator publishes protocols")
            }
            var request = request
            let buffer = try await request.collectBody(upTo: 2 * 1024 * 1024)
            let loaded = ProtocolFile.load(bytes: Array(buffer: buffer), file: "request body")
            guard let spec = loaded.spec, loaded.isValid else {
                let first = loaded.diagnostics.first
                throw APIError(.badRequest, "invalid_protocol", first?.description ?? "not a protocol", field: "body")
            }
            let now = clock()
            let outcome = try await blocking { try store.publish(spec, sourceFile: nil, at: now) }
            return Self.json(["protocol": spec.reference, "outcome": outcome.rawValue], status: outcome == .published ? .created : .ok)
        } }
        api.get("compare") { request, _ in try await self.authenticated(request) { session, _ in
            guard Self.qualityRoles.contains(session.role) else {
                throw APIError(.forbidden, "role_not_allowed", "comparisons are for quality roles, not \(session.role)")
            }
            let query = request.uri.queryParameters
            guard let measure = query.get("measure") else {
                throw APIError(.badRequest, "invalid_input", "measure is required, e.g. item:sat.overall", field: "measure")
            }
            let names = [query.get("a"), query.get("b")].compactMap { $0 }
            guard names.count == 2 else {
                throw APIError(.badRequest, "invalid_input", "give two cohorts as a and b", field: names.isEmpty ? "a" : "b")
            }
            let data = try await blocking { () throws -> Data in
                let parsed = try Measure(parsing: measure)
                do {
                    return try Comparison.run(parsed, cohorts: try names.map { try store.cohort($0) }, store: store).json()
                } catch let error as AnalysisError {
                    throw APIError(.unprocessableContent, "no_comparison", error.message)
                }
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        } }
        api.get("reports/{file}") { request, context in try await self.authenticated(request) { session, _ in
            guard Self.qualityRoles.contains(session.role) else {
                throw APIError(.forbidden, "role_not_allowed", "reports are for quality roles, not \(session.role)")
            }
            let file = context.parameters.get("file") ?? ""
            guard reportFiles().contains(file) else {
                throw APIError(.notFound, "not_found", "no report \(file)", field: "file")
            }
            return try await reportDownload(file, lang: Self.lang(request))
        } }
        api.get("overdue") { request, _ in try await self.authenticated(request) { _, _ in
            let now = clock()
            let items = try await blocking { try store.overdue(at: now) }
            return Self.json(items.map {
                ["run_id": $0.runId, "protocol": $0.protocolId, "subject": $0.subjectId, "room": $0.room ?? "",
                 "item": $0.item, "due_at": $0.dueAt, "escalate_to": $0.escalateTo ?? ""] as [String: Any]
            })
        } }
        addPages(to: router)
        addQualityPages(to: router)
        return router
    }

    // MARK: Authentication

    func signIn(_ request: Request) async throws -> Response {
        let body = try await Self.object(request)
        let user = try Self.field(body, "user")
        let password = try Self.field(body, "password")
        let role = try Self.field(body, "role")
        let workstation = body["workstation"] as? String
        let now = clock()
        let (token, session) = try await blocking {
            try store.signIn(userId: user, password: password, role: role, workstation: workstation, policy: policy, at: now)
        }
        var response = Self.json(
            ["token": token, "csrf": session.csrf, "expires_at": Timestamp.format(session.expiresAt), "user": user,
             "role": role] as [String: Any], status: .created)
        response.setCookie(
            Cookie(name: Self.cookieName, value: token, maxAge: Int(policy.sessionLength), path: "/", httpOnly: true,
                sameSite: .strict))
        return response
    }

    /// Runs `body` with the request's session; 401 without one, 403 when a cookie request lacks the CSRF token.
    func authenticated(_ request: Request, _ body: (Session, String) async throws -> Response) async throws -> Response {
        var token: String?
        var viaCookie = false
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            token = String(header.dropFirst(7))
        } else if let cookie = request.cookies[Self.cookieName] {
            token = cookie.value
            viaCookie = true
        }
        let now = clock()
        guard let token, let session = try await session(token, at: now) else {
            throw APIError(.unauthorized, "not_signed_in", "sign in first (POST /api/v1/sessions)")
        }
        if viaCookie, request.method != .get, request.method != .head,
            !session.acceptsCSRF(request.headers.first { $0.name.canonicalName == "x-csrf-token" }?.value)
        {
            throw APIError(.forbidden, "csrf", "missing or wrong X-CSRF-Token for this session", field: "X-CSRF-Token")
        }
        return try await body(session, token)
    }

    /// The live session of a token: from the cache for up to 30 s, else from the database.
    func session(_ token: String, at now: Date) async throws -> Session? {
        if let cached = sessions.get(token, at: now) { return cached }
        guard let session = try await blocking({ try store.session(token: token, at: now) }) else { return nil }
        sessions.put(token, session, until: min(session.expiresAt, now.addingTimeInterval(30)))
        return session
    }

    // MARK: Actions

    func act(_ request: Request, runId: String, session: Session) async throws -> Response {
        let body = try await Self.object(request)
        let verb = try Self.field(body, "verb")
        let reason = body["reason"] as? String
        var expected: Int?
        if let seq = body["expected_seq"] {
            guard let n = seq as? Int else { throw APIError(.badRequest, "invalid_input", "expected_seq is a whole number", field: "expected_seq") }
            expected = n
        }
        let spec = try await blocking { try store.specOfRun(runId) }
        // A role acts only on protocols that name it.
        guard spec.roles.contains(where: { $0.id == session.role }) else {
            throw APIError(
                .forbidden, "role_not_allowed",
                "role \(session.role) takes no part in \(spec.reference) (roles: \(spec.roles.map(\.id).joined(separator: ", ")))")
        }
        let command: RunCommand
        switch verb {
        case "record":
            let id = try Self.field(body, "item")
            guard let item = spec.items.first(where: { $0.id == id }) else {
                throw APIError(.badRequest, "unknown_item", "\(spec.reference) has no item '\(id)'", field: "item")
            }
            let raw: String
            switch body["value"] {
            case let s as String: raw = s
            case let b as Bool where type(of: body["value"]!) == Bool.self: raw = b ? "yes" : "no"
            case let n as Int: raw = String(n)
            case let n as Double: raw = String(n)
            default: throw APIError(.badRequest, "invalid_input", "value is missing", field: "value")
            }
            do {
                command = .record(item: id, value: try item.parseAnswer(raw))
            } catch {
                throw APIError(.badRequest, error.code.rawValue, error.message, field: "value")
            }
        case "sign": command = .sign(item: try Self.field(body, "item"))
        case "return": command = .returnTo(item: body["item"] as? String)
        case "jump": command = .jump(to: try Self.field(body, "item"))
        case "suspend": command = .suspend
        case "resume": command = .resume
        case "stop": command = .stop
        case "complete": command = .complete
        default:
            throw APIError(
                .badRequest, "invalid_input",
                "verb must be one of record, sign, return, jump, suspend, resume, stop, complete", field: "verb")
        }
        let actionRequest = ActionRequest(
            .command(runId: runId, command), by: session.actor, at: clock(), reason: reason, expectedSeq: expected)
        let result = try await blocking { try store.perform(actionRequest) }
        return Self.json([
            "run_id": result.runId, "seq": result.seq, "status": result.status,
            "events": result.events.map { ["id": $0.id, "run_id": $0.runId, "seq": $0.seq, "kind": $0.kind] as [String: Any] },
            "triggered_runs": result.triggeredRuns,
        ] as [String: Any])
    }

    static func localDay(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }

    // MARK: JSON

    static func json(_ value: Any, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func encoded(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    static func object(_ request: Request) async throws -> [String: Any] {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: 64 * 1024)
        } catch {
            throw APIError(.contentTooLarge, "invalid_input", "the request body is at most 64 KB")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any] else {
            throw APIError(.badRequest, "invalid_input", "the body must be a JSON object")
        }
        return object
    }

    static func field(_ body: [String: Any], _ name: String) throws -> String {
        guard let value = body[name] as? String, !value.isEmpty else {
            throw APIError(.badRequest, "invalid_input", "\(name) is required (text)", field: name)
        }
        return value
    }
}

/// Runs blocking store work off the cooperative pool.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try body() })
        }
    }
}

/// Recently read sessions, each kept until the earlier of its expiry and 30 seconds after it was read.
final class SessionCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (session: Session, until: Date)] = [:]

    func get(_ token: String, at now: Date) -> Session? {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = entries[token], entry.until > now else { return nil }
        return entry.session
    }

    func put(_ token: String, _ session: Session, until: Date) {
        lock.lock()
        if entries.count > 10_000 { entries = [:] }
        entries[token] = (session, until)
        lock.unlock()
    }

    func forget(_ token: String) {
        lock.lock()
        entries[token] = nil
        lock.unlock()
    }
}
