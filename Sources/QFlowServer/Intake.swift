import Foundation
import Hummingbird
import QFlowEngine
import QFlowStore

/// Cases come in three ways — the intake form, the day's schedule as CSV (page or API), and JSON — and all go
/// through the store's one intake, which checks them against the published protocols and the site, and starts the
/// site's bundles in the same transaction.
extension WorkstationServer {
    /// A case as the JSON API takes it (`POST /api/v1/cases`).
    struct CaseBody: Decodable {
        var caseId: String
        var kind: String?
        var room: String?
        var procedure: String?
        var scheduledStart: String?
        var patientRef: String?
        var ward: String?
        var label: String?
        var facts: [String: APIBody.Scalar]?
    }

    /// What adding a case did.
    struct IntakeReply: Encodable {
        struct Started: Encodable {
            var runId, `protocol`: String
            var bundle: String?
        }
        var caseId: String
        var runs: [Started]
        init(_ result: IntakeResult) {
            caseId = result.subjectId
            runs = result.runs.map { Started(runId: $0.runId, protocol: $0.protocolId, bundle: $0.bundleId) }
        }
    }

    /// What an import did.
    struct ImportReply: Encodable {
        var added, unchanged, updated: [String]
        var runsStarted: Int
        var summary: String
        init(_ report: ImportReport) {
            added = report.added
            unchanged = report.unchanged
            updated = report.updated
            runsStarted = report.runsStarted
            summary = report.summary
        }
    }

    func addIntake(to router: Router<WorkstationContext>) {
        on(router, .post, "/api/v1/cases") { request, context in
            let session = try context.requireSession()
            let body = try await Self.body(CaseBody.self, request)
            let settings = try await siteSettings()
            let kind = body.kind ?? "surgical-case"
            try Self.requireAdd(kind: kind, session)
            var start: Date?
            if let text = body.scheduledStart, !text.isEmpty {
                switch CaseSchedule.time(text, in: settings.timeZone) {
                case .success(let date): start = date
                case .failure(let problem):
                    throw APIError(.badRequest, "invalid_input", problem.message, field: "scheduled_start")
                }
            }
            let subject = Subject(
                id: body.caseId, kind: kind, label: body.label, patientRef: body.patientRef, room: body.room,
                ward: body.ward, procedure: body.procedure, scheduledStart: start,
                facts: (body.facts ?? [:]).mapValues { $0.text(yes: "true", no: "false") })
            let store = store
            let now = clock()
            do {
                let result = try await blocking { try store.addCase(subject, by: session.actor, at: now) }
                return try Self.encoded(IntakeReply(result), status: .created)
            } catch {
                throw Self.intakeError(error, factsPrefix: "facts.")
            }
        }
        on(router, .post, "/api/v1/cases/import") { request, context in
            let session = try context.requireSession()
            let type = request.headers[.contentType]?.lowercased() ?? ""
            guard type.hasPrefix("text/csv") else {
                throw APIError(
                    .unsupportedMediaType, "unsupported_media_type", "send the schedule as text/csv (UTF-8)",
                    field: "Content-Type")
            }
            var request = request
            let buffer: ByteBuffer
            do {
                buffer = try await request.collectBody(upTo: CaseSchedule.maximumBytes)
            } catch {
                throw APIError(
                    .contentTooLarge, "file_too_large",
                    "a schedule is at most \(CaseSchedule.maximumBytes / 1_048_576) MB "
                        + "and \(CaseSchedule.maximumRows) rows"
                )
            }
            let update = request.uri.queryParameters.get("update").map { $0 == "true" || $0 == "1" } ?? false
            let report = try await importSchedule(Array(buffer: buffer), update: update, session)
            return try Self.encoded(ImportReply(report), status: report.added.isEmpty ? .ok : .created)
        }
        on(router, .get, "/cases/new") { request, context in
            try await self.withLanguage(request, context) { page in
                let kind = request.uri.queryParameters.get("kind").map { String($0) }
                return try await self.intakePage(page, kind: kind, values: [:], notice: nil)
            }
        }
        on(router, .post, "/cases/new") { request, context in
            let session = try context.requireSession()
            let form = try await Self.form([String: String].self, request, context: context)
            guard session.acceptsCSRF(form["csrf"]) || !context.viaCookie else {
                throw APIError(.forbidden, "csrf", "the form is out of date (CSRF): reload the page", field: "csrf")
            }
            let page = try await self.pageContext(request, session: session)
            return try await self.addFromForm(form, page)
        }
        on(router, .post, "/cases/import") { request, context in
            let session = try context.requireSession()
            let page = try await self.pageContext(request, session: session)
            let (file, fields) = try await Self.upload(request, limit: CaseSchedule.maximumBytes)
            guard !context.viaCookie || session.acceptsCSRF(fields["csrf"]) else {
                throw APIError(.forbidden, "csrf", "the form is out of date (CSRF): reload the page", field: "csrf")
            }
            do {
                let report = try await self.importSchedule(file, update: fields["update"] == "on", session)
                return try await self.importedPage(page, report)
            } catch {
                let refusal = try APIError.refusal(error)
                return try await self.intakePage(
                    page, kind: "surgical-case", values: [:], notice: page.explain(error),
                    problems: refusal.problems ?? [], status: refusal.status)
            }
        }
    }

