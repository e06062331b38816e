import Foundation
import Hummingbird
import QFlowAnalysis
import QFlowEngine
import QFlowProtocolFile
import QFlowStore

/// The JSON API under `/api/v1` (described at `/api/v1/openapi.json`).
extension WorkstationServer {
    func addAPI(to router: Router<WorkstationContext>) {
        on(router, .get, "/api/v1/openapi.json") { _, _ in Self.json(OpenAPI.document) }
        on(router, .post, "/api/v1/sessions") { request, context in try await self.apiSignIn(request, context) }
        on(router, .delete, "/api/v1/sessions") { _, context in
            let store = store
            let token = context.token ?? ""
            try await blocking { try store.signOut(token: token) }
            return Self.json(["signed_out": true])
        }
        on(router, .get, "/api/v1/me") { _, context in
            let session = try context.requireSession()
            var me: [String: Any] = [
                "user": session.user.id, "name": session.user.name, "role": session.role, "csrf": session.csrf,
                "session": session.id,
            ]
            if let subject = session.user.subject { me["subject"] = subject }
            return Self.json(me)
        }
        on(router, .get, "/api/v1/runs/{id}") { _, context in
            let detail = try await self.visibleRun(context.parameters.get("id") ?? "", to: try context.requireSession())
            return try Self.encoded(RunDocument(detail))
        }
        on(router, .post, "/api/v1/runs/{id}/actions") { request, context in
            let body = try await Self.object(request)
            var expected: Int?
            if let seq = body["expected_seq"] {
                guard let n = seq as? Int, type(of: seq) != Bool.self else {
                    throw APIError(
                        .badRequest, "invalid_input", "expected_seq is a whole number", field: "expected_seq")
                }
                expected = n
            }
            let value: String?
            switch body["value"] {
            case nil, is NSNull: value = nil
            case let s as String: value = s
            case let b as Bool where type(of: body["value"]!) == Bool.self: value = b ? "yes" : "no"
            case let n as Int: value = String(n)
            case let n as Double: value = String(n)
            default:
                throw APIError(.badRequest, "invalid_input", "value is text, a number or a boolean", field: "value")
            }
            let result = try await self.act(
                runId: context.parameters.get("id") ?? "", verb: try Self.field(body, "verb"),
                item: try Self.optionalField(body, "item"), value: value,
                reason: try Self.optionalField(body, "reason"),
                expectedSeq: expected, session: try context.requireSession())
            return Self.json(
                [
                    "run_id": result.runId, "seq": result.seq, "status": result.status,
                    "events": result.events.map {
                        ["id": $0.id, "run_id": $0.runId, "seq": $0.seq, "kind": $0.kind] as [String: Any]
                    },
                    "triggered_runs": result.triggeredRuns,
                ] as [String: Any])
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
            return Self.json(
                ["protocol": spec.reference, "outcome": outcome.rawValue],
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
                let parsed = try Measure(parsing: measure)
                do {
                    let comparison = try Comparison.run(
                        parsed, cohorts: try names.map { try store.cohort($0) }, store: store)
                    return try (named ? comparison : comparison.withoutRespondentIds()).json()
                } catch let error as AnalysisError {
                    throw APIError(.unprocessableContent, "no_comparison", error.message)
                }
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
        on(router, .get, "/api/v1/reports/{file}") { request, context in
            try await reportDownload(
                context.parameters.get("file") ?? "", lang: Self.lang(request), session: try context.requireSession())
        }
        on(router, .get, "/api/v1/overdue") { _, context in
            let items = try await self.overdue(for: try context.requireSession())
            return Self.json(
                items.map {
                    [
                        "run_id": $0.runId, "protocol": $0.protocolId, "subject": $0.subjectId, "room": $0.room ?? "",
                        "item": $0.item, "due_at": $0.dueAt, "escalate_to": $0.escalateTo ?? "",
                    ] as [String: Any]
                })
        }
        addAccountAPI(to: router)
    }

    func apiSignIn(_ request: Request, _ context: WorkstationContext) async throws -> Response {
        let body = try await Self.object(request)
        let user = try Self.field(body, "user")
        let role = try Self.field(body, "role")
        let (token, session) = try await signIn(
            user: user, password: try Self.field(body, "password"), role: role,
            workstation: try Self.optionalField(body, "workstation").flatMap { $0.isEmpty ? nil : $0 },
            client: context.client)
        var response = Self.json(
            [
                "token": token, "csrf": session.csrf, "expires_at": Timestamp.format(session.expiresAt), "user": user,
                "role": role, "session": session.id,
            ] as [String: Any], status: .created)
        response.setCookie(sessionCookie(token, request: request))
        return response
    }

    /// Subjects of one kind the session may list, each with the runs it may see.
    func cases(_ request: Request, session: Session) async throws -> Response {
        let day = request.uri.queryParameters.get("date")
        let kind = request.uri.queryParameters.get("kind") ?? "surgical-case"
        let store = store
        let specs = try await blocking { try store.publishedVersions().map(\.spec) }
        guard Access.canList(kind: kind, specs: specs, session: session) else {
            throw APIError(
                .forbidden, "forbidden", "role \(session.role) may not list subjects of kind \(kind)", field: "kind")
        }
        let subjects = try await blocking { try store.subjects(kind: kind, limit: 100_000) }
        let wanted = subjects.filter { s in
            guard let day else { return true }
            return s.scheduledStart.map { Timestamp.format($0).hasPrefix(day) || Self.localDay($0) == day } ?? false
        }
        var out: [[String: Any]] = []
        for subject in wanted {
            let runs = visible(try await blocking { try store.runs(subject: subject.id) }, to: session)
            out.append([
                "id": subject.id, "room": subject.room ?? "", "procedure": subject.procedure ?? "",
                "scheduled_start": subject.scheduledStart.map(Timestamp.format) ?? "",
                "runs": runs.map {
                    ["id": $0.id, "protocol": $0.protocolId, "status": $0.status, "last_seq": $0.lastSeq]
                        as [String: Any]
                },
            ])
        }
        return Self.json(out)
    }

    /// Overdue items of the runs the session may see.
    func overdue(for session: Session) async throws -> [OverdueEntry] {
        let now = clock()
        let store = store
        let items = try await blocking { try store.overdue(at: now) }
        // One definition per protocol, not one read per overdue item.
        var specs: [String: ProtocolSpec] = [:]
        for id in Set(items.map(\.protocolId)) { specs[id] = try await blocking { try store.spec(id).spec } }
        return items.filter { entry in
            specs[entry.protocolId].map { Access.canSee($0, subjectId: entry.subjectId, session: session) } ?? false
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
