import Foundation
import Hummingbird
import QFlowEngine
import QFlowStore

/// The server-rendered pages: sign in, today's cases, a case with its checklists, a run's checklist with big
/// controls, the overdue list, the board and the linen and audit lists. Every form that writes posts the session's
/// CSRF token (and, on a run, the sequence number it was drawn at). Every list is one paged store read.
extension WorkstationServer {
    func addPages(to router: Router<WorkstationContext>) {
        on(router, .get, "/assets/app.css") { _, _ in Self.asset(Self.styleSheet, type: "text/css; charset=utf-8") }
        on(router, .get, "/assets/app.js") { _, _ in
            Self.asset(Self.script, type: "text/javascript; charset=utf-8")
        }
        on(router, .get, "/login") { request, _ in
            try await self.pageContext(request, session: nil).loginPage(error: nil)
        }
        on(router, .post, "/login") { request, context in try await self.pageSignIn(request, context) }
        on(router, .post, "/logout") { request, context in
            _ = try await Self.form(CSRFForm.self, request, context: context)
            let store = store
            let token = context.token ?? ""
            try await blocking { try store.signOut(token: token) }
            var response = Self.redirect("/login")
            response.setCookie(
                Cookie(
                    name: Self.cookieName, value: "", maxAge: 0, path: "/", secure: isSecure(request), httpOnly: true,
                    sameSite: .strict))
            return response
        }
        on(router, .post, "/unlock") { request, context in
            let form = try await Self.form(UnlockForm.self, request, context: context)
            try await self.unlock(context, password: form.password ?? "")
            return Self.redirect(Self.localPath(form.back) ?? "/")
        }
        on(router, .get, "/") { request, context in
            try await self.withLanguage(request, context) { page in try await self.todayPage(request, page) }
        }
        on(router, .get, "/board") { request, context in
            try await self.withLanguage(request, context) { page in try await self.boardPage(request, page) }
        }
        on(router, .get, "/overdue") { request, context in
            try await self.withLanguage(request, context) { page in try await self.overduePage(page) }
        }
        on(router, .get, "/work") { request, context in
            try await self.withLanguage(request, context) { page in try await self.workPage(page) }
        }
        on(router, .get, "/linen") { request, context in
            try await self.withLanguage(request, context) { page in
                try await self.listPage(
                    request, page, kind: "linen-batch", title: Wording.linenTitle,
                    readings: ["wash.temp_c", "wash.hold_min", "ln.wash.temp_c", "ln.wash.hold_min"])
            }
        }
        on(router, .get, "/actions") { request, context in
            try await self.withLanguage(request, context) { page in
                try await self.listPage(
                    request, page, kind: "audit", title: Wording.auditsTitle,
                    readings: ["ca.owner", "ca.due", "ca.effective"])
            }
        }
        on(router, .get, "/runs/{id}") { request, context in
            try await self.withLanguage(request, context) { page in
                try await self.runPage(context.parameters.get("id") ?? "", page, notice: nil)
            }
        }
        on(router, .post, "/runs/{id}/act") { request, context in
            let form = try await Self.form(ActForm.self, request, context: context)
            let page = try await self.pageContext(request, session: try context.requireSession())
            return try await self.pageAct(form, runId: context.parameters.get("id") ?? "", page)
        }
        on(router, .get, "/cases/{id}") { request, context in
            try await self.withLanguage(request, context) { page in
                try await self.casePage(context.parameters.get("id") ?? "", page, notice: nil)
            }
        }
        on(router, .post, "/cases/{id}/start") { request, context in
            let form = try await Self.form(StartForm.self, request, context: context)
            let page = try await self.pageContext(request, session: try context.requireSession())
            let subject = context.parameters.get("id") ?? ""
            do {
                let result = try await self.start(protocolId: form.protocol ?? "", subject: subject, page.session!)
                return Self.redirect("/runs/\(result.runId)")
            } catch {
                let refusal = try APIError.refusal(error)
                guard refusal.status != .notFound else { throw error }
                return try await self.casePage(subject, page, notice: page.explain(error), status: refusal.status)
            }
        }
    }

    // MARK: Context

    /// The page's language, session and site settings.
    func pageContext(_ request: Request, session: Session?) async throws -> PageContext {
        let settings = try await siteSettings()
        return PageContext(
            language: Self.lang(request), session: session, timeZone: settings.timeZone,
            idleLockSeconds: settings.idleLockSeconds)
    }

    /// A language chosen with `?lang=` stays chosen on the following pages.
    func withLanguage(
        _ request: Request, _ context: WorkstationContext, _ body: (PageContext) async throws -> Response
    ) async throws -> Response {
        let session = context.session
        var response: Response
        do {
            response = try await body(try await pageContext(request, session: session))
        } catch {
            let refusal = APIError(error)
            guard refusal.status == .notFound else { throw error }
            let page = try await pageContext(request, session: session)
            response = page.document(
                page.t(Wording.notFound),
                "<h1>\(page.t(Wording.notFound))</h1><p class=\"error\">\(refusal.message)</p>", status: .notFound)
        }
        if let lang = request.uri.queryParameters.get("lang"), ["zh", "en"].contains(lang) {
            response.setCookie(
                Cookie(
                    name: "qflow_lang", value: String(lang), path: "/", secure: isSecure(request), httpOnly: true,
                    sameSite: .strict))
        }
        return response
    }

    // MARK: Sign-in and the lock

    func pageSignIn(_ request: Request, _ context: WorkstationContext) async throws -> Response {
        let form = try await Self.form(SignInForm.self, request, context: context)
        let page = try await pageContext(request, session: nil)
        do {
            let (token, _) = try await signIn(
                user: form.user ?? "", password: form.password ?? "", role: form.role ?? "",
                workstation: form.workstation.flatMap { $0.isEmpty ? nil : $0 }, client: context.client)
            var response = Self.redirect("/")
            response.setCookie(sessionCookie(token, request: request))
            return response
        } catch {
            let refusal = try APIError.refusal(error)
            var response = page.loginPage(error: page.explain(error), status: refusal.status)
            if let wait = refusal.retryAfter { response.headers[.retryAfter] = String(wait) }
            return response
        }
    }