    /// A role outside the kind's intake is refused before anything is read.
    static func requireAdd(kind: String, _ session: Session) throws {
        guard Access.canAdd(kind: kind, role: session.role), session.user.subject == nil else {
            throw APIError(
                .forbidden, "forbidden", "role \(session.role) may not add subjects of kind \(kind.prefix(40))",
                field: "kind")
        }
    }

    /// The store's refusal of a case, with the field at fault as the API names it.
    static func intakeError(_ error: any Error, factsPrefix: String) -> APIError {
        var api = APIError(error)
        let standard = Set(CaseSchedule.standardColumns)
        if let field = api.problems?.first?.field ?? api.field {
            api.field = standard.contains(field) ? field : factsPrefix + field
        }
        return api
    }

    /// Imports a schedule for a session: every row's kind must be one the role adds (the store refuses the file
    /// otherwise, before writing anything).
    func importSchedule(_ bytes: [UInt8], update: Bool, _ session: Session) async throws -> ImportReport {
        let kinds = session.user.subject == nil ? Set(Access.addableKinds(role: session.role)) : []
        guard !kinds.isEmpty else {
            throw APIError(.forbidden, "forbidden", "role \(session.role) may not add subjects")
        }
        let store = store
        let now = clock()
        let actor = session.actor
        return try await blocking {
            try store.importSchedule(bytes, mode: update ? .update : .create, kinds: kinds, by: actor, at: now)
        }
    }

