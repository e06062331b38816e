import Foundation
import Hummingbird
import QFlowAnalysis
import QFlowEngine
import QFlowProtocolFile
import QFlowStore

/// The JSON bodies of `/api/v1`: every request and response is one of these Codable types (the OpenAPI document
/// describes the same shapes).
enum APIBody {
    /// `POST /api/v1/sessions`.
    struct SignIn: Decodable {
        var user: String
        var password: String
        var role: String
        var workstation: String?
    }

    /// A new session.
    struct SignedIn: Encodable {
        var token, csrf, expiresAt, user, role, session: String
    }

    /// `POST /api/v1/sessions/unlock`.
    struct Unlock: Decodable {
        var password: String
    }

    /// The signed-in user.
    struct Me: Encodable {
        var user, name, role, csrf, session: String
        var subject: String?
        var locked: Bool
    }

    /// A JSON scalar read as text: a string as it is, a number as written, a boolean as the caller spells it
    /// (answers take yes/no, subject facts true/false).
    struct Scalar: Decodable {
        var string: String?
        var bool: Bool?

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let bool = try? container.decode(Bool.self) {
                self.bool = bool
            } else if let int = try? container.decode(Int.self) {
                string = String(int)
            } else if let double = try? container.decode(Double.self) {
                string = String(double)
            } else if let text = try? container.decode(String.self) {
                string = text
            } else {
                throw DecodingError.typeMismatch(
                    String.self, .init(codingPath: decoder.codingPath, debugDescription: "text, a number or a boolean"))
            }
        }

        /// The value as text, with a boolean spelt `yes` / `no` (or as given).
        func text(yes: String = "yes", no: String = "no") -> String { bool.map { $0 ? yes : no } ?? string ?? "" }
    }

    /// `POST /api/v1/runs/{id}/actions`.
    struct Action: Decodable {
        var verb: String
        var item: String?
        var value: Scalar?
        /// The new owner's staff id, for `reassign`.
        var to: String?
        var reason: String?
        var expectedSeq: Int?
    }

    /// One run of a work queue.
    struct QueueItem: Encodable {
        var runId: String
        var `protocol`: String
        var version: Int
        var subject: String
        var status: String
        var queueRole: String
        var owner: String?
        var ownerSince: String?
        var waitingSince: String?
        var lastStep: String?
        var lastStepAt: String?
        var nextStep: String?
        var nextStepDue: String?

        init(_ e: QueueEntry) {
            runId = e.runId
            self.protocol = e.protocolId
            version = e.version
            subject = e.subjectId
            status = e.status.rawValue
            queueRole = e.queueRole
            owner = e.owner
            ownerSince = e.ownerSince
            waitingSince = e.waitingSince
            lastStep = e.lastStep
            lastStepAt = e.lastStepAt
            nextStep = e.nextStep
            nextStepDue = e.nextStepDue
        }
    }

    /// A page of a work queue.
    struct QueueList: Encodable {
        var items: [QueueItem]
    }

    /// An appended event.
    struct Event: Encodable {
        var id: Int64
        var runId: String
        var seq: Int
        var kind: String
    }

    /// What an action did.
    struct ActionReply: Encodable {
        var runId: String
        var seq: Int
        var status: RunStatus
        var events: [Event]
        var triggeredRuns: [String]

        init(_ result: ActionResult) {
            runId = result.runId
            seq = result.seq
            status = result.status
            events = result.events.map { Event(id: $0.id, runId: $0.runId, seq: $0.seq, kind: $0.kind) }
            triggeredRuns = result.triggeredRuns
        }
    }

    /// `POST /api/v1/runs`.
    struct Start: Decodable {
        var `protocol`: String
        var subject: String
    }

    /// A run in a list.
    struct RunLine: Encodable {
        var id, `protocol`, title, status: String
        var version, lastSeq, openRequired, criticalFailures: Int
        var currentPhase: String?
    }

    /// A subject in a list.
    struct Case: Encodable {
        var id, kind: String
        var room, procedure, scheduledStart: String?
        var overdue: Int
        var runs: [RunLine]
    }

    /// A page of subjects.
    struct Cases: Encodable {
        var cases: [Case]
        var nextCursor: String?
    }

    /// An overdue item.
    struct Overdue: Encodable {
        var runId, `protocol`, subject, item: String
        var dueAt: Date
        var room, escalateTo: String?
    }

    /// A page of overdue items.
    struct OverdueList: Encodable {
        var items: [Overdue]
        var nextCursor: String?
    }

    /// What publishing did.
    struct Published: Encodable {
        var `protocol`: String
        var outcome: String
    }

    /// `{"signed_out": true}` and its kind.
    struct Done: Encodable {
        var signedOut: Bool?
        var unlocked: Bool?
        var changed: Bool?
    }
}