    /// Checks the password of the session's own user and lifts the idle lock (through the sign-in throttle).
    func unlock(_ context: WorkstationContext, password: String) async throws {
        let session = try context.requireSession()
        guard let token = context.token else { throw APIError(.unauthorized, "not_signed_in", "sign in first") }
        let now = clock()
        if let wait = throttle.reserve(client: context.client, account: session.user.id, at: now) {
            throw APIError.tooManyAttempts(retryAfter: wait)
        }
        let store = store
        let policy = policy
        let accepted: Bool
        do {
            accepted = try await hashing.run {
                (try? store.unlock(token: token, password: password, policy: policy, at: now)) ?? false
            }
        } catch {
            throttle.release(client: context.client, account: session.user.id, failed: false)
            throw APIError.tooManyAttempts(retryAfter: 1)
        }
        throttle.release(client: context.client, account: session.user.id, failed: !accepted)
        guard accepted else {
            throw APIError(.unauthorized, "sign_in_refused", "password not accepted", field: "password")
        }
    }

    // MARK: Lists

    /// The day a list shows: `?date=YYYY-MM-DD` in the site's zone, else today there.
    func day(_ request: Request, _ page: PageContext) throws -> DateInterval {
        let start =
            try request.uri.queryParameters.get("date").flatMap { $0.isEmpty ? nil : String($0) }
            .map { try startOfDay($0, field: "date", page) } ?? Self.calendar(page).startOfDay(for: clock())
        return DateInterval(start: start, end: Self.nextDay(start, page))
    }

    /// A date range of scheduled starts from `?from=` and `?to=` (days, both included, in the site's zone); either
    /// may be left out.
    func dateRange(_ request: Request, _ page: PageContext) throws -> (from: Date?, to: Date?) {
        let parameters = request.uri.queryParameters
        func text(_ name: String) -> String? { parameters.get(name).flatMap { $0.isEmpty ? nil : String($0) } }
        let from = try text("from").map { try startOfDay($0, field: "from", page) }
        let to = try text("to").map { Self.nextDay(try startOfDay($0, field: "to", page), page) }
        if let from, let to, to <= from {
            throw APIError(.badRequest, "invalid_input", "to is a day on or after from", field: "to")
        }
        return (from, to)
    }

    /// The start of a day written `YYYY-MM-DD`, in the site's zone; a 400 naming `field` for anything else.
    func startOfDay(_ text: String, field: String, _ page: PageContext) throws -> Date {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, text.count == 10,
            let date = Self.calendar(page).date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
            page.day(date) == text
        else {
            throw APIError(.badRequest, "invalid_input", "\(field) is a day, YYYY-MM-DD", field: field)
        }
        return date
    }