    /// The intake page: one case (fields for the kind's declared facts), and the schedule upload.
    func intakePage(
        _ page: PageContext, kind requested: String?, values: [String: String], notice: String?,
        problems: [StoreError.Problem] = [], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let session = page.session!
        let kinds = Access.addableKinds(role: session.role)
        let kind = requested.flatMap { kinds.contains($0) ? $0 : nil } ?? kinds.first ?? "surgical-case"
        let store = store
        let fields = try await blocking { try store.declaredSubjectFields(kind: kind) }
        let settings = try await siteSettings()
        let places = kind == "linen-batch" ? settings.laundryLines : kind == "surgical-case" ? settings.rooms : []
        var body: HTML = "<h1>\(page.t(Wording.intakeTitle))</h1>"
        if let notice { body += "<p class=\"error\" role=\"alert\">\(notice)</p>" }
        if !problems.isEmpty {
            let rows = problems.map {
                HTML(
                    "<tr><td>\($0.line.map(String.init) ?? "")</td><td>\($0.field ?? "")</td>"
                        + "<td>\($0.message(page.language))</td></tr>"
                )
            }
            body += """
                <h2 class="error">\(page.t(Wording.rowsInError))</h2><table class="problems"><tr>\
                <th>\(page.t(Wording.fileLine))</th>\
                <th>\(page.t(Wording.column))</th><th>\(page.t(Wording.problem))</th></tr>\(rows)</table>
                """
        }
        if Access.canAdd(kind: "surgical-case", role: session.role) {
            body += """
                <h2>\(page.t(Wording.schedule))</h2><p class="guidance">\(page.t(Wording.scheduleHelp))</p>\
                <form method="post" action="/cases/import" enctype="multipart/form-data"\
                 class="intake">\(page.csrfField)\
                <input type="file" name="file" accept=".csv,text/csv" required\
                 aria-label="\(page.t(Wording.schedule))">\
                <label><input type="checkbox" name="update"> \(page.t(Wording.updateChanged))</label>\
                <button class="yes">\(page.t(Wording.upload))</button></form>
                """
        }
        let kindLinks =
            kinds.count > 1
            ? HTML.join(
                kinds.map {
                    // The attribute is markup: typed HTML, so that it is not escaped as text.
                    HTML(
                        "<a href=\"/cases/new?kind=\($0)\"\($0 == kind ? HTML(" class=\"current\"") : .empty)>"
                            + "\(page.t(Wording.kind($0)))</a>")
                }, separator: " · ")
            : .empty
        func value(_ name: String) -> String { values[name] ?? "" }
        let roomControl: HTML =
            places.isEmpty
            ? "<input name=\"room\" value=\"\(value("room"))\" maxlength=\"100\">"
            : "<select name=\"room\">\(places.map { HTML.option($0, selected: $0 == value("room")) })</select>"
        var controls: HTML = """
            \(PageContext.hidden("kind", kind))\
            <label>\(page.t(Wording.caseNumber)) <input name="case_id" required maxlength="100"\
             value="\(value("case_id"))"></label>\
            <label>\(page.t(kind == "linen-batch" ? Wording.line : Wording.room)) \(roomControl)</label>
            """
        if kind == "surgical-case" {
            controls += """
                <label>\(page.t(Wording.procedure)) <input name="procedure" maxlength="200"\
                 value="\(value("procedure"))"></label>\
                <label>\(page.t(Wording.patientRef)) <input name="patient_ref" maxlength="200"\
                 value="\(value("patient_ref"))"></label>\
                <label>\(page.t(Wording.ward)) <input name="ward" maxlength="200" value="\(value("ward"))"></label>
                """
        }
        controls += """
            <label>\(page.t(Wording.scheduledStart)) <input type="datetime-local" name="scheduled_start" \
            value="\(value("scheduled_start"))"></label>
            """
        for field in fields {
            let label = page.t(Wording.fact(field.name))
            switch field.type {
            case .bool:
                controls +=
                    "<label><input type=\"checkbox\" "
                    + "name=\"fact.\(field.name)\"\(value("fact." + field.name) == "on" ? " checked" : "")>"
                    + " \(label)</label>"
            case .number:
                controls +=
                    "<label>\(label) <input name=\"fact.\(field.name)\" inputmode=\"decimal\" "
                    + "value=\"\(value("fact." + field.name))\"></label>"
            case .time:
                controls +=
                    "<label>\(label) <input type=\"datetime-local\" name=\"fact.\(field.name)\" "
                    + "value=\"\(value("fact." + field.name))\"></label>"
            case .date:
                controls +=
                    "<label>\(label) <input type=\"date\" name=\"fact.\(field.name)\" "
                    + "value=\"\(value("fact." + field.name))\"></label>"
            case .text:
                controls +=
                    "<label>\(label) <input name=\"fact.\(field.name)\" maxlength=\"200\" "
                    + "value=\"\(value("fact." + field.name))\"></label>"
            }
        }
        body += """
            <h2>\(page.t(Wording.oneCase)) · \(page.t(Wording.kind(kind)))</h2><p>\(kindLinks)</p>\
            <form method="post" action="/cases/new" class="intake">\(page.csrfField)\(controls)\
            <p><button class="yes">\(page.t(Wording.add))</button></p></form>
            """
        return page.document(page.t(Wording.intakeTitle), body, status: status)
    }

    /// Adds the case of the intake form; on a refusal the form comes back with everything typed and the reason.
    func addFromForm(_ form: [String: String], _ page: PageContext) async throws -> Response {
        let session = page.session!
        let kind = form["kind"] ?? Access.addableKinds(role: session.role).first ?? "surgical-case"
        try Self.requireAdd(kind: kind, session)
        let store = store
        let fields = try await blocking { try store.declaredSubjectFields(kind: kind) }
        func text(_ name: String) -> String? { form[name].flatMap { $0.isEmpty ? nil : $0 } }
        func local(_ name: String) -> String? {
            text(name).map { value in
                PageContext.parseLocalInput(value, zone: page.timeZone.identifier).map(Timestamp.format) ?? value
            }
        }
        do {
            var facts: [String: String] = [:]
            for field in fields {
                switch field.type {
                case .bool: facts[field.name] = form["fact." + field.name] == "on" ? "true" : "false"
                case .time: if let value = local("fact." + field.name) { facts[field.name] = value }
                default: if let value = text("fact." + field.name) { facts[field.name] = value }
                }
            }
            var start: Date?
            if let value = text("scheduled_start") {
                let zoned =
                    PageContext.parseLocalInput(value, zone: page.timeZone.identifier).map(Timestamp.format) ?? value
                switch CaseSchedule.time(zoned, in: page.timeZone) {
                case .success(let date): start = date
                case .failure(let problem):
                    throw StoreError(
                        problem.message, problems: [StoreError.Problem(field: "scheduled_start", problem.text)])
                }
            }
            let subject = Subject(
                id: text("case_id") ?? "", kind: kind, patientRef: text("patient_ref"), room: text("room"),
                ward: text("ward"), procedure: text("procedure"), scheduledStart: start, facts: facts)
            let now = clock()
            let result = try await blocking { try store.addCase(subject, by: session.actor, at: now) }
            return Self.redirect("/cases/\(result.subjectId)")
        } catch {
            let refusal = try APIError.refusal(error)
            return try await intakePage(
                page, kind: kind, values: form, notice: page.explain(error), problems: refusal.problems ?? [],
                status: refusal.status)
        }
    }

    /// What an import did, with links to the cases added.
    func importedPage(_ page: PageContext, _ report: ImportReport) async throws -> Response {
        let zh = page.language == .zh
        let summary =
            zh
            ? "新增 \(report.added.count)，未变 \(report.unchanged.count)，更新"
                + " \(report.updated.count)；\(report.runsStarted) \(page.t(Wording.runsStarted))"
            : report.summary
        let links = (report.added + report.updated + report.unchanged).prefix(CaseQuery.maximumLimit).map {
            HTML("<li><a href=\"/cases/\($0)\">\($0)</a></li>")
        }
        let body: HTML = """
            <h1>\(page.t(Wording.imported))</h1><p class="summary" role="status">\(summary)</p><ul>\(links)</ul>\
            <p><a href="/">\(page.t(Wording.todayTitle))</a> · <a href="/cases/new">\(page.t(Wording.intakeTitle))</a>\
            </p>
            """
        return page.document(page.t(Wording.imported), body, status: report.added.isEmpty ? .ok : .created)
    }
}