/// The JSON API under `/api/v1` (described at `/api/v1/openapi.json`).
extension WorkstationServer {
    func addAPI(to router: Router<WorkstationContext>) {
        on(router, .get, "/api/v1/openapi.json") { _, _ in
            let data = (try? JSONSerialization.data(withJSONObject: OpenAPI.document, options: [.sortedKeys])) ?? Data()
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
        on(router, .post, "/api/v1/sessions") { request, context in try await self.apiSignIn(request, context) }
        on(router, .delete, "/api/v1/sessions") { _, context in
            let store = store
            let token = context.token ?? ""
            try await blocking { try store.signOut(token: token) }
            return try Self.encoded(APIBody.Done(signedOut: true))
        }
        on(router, .post, "/api/v1/sessions/unlock") { request, context in
            let body = try await Self.body(APIBody.Unlock.self, request)
            try await self.unlock(context, password: body.password)
            return try Self.encoded(APIBody.Done(unlocked: true))
        }
        on(router, .get, "/api/v1/me") { _, context in
            let session = try context.requireSession()
            return try Self.encoded(
                APIBody.Me(
                    user: session.user.id, name: session.user.name, role: session.role, csrf: session.csrf,
                    session: session.id, subject: session.user.subject, locked: session.locked))
        }
        on(router, .get, "/api/v1/runs/{id}") { _, context in
            let detail = try await self.visibleRun(context.parameters.get("id") ?? "", to: try context.requireSession())
            return try Self.encoded(RunDocument(detail))
        }
        on(router, .post, "/api/v1/runs/{id}/actions") { request, context in
            let body = try await Self.body(APIBody.Action.self, request)
            let result = try await self.act(
                runId: context.parameters.get("id") ?? "", verb: body.verb, item: body.item,
                value: body.verb == "reassign" ? body.to : body.value?.text(),
                reason: body.reason, expectedSeq: body.expectedSeq, session: try context.requireSession())
            return try Self.encoded(APIBody.ActionReply(result))
        }
        on(router, .post, "/api/v1/runs") { request, context in
            let body = try await Self.body(APIBody.Start.self, request)
            let result = try await self.start(
                protocolId: body.protocol, subject: body.subject, try context.requireSession())
            return try Self.encoded(APIBody.ActionReply(result), status: .created)
        }
        on(router, .get, "/api/v1/cases") { request, context in
            try await self.cases(request, session: try context.requireSession())
        }
        on(router, .post, "/api/v1/protocols") { request, _ in
            var request = request
            let buffer = try await request.collectBody(upTo: 2 * 1024 * 1024)
            let loaded = ProtocolFile.load(bytes: Array(buffer: buffer), file: "request body")
            guard let spec = loaded.spec, loaded.isValid else {
                let first = loaded.diagnostics.first
                throw APIError(.badRequest, "invalid_protocol", first?.description ?? "not a protocol", field: "body")
            }
            let now = clock()
            let store = store
            let outcome = try await blocking { try store.publish(spec, sourceFile: nil, at: now) }
            return try Self.encoded(
                APIBody.Published(protocol: spec.reference, outcome: outcome.rawValue),
                status: outcome == .published ? .created : .ok)
        }
        on(router, .get, "/api/v1/compare") { request, context in
            let named = Access.identifiesRespondents(try context.requireSession())
            let query = request.uri.queryParameters
            guard let measure = query.get("measure") else {
                throw APIError(
                    .badRequest, "invalid_input", "measure is required, e.g. item:sat.overall", field: "measure")
            }
            let names = [query.get("a"), query.get("b")].compactMap { $0 }
            guard names.count == 2 else {
                throw APIError(
                    .badRequest, "invalid_input", "give two cohorts as a and b", field: names.isEmpty ? "a" : "b")
            }
            let store = store
            let data = try await blocking { () throws -> Data in
                let parsed = try Measure(parsing: String(measure))
                let comparison = try Comparison.run(
                    parsed, cohorts: try names.map { try store.cohort(String($0)) }, store: store)
                return try (named ? comparison : comparison.withoutRespondentIds()).json()
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
        on(router, .get, "/api/v1/reports/{file}") { request, context in
            try await reportDownload(
                context.parameters.get("file") ?? "", lang: Self.lang(request), session: try context.requireSession())
        }
        on(router, .get, "/api/v1/overdue") { request, context in
            let session = try context.requireSession()
            let query = try listQuery(request, kind: "surgical-case", protocols: nil)
            let after = try request.uri.queryParameters.get("cursor").flatMap { text -> OverdueCursor? in
                guard let cursor = OverdueCursor(String(text)) else {
                    throw APIError(.badRequest, "invalid_input", "cursor is not one this server gave", field: "cursor")
                }
                return cursor
            }
            let (items, next) = try await self.overdue(for: session, limit: query.limit, after: after)
            return try Self.encoded(
                APIBody.OverdueList(
                    items: items.map {
                        APIBody.Overdue(
                            runId: $0.runId, protocol: $0.protocolId, subject: $0.subjectId, item: $0.item,
                            dueAt: $0.dueAt, room: $0.room, escalateTo: $0.escalateTo)
                    }, nextCursor: next?.description))
        }
        on(router, .get, "/api/v1/queue") { request, context in
            let session = try context.requireSession()
            let query = request.uri.queryParameters
            let mine = query.get("mine").map { $0 == "1" || $0 == "true" } ?? false
            let role: String? = query.get("role").map { String($0) }
            guard mine != (role != nil) else {
                throw APIError(
                    .badRequest, "invalid_input", "give either mine=1 or role=ROLE",
                    field: role == nil ? "mine" : "role")
            }
            let limit = try listQuery(request, kind: "surgical-case", protocols: nil).limit
            let entries = try await self.queue(for: session, mine: mine, role: role, limit: limit)
            return try Self.encoded(APIBody.QueueList(items: entries.map { APIBody.QueueItem($0) }))
        }
        addAccountAPI(to: router)
    }

    /// The open runs the session owns (`mine`) or those offered to `role`, of the protocols the role may see.
    func queue(for session: Session, mine: Bool, role: String?, limit: Int) async throws -> [QueueEntry] {
        let store = store
        return try await blocking {
            let visible = Access.visibleProtocols(try store.publishedSpecs().map(\.spec), session: session)
            let entries =
                mine
                ? try store.myWork(user: session.user.id, limit: limit)
                : try store.queue(role: role ?? "", limit: limit)
            return entries.filter { visible.contains($0.protocolId) }
        }
    }

    func apiSignIn(_ request: Request, _ context: WorkstationContext) async throws -> Response {
        let body = try await Self.body(APIBody.SignIn.self, request)
        let (token, session) = try await signIn(
            user: body.user, password: body.password, role: body.role,
            workstation: body.workstation.flatMap { $0.isEmpty ? nil : $0 }, client: context.client)
        var response = try Self.encoded(
            APIBody.SignedIn(
                token: token, csrf: session.csrf, expiresAt: Timestamp.format(session.expiresAt), user: body.user,
                role: body.role, session: session.id), status: .created)
        response.setCookie(sessionCookie(token, request: request))
        return response
    }

    /// Subjects of one kind the session may list, each with the runs it may see: one page (`limit`, `cursor`),
    /// filtered by `date` (a day in the site's zone), `room` and `q` (a case-number prefix).
    func cases(_ request: Request, session: Session) async throws -> Response {
        let kind = request.uri.queryParameters.get("kind").map { String($0) } ?? "surgical-case"
        let store = store
        let specs = try await blocking { try store.publishedSpecs().map(\.spec) }
        guard Access.canList(kind: kind, specs: specs, session: session) else {
            throw APIError(
                .forbidden, "forbidden", "role \(session.role) may not list subjects of kind \(kind.prefix(40))",
                field: "kind")
        }
        var query = try listQuery(request, kind: kind, protocols: Access.visibleProtocols(specs, session: session))
        let page = try await pageContext(request, session: session)
        if let text = request.uri.queryParameters.get("date"), !text.isEmpty {
            let day = try day(request, page)
            query.from = day.start
            query.to = day.end
        } else {
            (query.from, query.to) = try dateRange(request, page)
        }
        let now = clock()
        let fixed = query
        let result = try await blocking { try store.cases(fixed, at: now) }
        let cases = try result.rows.map { row in
            APIBody.Case(
                id: row.subject.id, kind: row.subject.kind, room: row.subject.room, procedure: row.subject.procedure,
                scheduledStart: row.subject.scheduledStart.map(Timestamp.format), overdue: row.overdue,
                runs: try row.runs.map { run in
                    APIBody.RunLine(
                        id: run.id, protocol: run.protocolId,
                        title: try store.spec(run.protocolId, version: run.version).spec.title.text(Self.lang(request)),
                        status: run.status.rawValue, version: run.version, lastSeq: run.lastSeq,
                        openRequired: run.openRequired,
                        criticalFailures: run.criticalFailures, currentPhase: run.currentPhase)
                })
        }
        return try Self.encoded(APIBody.Cases(cases: cases, nextCursor: result.next?.description))
    }

    /// Overdue items of the runs the session may see, one page.
    func overdue(for session: Session, limit: Int, after: OverdueCursor? = nil) async throws
        -> (items: [OverdueEntry], next: OverdueCursor?)
    {
        let now = clock()
        let store = store
        return try await blocking {
            let visible = Access.visibleProtocols(try store.publishedSpecs().map(\.spec), session: session)
            return try store.overdue(at: now, protocols: visible, limit: limit, after: after)
        }
    }
}

extension WorkstationContext {
    /// The session; routes that admit only signed-in roles always have one.
    func requireSession() throws -> Session {
        guard let session else {
            throw APIError(.unauthorized, "not_signed_in", "sign in first (POST /api/v1/sessions)")
        }
        return session
    }
}