    static func calendar(_ page: PageContext) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = page.timeZone
        return calendar
    }

    static func nextDay(_ start: Date, _ page: PageContext) -> Date {
        calendar(page).date(byAdding: .day, value: 1, to: start) ?? start.addingTimeInterval(86_400)
    }

    /// The paging and filter parameters every list takes: `limit` (1–500, default 50), `cursor`, `room`, `q`.
    func listQuery(_ request: Request, kind: String, protocols: Set<String>?, defaultLimit: Int = 50) throws
        -> CaseQuery
    {
        let parameters = request.uri.queryParameters
        var query = CaseQuery(kind: kind, protocols: protocols, limit: defaultLimit)
        if let text = parameters.get("limit") {
            guard let limit = Int(text), (1...CaseQuery.maximumLimit).contains(limit) else {
                throw APIError(.badRequest, "invalid_input", "limit is a whole number from 1 to 500", field: "limit")
            }
            query.limit = limit
        }
        if let text = parameters.get("cursor"), !text.isEmpty {
            guard let cursor = CaseCursor(String(text)) else {
                throw APIError(.badRequest, "invalid_input", "cursor is not one this server gave", field: "cursor")
            }
            query.after = cursor
        }
        if let room = parameters.get("room"), !room.isEmpty { query.room = String(room.prefix(100)) }
        if let search = parameters.get("q"), !search.isEmpty { query.search = String(search.prefix(100)) }
        return query
    }

    /// The kinds of subject whose runs the session sees, in the order the pages offer them.
    func visibleKinds(_ specs: [ProtocolSpec], _ session: Session) -> [String] {
        let visible = Access.visibleProtocols(specs, session: session)
        let kinds = Set(specs.filter { visible.contains($0.id) }.map(\.subject))
        let order = ["surgical-case", "linen-batch", "audit", "respondent", "shift"]
        return order.filter(kinds.contains) + kinds.subtracting(order).sorted()
    }

    func todayPage(_ request: Request, _ page: PageContext) async throws -> Response {
        let session = page.session!
        let store = store
        let specs = try await blocking { try store.publishedSpecs().map(\.spec) }
        let kinds = visibleKinds(specs, session)
        let kind =
            request.uri.queryParameters.get("kind").map { String($0) }.flatMap { kinds.contains($0) ? $0 : nil }
            ?? kinds.first ?? "surgical-case"
        let visible = Access.visibleProtocols(specs, session: session)
        var query = try listQuery(request, kind: kind, protocols: visible)
        let day = try day(request, page)
        if let own = session.user.subject {
            query.subject = own  // a respondent's page is their own survey
        } else if query.search == nil {
            query.from = day.start
            query.to = day.end
        }
        let now = clock()
        let fixed = query
        let result = try await blocking { try store.cases(fixed, at: now) }
        let rooms = try await siteRooms(kind: kind)
        var body: HTML = "<h1>\(page.t(Wording.todayTitle)) · \(page.day(day.start))</h1>"
        body += filterForm(page, action: "/", kinds: kinds, kind: kind, rooms: rooms, query: query, day: day)
        var sections: [HTML] = []
        var current: String?
        var items: [HTML] = []
        func close() {
            if let current {
                sections.append("<section><h2>\(current)</h2><ul class=\"cases\">\(items)</ul></section>")
            }
            items = []
        }
        for row in result.rows.sorted(by: {
            ($0.subject.room ?? "", $0.subject.scheduledStart ?? .distantPast, $0.subject.id) < (
                $1.subject.room ?? "", $1.subject.scheduledStart ?? .distantPast, $1.subject.id
            )
        }) {
            let room = row.subject.room ?? "—"
            if room != current {
                close()
                current = room
            }
            let links = HTML.join(try row.runs.map { try runBadge($0, page) }, separator: " ")
            let time = row.subject.scheduledStart.map(page.time) ?? ""
            let late: HTML =
                row.overdue > 0 ? " <span class=\"late\">\(page.t(Wording.overdue)) \(row.overdue)</span>" : ""
            let what = row.subject.procedure ?? row.subject.label ?? ""
            items.append(
                "<li><b>\(time) <a href=\"/cases/\(row.subject.id)\">\(row.subject.id)</a>"
                    + "</b> \(what)\(late)<br>\(links)</li>"
            )
        }
        close()
        body += sections.isEmpty ? "<p>\(page.t(Wording.noCasesToday))</p>" : HTML.join(sections)
        body += nextLink(request, result.next, page)
        return page.document(page.t(Wording.todayTitle), body)
    }

    /// A run as a link: the protocol's title, its status and progress, and a warning for failed critical items.
    func runBadge(_ run: RunSummary, _ page: PageContext) throws -> HTML {
        let spec = try store.spec(run.protocolId, version: run.version).spec
        var detail = page.t(Wording.status(run.status))
        if run.status == .active, run.openRequired > 0 {
            detail += " · \(run.openRequired) \(page.language.text(zh: "项待填", en: "open"))"
        }
        let warning: HTML = run.criticalFailures > 0 ? " <span class=\"fail\">⚠ \(run.criticalFailures)</span>" : ""
        return
            "<a class=\"run \(run.status.rawValue)\" href=\"/runs/\(run.id)\">\(page.t(spec.title)) "
            + "· \(detail)\(warning)</a>"
    }

    /// The filter bar of a list: kind, day, room and case-number search.
    func filterForm(
        _ page: PageContext, action: String, kinds: [String], kind: String, rooms: [String], query: CaseQuery,
        day: DateInterval?
    ) -> HTML {
        if page.session?.user.subject != nil { return .empty }
        let kindSelect: HTML =
            kinds.count > 1
            ? "<label>\(page.t(Wording.kind)) <select name=\"kind\">"
                + "\(kinds.map { HTML.option($0, page.t(Wording.kind($0)), selected: $0 == kind) })</select></label>"
            : .empty
        let roomOptions = rooms.map { HTML("<option\($0 == query.room ? " selected" : "")>\($0)</option>") }
        let dateField: HTML =
            day.map {
                "<label>\(page.t(Wording.date)) <input type=\"date\" name=\"date\" value=\"\(page.day($0.start))\">"
                    + "</label>"
            }
            ?? .empty
        return """
            <form method="get" action="\(action)" class="filters">\(kindSelect)\(dateField)\
            <label>\(page.t(Wording.room)) <select name="room"><option value="">\(page.t(Wording.allRooms))\
            </option>\(roomOptions)</select></label>\
            <label>\(page.t(Wording.searchCase)) <input name="q" value="\(query.search)" maxlength="100"></label>\
            <button>\(page.t(Wording.filter))</button></form>
            """
    }

    /// The link to the next page of a list (the same filters, the cursor of the last row).
    func nextLink(_ request: Request, _ next: CaseCursor?, _ page: PageContext) -> HTML {
        guard let next else { return .empty }
        var components = URLComponents()
        components.path = request.uri.path
        var items = request.uri.queryParameters.filter { $0.key != "cursor" }.map {
            URLQueryItem(name: String($0.key), value: String($0.value))
        }
        items.append(URLQueryItem(name: "cursor", value: next.description))
        components.queryItems = items.sorted { $0.name < $1.name }
        return "<p><a class=\"next\" href=\"\(components.string ?? "?")\">\(page.t(Wording.morePages)) →</a></p>"
    }

    /// The head nurse's live board: per room, the day's cases with each run's phase, what is overdue and what failed.
    func boardPage(_ request: Request, _ page: PageContext) async throws -> Response {
        let session = page.session!
        let store = store
        let specs = try await blocking { try store.publishedSpecs().map(\.spec) }
        var query = try listQuery(
            request, kind: "surgical-case", protocols: Access.visibleProtocols(specs, session: session),
            defaultLimit: CaseQuery.maximumLimit)
        let day = try day(request, page)
        query.from = day.start
        query.to = day.end
        let now = clock()
        let fixed = query
        let result = try await blocking { try store.cases(fixed, at: now) }
        var rows: [HTML] = []
        for row in result.rows.sorted(by: {
            ($0.subject.room ?? "", $0.subject.scheduledStart ?? now) < (
                $1.subject.room ?? "", $1.subject.scheduledStart ?? now
            )
        }) {
            let phases = try row.runs.map { run -> HTML in
                let spec = try store.spec(run.protocolId, version: run.version).spec
                let phase =
                    run.status == .active
                    ? run.currentPhase.flatMap { id in spec.phases.first { $0.id == id } }.map { page.t($0.title) }
                    : nil
                let step: HTML =
                    row.lastSteps[run.id].map { " <span class=\"step\">⏰ \(Self.stepText($0, spec, page))</span>" }
                    ?? .empty
                return
                    "<a href=\"/runs/\(run.id)\">\(page.t(spec.title))</a>:"
                    + " \(phase ?? page.t(Wording.status(run.status)))\(step)"
            }
            let failed = row.runs.map(\.criticalFailures).reduce(0, +)
            // Done when every OR checklist is completed (the patient's survey comes later, on the ward).
            let theatre = try row.runs.filter {
                try store.spec($0.protocolId, version: $0.version).spec.kind != .survey
            }
            let done = !theatre.isEmpty && theatre.allSatisfy { $0.status == .completed }
            rows.append(
                """
                <tr class="\(failed > 0 || row.overdue > 0 ? "fail" : done ? "done" : "")"><td>\(row.subject.room)</td>\
                <td>\(row.subject.scheduledStart.map(page.time))</td><td>\
                <a href="/cases/\(row.subject.id)">\(row.subject.id)</a></td>\
                <td>\(HTML.join(phases, separator: "<br>"))</td><td>\(row.overdue)</td><td>\(failed)</td></tr>
                """)
        }
        let body: HTML = """
            <h1>\(page.t(Wording.boardTitle)) · \(page.day(day.start))</h1>\
            <table><tr><th>\(page.t(Wording.room))</th><th>\(page.t(Wording.time))</th>\
            <th>\(page.t(Wording.caseNumber))</th>\
            <th>\(page.t(Wording.runs))</th><th>\(page.t(Wording.overdue))</th><th>\(page.t(Wording.criticalFailed))\
            </th></tr>\
            \(rows)</table>\(nextLink(request, result.next, page))
            """
        // The board reloads itself every 30 seconds.
        return page.document(page.t(Wording.boardTitle), body, refresh: 30)
    }

    func overduePage(_ page: PageContext) async throws -> Response {
        let session = page.session!
        let store = store
        let now = clock()
        let items = try await blocking { () throws -> [(OverdueEntry, ProtocolSpec)] in
            let specs = try store.publishedSpecs().map(\.spec)
            let visible = Access.visibleProtocols(specs, session: session)
            return try store.overdue(at: now, protocols: visible, limit: CaseQuery.maximumLimit).items.map {
                ($0, try store.spec($0.protocolId).spec)
            }
        }
        let rows = items.map { entry, spec -> HTML in
            let item = spec.items.first { $0.id == entry.item }.map { page.t($0.title) } ?? entry.item
            let due = page.dateTime(entry.dueAt)
            return """
                <tr><td>\(due)</td><td><a href="/runs/\(entry.runId)">\(page.t(spec.title))</a></td>\
                <td><a href="/cases/\(entry.subjectId)">\(entry.subjectId)</a></td><td>\(entry.room)</td><td>\(item)\
                </td>\
                <td>\(entry.escalateTo.map { page.t(Access.roleTitle($0)) })</td></tr>
                """
        }
        let body: HTML = """
            <h1>\(page.t(Wording.overdueTitle))</h1><table><tr><th>\(page.t(Wording.due))</th>\
            <th>\(page.t(Wording.protocolTitle))</th><th>\(page.t(Wording.caseNumber))</th><th>\(page.t(Wording.room))\
            </th>\
            <th>\(page.t(Wording.item))</th><th>\(page.t(Wording.escalateTo))</th></tr>\(rows)</table>\
            \(rows.isEmpty ? "<p>\(page.t(Wording.nothingHere))</p>" : .empty)
            """
        return page.document(page.t(Wording.overdueTitle), body)
    }

    /// Subjects of one kind, newest first, with their runs, statuses and a few readings (linen temperatures, action
    /// owners).
    func listPage(_ request: Request, _ page: PageContext, kind: String, title: LocalizedText, readings: [String])
        async throws -> Response
    {
        let session = page.session!
        let store = store
        let specs = try await blocking { try store.publishedSpecs().map(\.spec) }
        var query = try listQuery(request, kind: kind, protocols: Access.visibleProtocols(specs, session: session))
        query.newestFirst = true
        (query.from, query.to) = try dateRange(request, page)
        let now = clock()
        let fixed = query
        let result = try await blocking { try store.cases(fixed, at: now) }
        // Readings come from the answer projection: one query for the page, not one run read per row.
        let runIds = result.rows.flatMap { $0.runs.map(\.id) }
        let values = try await blocking { try store.answers(runs: runIds, items: readings) }
        var rows: [HTML] = []
        for row in result.rows {
            for run in row.runs {
                let spec = try store.spec(run.protocolId, version: run.version).spec
                let shown = readings.compactMap { id -> HTML? in
                    guard let value = values[run.id]?[id] else { return nil }
                    let title = spec.items.first { $0.id == id }.map { page.t($0.title) } ?? id
                    return "\(title) = \(value)"
                }
                let phase = run.currentPhase.flatMap { id in spec.phases.first { $0.id == id } }.map {
                    page.t($0.title)
                }
                rows.append(
                    """
                    <tr\(run.criticalFailures > 0 ? HTML(" class=\"fail\"") : .empty)><td>\
                    <a href="/cases/\(row.subject.id)">\(row.subject.id)</a></td>\
                    <td>\(row.subject.room)</td><td><a href="/runs/\(run.id)">\(page.t(spec.title))</a></td>\
                    <td>\(page.t(Wording.status(run.status)))</td><td>\(run.status == .active ? phase : nil)</td>\
                    <td>\(HTML.join(shown, separator: "<br>"))</td></tr>
                    """)
            }
        }
        let rooms = try await siteRooms(kind: kind)
        let body: HTML = """
            <h1>\(page.t(title))</h1>\
            \(filterForm(
                page, action: request.uri.path, kinds: [kind], kind: kind, rooms: rooms, query: query, day: nil))\
            <table><tr><th>\(page.t(Wording.subject))</th>\
            <th>\(page.t(kind == "linen-batch" ? Wording.line : Wording.room))</th>\
            <th>\(page.t(Wording.protocolTitle))</th><th>\(page.t(Wording.status))</th><th>\(page.t(Wording.phase))\
            </th>\
            <th>\(page.t(Wording.readings))</th></tr>\(rows)</table>\(nextLink(request, result.next, page))
            """
        return page.document(page.t(title), body)
    }

    // MARK: A case

    /// A subject with the runs the role may see, and the protocols the role may start on it.
    func casePage(_ id: String, _ page: PageContext, notice: String?, status: HTTPResponse.Status = .ok) async throws
        -> Response
    {
        let session = page.session!
        let store = store
        let specs = try await blocking { try store.publishedSpecs().map(\.spec) }
        let visible = Access.visibleProtocols(specs, session: session)
        let now = clock()
        guard let subject = try await blocking({ try store.subject(id) }),
            let row = try await blocking({
                try store.cases(CaseQuery(kind: subject.kind, subject: id, limit: 1), at: now).rows.first
            })
        else { throw StoreError(.notFound, "no case \(id)") }
        let runs = row.runs.filter { visible.contains($0.protocolId) }
        let startable = startableProtocols(specs, kind: subject.kind, session: session)
        // Outside the role's scope a subject is not found, like a run: unless the role could start something on it.
        if runs.isEmpty, startable.isEmpty || session.user.subject != nil, session.user.subject != id {
            throw StoreError(.notFound, "no case \(id)")
        }
        var facts: [HTML] = []
        for (label, value) in [
            (Wording.kind, page.t(Wording.kind(subject.kind))), (Wording.room, subject.room),
            (Wording.procedure, subject.procedure), (Wording.ward, subject.ward),
            (Wording.scheduledStart, subject.scheduledStart.map(page.dateTime)),
            (Wording.patientRef, subject.patientRef),
        ] {
            if let value { facts.append("<dt>\(page.t(label))</dt><dd>\(value)</dd>") }
        }
        for (name, value) in subject.facts.sorted(by: { $0.key < $1.key }) {
            facts.append("<dt>\(page.t(Wording.fact(name)))</dt><dd>\(Wording.factValue(value, page.language))</dd>")
        }
        let runRows = try runs.map { run -> HTML in
            let spec = try store.spec(run.protocolId, version: run.version).spec
            let phase = run.currentPhase.flatMap { id in spec.phases.first { $0.id == id } }.map { page.t($0.title) }
            return """
                <tr class="\(run.criticalFailures > 0 ? "fail" : "")"><td>\(try runBadge(run, page))</td>\
                <td>\(run.status == .active ? phase : nil)</td><td>\(run.criticalFailures)</td>\
                <td class="document">\(page.documentLine(spec))</td></tr>
                """
        }
        var body: HTML = "<h1>\(page.t(Wording.kind(subject.kind))) \(subject.id)</h1>"
        if let notice { body += "<p class=\"error\" role=\"alert\">\(notice)</p>" }
        body += "<dl class=\"facts\">\(facts)</dl><h2>\(page.t(Wording.caseRuns))</h2>"
        body +=
            "<table><tr><th>\(page.t(Wording.protocolTitle))</th><th>\(page.t(Wording.phase))</th>"
            + "<th>\(page.t(Wording.criticalFailed))</th><th>\(page.t(Wording.document))</th>"
            + "</tr>\(runRows)</table>"
        if !startable.isEmpty {
            let options = startable.map { HTML("<option value=\"\($0.id)\">\(page.t($0.title))</option>") }
            body += """
                <h2>\(page.t(Wording.startProtocol))</h2><form method="post" action="/cases/\(subject.id)/start">\
                \(page.csrfField)<select name="protocol" aria-label="\(page.t(Wording.protocolTitle))">\(options)\
                </select>\
                <button class="yes">\(page.t(Wording.start))</button></form>
                """
        }
        return page.document("\(subject.id)", body, status: status)
    }

    /// The latest published protocols of a subject kind that the role takes part in and may start.
    func startableProtocols(_ specs: [ProtocolSpec], kind: String, session: Session) -> [ProtocolSpec] {
        guard session.user.subject == nil else { return [] }
        var latest: [String: ProtocolSpec] = [:]
        for spec in specs where spec.subject == kind {
            if (latest[spec.id]?.version ?? 0) < spec.version { latest[spec.id] = spec }
        }
        return latest.values.filter { Access.canStart($0, role: session.role) }.sorted { $0.id < $1.id }
    }

    /// Starts a protocol on a subject for a session that may start it.
    func start(protocolId: String, subject: String, _ session: Session) async throws -> ActionResult {
        let store = store
        let specs = try await blocking { try store.publishedSpecs().map(\.spec) }
        guard let spec = specs.filter({ $0.id == protocolId }).max(by: { $0.version < $1.version }) else {
            throw APIError(
                .badRequest, "unknown_protocol", "no published protocol '\(protocolId.prefix(80))'", field: "protocol")
        }
        guard Access.canStart(spec, role: session.role), session.user.subject == nil else {
            throw APIError(
                .forbidden, "role_not_allowed", "role \(session.role) does not take part in \(spec.id)",
                field: "protocol")
        }
        let request = ActionRequest(
            .start(protocolId: spec.id, version: spec.version, subjectId: subject), by: session.actor, at: clock())
        return try await blocking { try store.perform(request) }
    }

    // MARK: A run

    func runPage(_ id: String, _ page: PageContext, notice: String?, status: HTTPResponse.Status = .ok)
        async throws -> Response
    {
        let session = page.session!
        let detail = try await visibleRun(id, to: session)
        let sheet = detail.sheet
        let spec = detail.sheet.spec
        let seq = detail.summary.lastSeq
        let isActive = detail.state.status == .active
        func form(_ fields: HTML, _ label: String, _ cls: String = "") -> HTML {
            """
            <form method="post" action="/runs/\(id)/act">\(page.csrfField)\(PageContext.hidden("seq", String(seq)))\
            \(fields)<button class="\(cls)">\(label)</button></form>
            """
        }
        let progress = RunProgress(sheet)
        var body: HTML = "<h1>\(page.t(spec.title))</h1>"
        let criticalNote: HTML =
            " · <span class=\"fail\">⚠ \(progress.criticalFailed) \(page.t(Wording.criticalFailed))</span>"
        body += """
            <p class="run-head"><a href="/cases/\(detail.subject.id)">\(detail.subject.id)\
            </a> · \(detail.subject.room) \
            · <span class="status \(detail.state.status.rawValue)">\(page.t(Wording.status(detail.state.status)))\
            </span> \
            · \(page.t(Wording.progress)): \(progress.answered)/\(progress.required) \(page.t(Wording.requiredWord))\
            \(progress.criticalFailed > 0 ? criticalNote : .empty)\
             · \(page.documentLine(spec)) · #\(String(seq))</p>
            """
        if let notice { body += "<p class=\"error\" role=\"alert\">\(notice)</p>" }
        body += queueBlock(detail, page, form)
        body += "<p class=\"next\">\(nextAction(sheet, detail, page))</p>"
        for (index, phase) in spec.phases.enumerated() {
            let current = index == sheet.currentPhase
            var section: HTML =
                "<section class=\"\(current ? "current" : "")\">"
                + "<h2>\(page.t(phase.title))\(current ? " ◀ \(page.t(Wording.workOn))" : "")</h2>"
            for item in phase.items {
                let itemStatus = sheet.status(of: item)
                if itemStatus == .hidden { continue }
                let outcome = sheet.outcome(of: item)
                var cls = itemStatus.rawValue
                if case .fail? = outcome { cls = "fail" }
                var line: HTML = "<div class=\"item \(cls)\" id=\"item-\(item.id)\"><b>\(page.t(item.title))</b>"
                if item.critical { line += " <span class=\"critical\">\(page.t(Wording.critical))</span>" }
                if let answer = detail.state.answers[item.id] {
                    line += " = <span class=\"value\">\(answerText(answer.value, item: item, page))</span>"
                } else if itemStatus != .open {
                    line += " <span class=\"state\">\(page.t(Wording.itemStatus(itemStatus)))</span>"
                }
                if case .fail(let why)? = outcome {
                    line += "<p class=\"error\">✘ \(failureText(item, why, sheet, page))</p>"
                }
                if let guidance = item.guidance { line += "<p class=\"guidance\">\(page.t(guidance))</p>" }
                let allowed = item.roles.isEmpty || item.roles.contains(session.role)
                if itemStatus == .open, index <= sheet.currentPhase, isActive, allowed {
                    line += controls(item, detail, page, form)
                }
                section += line + "</div>"
            }
            body += section + "</section>"
        }
        if detail.state.status.isOpen {
            body += verbForms(detail, page, form)
        }
        return page.document(page.t(spec.title), body, status: status)
    }

    /// The controls for answering one open item: big buttons for yes/no and choices, a field for the rest.
    func controls(
        _ item: ItemSpec, _ detail: RunDetail, _ page: PageContext, _ form: (HTML, String, String) -> HTML
    ) -> HTML {
        let session = page.session!
        let hidden = PageContext.hidden("verb", "record") + PageContext.hidden("item", item.id)
        switch item.type {
        case .check:
            var buttons = form(hidden + PageContext.hidden("value", "yes"), page.t(Wording.yes), "yes")
            buttons += form(hidden + PageContext.hidden("value", "no"), page.t(Wording.no), "no")
            if item.allowsNotApplicable {
                buttons += form(hidden + PageContext.hidden("value", "na"), page.t(Wording.notApplicable), "")
            }
            return "<div class=\"buttons\">\(buttons)</div>"
        case .choice(let options):
            return
                "<div class=\"buttons\">"
                + "\(options.map { form(hidden + PageContext.hidden("value", $0.id), page.t($0.label), "") })</div>"
        case .signature(let signers):
            guard signers.contains(session.role), detail.state.signatures[item.id]?[session.role] == nil else {
                let missing = signers.filter { detail.state.signatures[item.id]?[$0] == nil }
                    .map { page.t(Access.roleTitle($0)) }
                return
                    "<p class=\"guidance\">\(page.language.text(zh: "待签名：", en: "Waiting for: "))"
                    + "\(missing.joined(separator: page.language.listSeparator))</p>"
            }
            return form(
                PageContext.hidden("verb", "sign") + PageContext.hidden("item", item.id),
                "\(page.t(Wording.signAs)) \(page.t(Access.roleTitle(session.role)))", "yes")
        case .text:
            return form(
                hidden
                    + "<textarea name=\"value\" required maxlength=\"4000\" aria-label=\"\(page.t(item.title))\">"
                    + "</textarea>",
                page.t(Wording.save), "")
        case .time:
            let now = PageContext.localInput(clock(), page.timeZone)
            return form(
                hidden
                    + "<input type=\"datetime-local\" name=\"value\" required value=\"\(now)\" "
                    + "aria-label=\"\(page.t(item.title))\">"
                    + PageContext.hidden("zone", page.timeZone.identifier), page.t(Wording.save), "")
        case .number(let unit, let min, let max):
            var attributes: HTML = ""
            if let min { attributes += " min=\"\(String(min))\"" }
            if let max { attributes += " max=\"\(String(max))\"" }
            return form(
                hidden
                    + "<input name=\"value\" required inputmode=\"decimal\"\(attributes) "
                    + "aria-label=\"\(page.t(item.title))\"> \(unit)",
                page.t(Wording.save), "")
        case .count:
            return form(
                hidden
                    + "<input name=\"value\" required inputmode=\"numeric\" pattern=\"[0-9]*\" "
                    + "aria-label=\"\(page.t(item.title))\">",
                page.t(Wording.save), "")
        }
    }

    /// Complete (or what stands in its way), jump, return, suspend, resume and stop: those the role may use.
    func verbForms(_ detail: RunDetail, _ page: PageContext, _ form: (HTML, String, String) -> HTML) -> HTML {
        let session = page.session!
        let spec = detail.sheet.spec
        let sheet = detail.sheet
        func may(_ verb: ControlVerb) -> Bool { spec.roles(allowedTo: verb).contains(session.role) }
        var out = HTML.empty
        let blockers = sheet.completionBlockers
        if detail.state.status == .active {
            if blockers.isEmpty {
                if may(.complete) {
                    out += form(PageContext.hidden("verb", "complete"), page.t(Wording.complete), "yes")
                }
            } else {
                out += """
                    <div class="blockers"><h2>\(page.t(Wording.blockersTitle))</h2><ul>\
                    \(blockers.prefix(20).map { blocker in
                        HTML(
                            "<li><a href=\"#item-\(blocker.item ?? "")\">\(blockerText(blocker, sheet, page))</a></li>")
                    })</ul></div>
                    """
                // Only failed critical items left (not ones that cannot be checked yet), and this role signs off the
                // protocol's deviations: the same conditions the engine's completeWithDeviation checks.
                let failedItems = sheet.failedCriticalItems
                let failed = failedItems.map(\.id)
                if !failed.isEmpty, blockers.allSatisfy({ failed.contains($0.item ?? "") }),
                    spec.deviation?.signOff.contains(session.role) == true
                {
                    let titles = failedItems.map { page.t($0.title) }
                    out +=
                        "<p class=\"guidance\">\(page.t(Wording.deviationHelp)) (\(titles.joined(separator: ", ")))</p>"
                    out += form(
                        PageContext.hidden("verb", "deviate")
                            + PageContext.hidden("value", failed.joined(separator: ","))
                            + "<input name=\"reason\" required maxlength=\"500\" "
                            + "placeholder=\"\(page.t(Wording.reason))\" aria-label=\"\(page.t(Wording.reason))\">",
                        page.t(Wording.deviate), "")
                }
            }
            let open = spec.items.filter { sheet.status(of: $0) == .open }
            if !open.isEmpty, may(.jump) {
                let options = open.map { HTML("<option value=\"\($0.id)\">\(page.t($0.title))</option>") }
                out += form(
                    PageContext.hidden("verb", "jump")
                        + "<select name=\"item\" aria-label=\"\(page.t(Wording.jumpTo))\">\(options)</select>"
                        + "<input name=\"reason\" required maxlength=\"500\" "
                        + "placeholder=\"\(page.t(Wording.reason))\">",
                    page.t(Wording.jumpTo), "")
            }
        }
        var verbs: [(String, LocalizedText, ControlVerb)] = []
        if detail.state.status == .active {
            verbs += [("return", Wording.returnVerb, .return), ("suspend", Wording.suspend, .suspend)]
        }
        if detail.state.status == .suspended { verbs.append(("resume", Wording.resume, .resume)) }
        verbs.append(("stop", Wording.stop, .stop))
        for (verb, label, control) in verbs where may(control) {
            out += form(
                PageContext.hidden("verb", verb)
                    + "<input name=\"reason\" required maxlength=\"500\" placeholder=\"\(page.t(Wording.reason))\" "
                    + "aria-label=\"\(page.t(Wording.reason))\">",
                page.t(label), "")
        }
        return "<div class=\"verbs\">\(out)</div>"
    }

    /// What the person should do next on this run, in words.
    func nextAction(_ sheet: RunSheet, _ detail: RunDetail, _ page: PageContext) -> HTML {
        switch detail.state.status {
        case .completed, .stopped: return "\(page.t(Wording.status(detail.state.status)))"
        case .suspended: return "\(page.t(Wording.nextAction)): \(page.t(Wording.resume))"
        case .active: break
        }
        if sheet.completionBlockers.isEmpty {
            return "\(page.t(Wording.nextAction)): \(page.t(Wording.readyToComplete))"
        }
        guard sheet.currentPhase < detail.spec.phases.count else {
            return "\(page.t(Wording.nextAction)):"
                + " \(page.language.text(zh: "处理下方列出的问题", en: "resolve what is listed below"))"
        }
        let phase = detail.spec.phases[sheet.currentPhase]
        let item = phase.items.first { sheet.status(of: $0) == .open && sheet.isRequired($0) }
        let phaseTitle = page.t(phase.title)
        guard let item else { return "\(page.t(Wording.workOn)): \(phaseTitle)" }
        return
            "\(page.t(Wording.workOn)): \(phaseTitle) — \(page.t(Wording.nextAction)): <a "
            + "href=\"#item-\(item.id)\">\(page.t(item.title))</a>"
    }

    /// An answer as the person reads it: option labels, yes/no in the page language, times in the site's zone.
    func answerText(_ value: AnswerValue, item: ItemSpec, _ page: PageContext) -> String {
        switch value {
        case .check(let yes): return page.t(yes ? Wording.yes : Wording.no)
        case .notApplicable: return page.t(Wording.notApplicable)
        case .choice(let id):
            if case .choice(let options) = item.type, let option = options.first(where: { $0.id == id }) {
                return page.t(option.label)
            }
            return id
        case .time(let date): return page.dateTime(date)
        default: return value.description
        }
    }

    /// A failed item's reason in words: its rule with item titles instead of ids.
    func failureText(_ item: ItemSpec, _ why: String, _ sheet: RunSheet, _ page: PageContext) -> String {
        if let rule = item.passIf {
            var text = rule.source
            for id in rule.referencedItems.sorted(by: { $0.count > $1.count }) {
                if let other = sheet.item(id) {
                    text = text.replacingOccurrences(of: id, with: "「\(page.t(other.title))」")
                }
            }
            return (page.language.text(zh: "未达到规则：", en: "rule not met: ")) + text
        }
        return page.language.text(zh: "回答为“否”", en: "answered No")
    }

    /// A completion blocker in the page language, naming the item by its title.
    func blockerText(_ blocker: EngineError, _ sheet: RunSheet, _ page: PageContext) -> String {
        let zh = page.language == .zh
        guard let id = blocker.item, let item = sheet.item(id) else { return blocker.message }
        let title = page.t(item.title)
        switch blocker.code {
        case .incomplete:
            if case .signature(let signers) = item.type {
                let missing = signers.filter { sheet.state.signatures[id]?[$0] == nil }.map {
                    page.t(Access.roleTitle($0))
                }
                return zh
                    ? "「\(title)」还需\(missing.joined(separator: "、"))签名"
                    : "\(title): still needs the signature of \(missing.joined(separator: ", "))"
            }
            return page.language.text(zh: "「\(title)」尚未填写", en: "\(title): not answered yet")
        case .criticalFailure:
            if case .fail(let why)? = sheet.outcome(of: item) {
                let reason = failureText(item, why, sheet, page)
                return zh
                    ? "关键项「\(title)」不合格（\(reason)），须合格后才能完成"
                    : "Critical item \(title) failed (\(reason)): it must pass before the checklist can be completed"
            }
            let inputs =
                item.passIf?.referencedItems.filter { !sheet.isAnswered($0) }.compactMap { sheet.item($0) }
                .map { page.t($0.title) } ?? []
            return zh
                ? "关键项「\(title)」暂无法判断：\(inputs.joined(separator: "、"))尚未填写"
                : "Critical item \(title) cannot be checked yet: \(inputs.joined(separator: ", ")) not answered"
        default:
            return blocker.message
        }
    }

    func pageAct(_ form: ActForm, runId: String, _ page: PageContext) async throws -> Response {
        let session = page.session!
        do {
            var value = form.value
            // A datetime-local control sends a local time: it is read in the zone the page was drawn in.
            if let text = value, let zone = form.zone, let date = PageContext.parseLocalInput(text, zone: zone) {
                value = Timestamp.format(date)
            }
            if form.verb == "reassign" { value = form.to }
            _ = try await act(
                runId: runId, verb: form.verb ?? "", item: form.item, value: value, reason: form.reason,
                expectedSeq: form.seq, session: session)
            return Self.redirect("/runs/\(runId)")
        } catch {
            let refusal = try APIError.refusal(error)
            if refusal.status == .notFound {
                return page.document(
                    page.t(Wording.notFound), "<p class=\"error\">\(page.explain(error))</p>", status: .notFound)
            }
            let detail = try? await visibleRun(runId, to: session)
            return try await runPage(
                runId, page, notice: page.explain(error, sheet: detail?.sheet), status: refusal.status)
        }
    }

    // MARK: Site and assets

    /// The rooms a list filters by: the site's rooms or laundry lines, else those cases were booked in.
    func siteRooms(kind: String) async throws -> [String] {
        let settings = try await siteSettings()
        let fromSite = kind == "linen-batch" ? settings.laundryLines : kind == "surgical-case" ? settings.rooms : []
        if !fromSite.isEmpty { return fromSite }
        let store = store
        return try await blocking { try store.rooms(kind: kind) }
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "max-age=3600"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// A path on this server (for a redirect after unlocking), never another site.
    static func localPath(_ text: String?) -> String? {
        guard let text, text.hasPrefix("/"), !text.hasPrefix("//"), !text.contains("\\"), text.count <= 500 else {
            return nil
        }
        return text
    }

    /// The page language: `?lang=`, else the language chosen earlier (cookie), else English.
    static func lang(_ request: Request) -> Language {
        let query: String? = request.uri.queryParameters.get("lang").map { "\($0)" }
        let chosen = query ?? request.cookies["qflow_lang"]?.value
        return chosen == "zh" ? .zh : .en
    }
}

/// How far a run is: required items answered out of those required now, and critical items failed.
struct RunProgress {
    var answered = 0
    var required = 0
    var criticalFailed = 0

    init(_ sheet: RunSheet) {
        for item in sheet.spec.items {
            if sheet.isRequired(item) {
                required += 1
                if sheet.status(of: item) != .open { answered += 1 }
            }
            if item.critical, case .fail? = sheet.outcome(of: item) { criticalFailed += 1 }
        }
    }
}

extension PageContext {
    /// The sign-in page.
    func loginPage(error: String?, status: HTTPResponse.Status = .ok) -> Response {
        let roles = Access.allRoles.map { HTML("<option value=\"\($0)\">\(t(Access.roleTitle($0)))</option>") }
        let other: Language = language == .zh ? .en : .zh
        let body: HTML = """
            <h1>QualityFlow · \(t(Wording.signIn))\
            </h1>\(error.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty)
            <form method="post" action="/login" class="signin">
            <label>\(t(Wording.staffId)) <input name="user" required autocomplete="username"></label>
            <label>\(t(Wording.password)) <input name="password" type="password" required\
             autocomplete="current-password"></label>
            <label>\(t(Wording.role)) <select name="role">\(roles)</select></label>
            <label>\(t(Wording.workstation)) <input name="workstation"></label>
            <button class="yes">\(t(Wording.signIn))</button></form>
            <p><a href="?lang=\(other.rawValue)">\(other.text(zh: "中文", en: "English"))</a></p>
            """
        return document(t(Wording.signIn), body, status: status)
    }

    /// A store or engine refusal in the page language, naming items by their titles.
    func explain(_ error: any Error, sheet: RunSheet? = nil) -> String {
        guard let error = (error as? StoreError) ?? (error as? EngineError).map(StoreError.init) else {
            return APIError(error).message
        }
        let zh = language == .zh
        let title = error.item.flatMap { sheet?.item($0) }.map { t($0.title) }
        switch (error.code, error.engineCode) {
        case (.conflict, _): return t(Wording.conflict)
        case (.signInRefused, _):
            return zh
                ? "登录被拒绝：工号、密码或角色不正确，或账号已停用/锁定。"
                : "sign-in refused: check the staff id, password and role (or the account is inactive or locked)."
        case (_, .itemNotReached?):
            return zh
                ? "「\(title ?? "")」属于后续阶段：请先完成当前阶段。"
                : "\(title ?? "This item") belongs to a later phase: finish the current phase first."
        case (_, .roleNotAllowed?):
            return zh
                ? "当前角色（\(t(Access.roleTitle(session?.role ?? "")))）不能执行此操作\(title.map { "：「\($0)」" } ?? "")。"
                : "Your role (\(t(Access.roleTitle(session?.role ?? "")))) may not do "
                    + "this\(title.map { ": \($0)" } ?? "")."
        case (_, .duplicateSigner?):
            return zh
                ? "您已以其他角色签署「\(title ?? "")」：需由另一人签名。"
                : "You already signed \(title ?? "this") in another role: another person must sign."
        case (_, .gated?):
            return zh
                ? "「\(title ?? "")」是必须先通过的关键项：它通过之前，后续步骤不能记录。"
                : "\(title ?? "A gate item") is a hard stop: it must be answered and pass before later steps can be "
                    + "recorded."
        case (_, .reasonRequired?):
            return language.text(zh: "请填写原因。", en: "Give a reason.")
        case (_, .invalidAnswer?):
            return zh
                ? "「\(title ?? "")」的答案格式不符（\(error.message)）。" : "\(title.map { "\($0): " } ?? "")\(error.message)"
        case (_, .invalidState?):
            return language.text(
                zh: "此流程当前状态不允许该操作。",
                en: "The checklist's state does not allow "
                    + "this: \(error.message)")
        case (_, .invalidDeviation?):
            return zh
                ? "不能以偏差方式完成（\(title.map { "「\($0)」" } ?? "")）：偏差须列出全部且仅列出未通过的关键条目。"
                : "The deviation was not accepted: \(error.message)"
        case (_, .incomplete?), (_, .criticalFailure?):
            return language.text(zh: "尚不能完成：请处理下方列出的事项。", en: "Not yet complete: see what is listed below.")
        case (.forbidden, _) where zh: return "当前角色（\(t(Access.roleTitle(session?.role ?? "")))）不能执行此操作。"
        default:
            guard zh, let first = error.problems.first else { return error.message }
            return error.problems.count == 1
                ? "\(first.line.map { "第 \($0) 行：" } ?? "")\(first.field.map { "\($0)：" } ?? "")\(first.message(.zh))"
                : "共 \(error.problems.count) 处问题，未保存任何内容：见下表。"
        }
    }

    /// A time for a `datetime-local` control, in the site's zone.
    static func localInput(_ date: Date, _ zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return formatter.string(from: date)
    }

    /// A `datetime-local` value (`YYYY-MM-DDTHH:MM[:SS]`) read in a zone; nil when it is not one.
    static func parseLocalInput(_ text: String, zone: String) -> Date? {
        guard let timeZone = TimeZone(identifier: zone), text.count == 16 || text.count == 19,
            Timestamp.parse(text) == nil
        else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = text.count == 16 ? "yyyy-MM-dd'T'HH:mm" : "yyyy-MM-dd'T'HH:mm:ss"
        return formatter.date(from: text)
    }
}
