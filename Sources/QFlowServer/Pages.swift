import Foundation
import Hummingbird
import QFlowEngine
import QFlowStore

/// The server-rendered pages: sign in, today's cases, a run's checklist with big controls, the overdue list and a
/// board per room. Every form posts the session's CSRF token and the run's sequence number.
extension WorkstationServer {
    func addPages(to router: Router<WorkstationContext>) {
        on(router, .get, "/assets/app.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: Self.styleSheet)))
        }
        on(router, .get, "/login") { request, _ in
            Self.page("Sign in · 登录", Self.loginForm(error: nil), lang: Self.lang(request))
        }
        on(router, .post, "/login") { request, context in try await self.pageSignIn(request, context) }
        on(router, .post, "/logout") { request, context in
            _ = try await Self.form(request, context: context)
            let store = store, token = context.token ?? ""
            try await blocking { try store.signOut(token: token) }
            var response = Self.redirect("/login")
            response.setCookie(
                Cookie(
                    name: Self.cookieName, value: "", maxAge: 0, path: "/", secure: isSecure(request), httpOnly: true,
                    sameSite: .strict))
            return response
        }
        on(router, .get, "/") { request, context in
            try await self.withLanguage(request) { lang in try await self.todayPage(try context.requireSession(), lang: lang) }
        }
        on(router, .get, "/runs/{id}") { request, context in
            try await self.withLanguage(request) { lang in
                do {
                    return try await self.runPage(
                        context.parameters.get("id") ?? "", session: try context.requireSession(), lang: lang,
                        notice: nil)
                } catch let error as StoreError where error.code == .notFound {
                    return Self.page(
                        "Not found", "<p class=\"error\">\(Self.h(error.message))</p>", status: .notFound, lang: lang)
                }
            }
        }
        on(router, .post, "/runs/{id}/act") { request, context in
            let session = try context.requireSession()
            let form = try await Self.form(request, context: context)
            return try await self.pageAct(
                form, runId: context.parameters.get("id") ?? "", session: session, lang: Self.lang(request))
        }
        on(router, .get, "/board") { request, context in
            try await self.withLanguage(request) { lang in try await self.boardPage(try context.requireSession(), lang: lang) }
        }
        on(router, .get, "/linen") { request, context in
            try await self.listPage(
                kind: "linen-batch", title: "Linen batches · 布类批次",
                readings: ["wash.temp_c", "wash.hold_min", "ln.wash.temp_c", "ln.wash.hold_min"],
                session: try context.requireSession(), lang: Self.lang(request))
        }
        on(router, .get, "/actions") { request, context in
            try await self.listPage(
                kind: "audit", title: "QC audits and corrective actions · 质控与整改",
                readings: ["ca.owner", "ca.due", "ca.effective"], session: try context.requireSession(),
                lang: Self.lang(request))
        }
        on(router, .get, "/overdue") { request, context in
            let session = try context.requireSession()
            let items = try await self.overdue(for: session)
            let rows = items.map {
                "<tr><td>\(Self.h($0.dueAt))</td><td><a href=\"/runs/\(Self.h($0.runId))\">\(Self.h($0.runId))</a></td><td>\(Self.h($0.subjectId))</td><td>\(Self.h($0.room ?? ""))</td><td>\(Self.h($0.item))</td><td>\(Self.h($0.escalateTo ?? ""))</td></tr>"
            }.joined()
            let lang = Self.lang(request)
            return Self.page("Overdue · 逾期", "<h1>Overdue · 逾期</h1>\(Self.nav(session, lang: lang))<table><tr><th>due</th><th>run</th><th>case</th><th>room</th><th>item</th><th>escalate to</th></tr>\(rows)</table>", lang: lang)
        }
    }

    // MARK: Sessions for pages

    /// A language chosen with `?lang=` stays chosen on the following pages.
    func withLanguage(_ request: Request, _ body: (String) async throws -> Response) async throws -> Response {
        var response = try await body(Self.lang(request))
        if let lang = request.uri.queryParameters.get("lang"), ["zh", "en"].contains(lang) {
            response.setCookie(
                Cookie(name: "qflow_lang", value: lang, path: "/", secure: isSecure(request), httpOnly: true, sameSite: .strict))
        }
        return response
    }

    func pageSignIn(_ request: Request, _ context: WorkstationContext) async throws -> Response {
        let form = try await Self.form(request, context: context)
        let lang = Self.lang(request)
        do {
            let (token, _) = try await signIn(
                user: form["user"] ?? "", password: form["password"] ?? "", role: form["role"] ?? "",
                workstation: form["workstation"].flatMap { $0.isEmpty ? nil : $0 }, client: context.client)
            var response = Self.redirect("/")
            response.setCookie(sessionCookie(token, request: request))
            return response
        } catch let error as StoreError {
            return Self.page("Sign in · 登录", Self.loginForm(error: error.message), status: APIError(error).status, lang: lang)
        } catch let error as APIError {
            var response = Self.page("Sign in · 登录", Self.loginForm(error: error.message), status: error.status, lang: lang)
            if let wait = error.retryAfter { response.headers[.retryAfter] = String(wait) }
            return response
        }
    }

    /// The links of the pages the session's role may open, and the sign-out button.
    static func nav(_ session: Session, lang: String) -> String {
        let zh = lang == "zh"
        let links: [(String, String, String)] = [
            ("/", "Today", "今日"), ("/board", "Board", "看板"), ("/overdue", "Overdue", "逾期"),
            ("/linen", "Linen", "布类"), ("/actions", "QC", "质控"), ("/quality", "Quality", "质量分析"),
            ("/admin/users", "Users", "用户"),
        ]
        let open = links.filter { Access.route("GET", $0.0)?.readers.admit(session.role) == true }
            .map { "<a href=\"\($0.0)\">\(zh ? $0.2 : $0.1)</a>" }.joined(separator: " · ")
        return """
            <nav>\(h(session.user.name)) · \(h(session.role)) · \(open) \
            <form method="post" action="/logout" class="signout"><input type="hidden" name="csrf" value="\(h(session.csrf))">\
            <button>\(zh ? "退出登录" : "Sign out")</button></form></nav>
            """
    }

    // MARK: Pages

    func todayPage(_ session: Session, lang: String) async throws -> Response {
        let now = clock()
        let start = Calendar.current.startOfDay(for: now)
        let store = store
        let subjects: [Subject]
        if let own = session.user.subject {
            // A respondent's page is their own survey.
            subjects = try await blocking { try store.subject(own).map { [$0] } ?? [] }
        } else {
            subjects = try await blocking { try store.subjects(kind: "surgical-case", limit: 100_000) }
                .filter { ($0.scheduledStart ?? .distantPast) >= start && ($0.scheduledStart ?? .distantPast) < start.addingTimeInterval(86_400) }
        }
        var byRoom: [String: [String]] = [:]
        for subject in subjects {
            // The runs the role may see: those of protocols it takes part in (all of them for supervisors). A case
            // with none of them is not shown at all (the laundry does not see the OR list).
            let runs = visible(try await blocking { try store.runs(subject: subject.id) }, to: session)
            if runs.isEmpty { continue }
            let links = runs.map {
                "<a class=\"run \($0.status)\" href=\"/runs/\(Self.h($0.id))\">\(Self.h($0.protocolId)) · \(Self.h($0.status))\($0.criticalFailures > 0 ? " ⚠" : "")</a>"
            }.joined(separator: " ")
            let time = subject.scheduledStart.map { Self.localTime($0) } ?? ""
            byRoom[subject.room ?? "—", default: []].append(
                "<li><b>\(Self.h(time)) \(Self.h(subject.id))</b> \(Self.h(subject.procedure ?? ""))<br>\(links)</li>")
        }
        let rooms = byRoom.keys.sorted().map { "<section><h2>\(Self.h($0))</h2><ul>\(byRoom[$0]!.joined())</ul></section>" }
            .joined()
        let header = Self.nav(session, lang: lang)
        return Self.page("Today · 今日手术", "<h1>Today · 今日手术</h1>\(header)\(rooms.isEmpty ? "<p>No cases today · 今日无手术</p>" : rooms)", lang: lang)
    }

    /// Subjects of one kind with their runs, statuses and a few readings (linen temperatures, action owners).
    func listPage(kind: String, title: String, readings: [String], session: Session, lang: String) async throws
        -> Response
    {
        let store = store
        let subjects = try await blocking { try store.subjects(kind: kind, limit: 500) }
        var rows: [String] = []
        for subject in subjects.reversed() {
            for run in visible(try await blocking({ try store.runs(subject: subject.id) }), to: session) {
                let detail = try await blocking { try store.run(run.id) }
                let values = readings.compactMap { id in
                    detail.state.answers[id].map { "\(Self.h(id)) = \(Self.h($0.value.description))" }
                }.joined(separator: "<br>")
                let failed = run.criticalFailures > 0 ? " class=\"fail\"" : ""
                rows.append(
                    "<tr\(failed)><td>\(Self.h(subject.id))</td><td><a href=\"/runs/\(Self.h(run.id))\">\(Self.h(run.id))</a></td><td>\(Self.h(run.protocolId))</td><td>\(Self.h(run.status))</td><td>\(Self.h(run.currentPhase ?? ""))</td><td>\(values)</td></tr>")
            }
        }
        let table = "<table><tr><th>subject</th><th>run</th><th>protocol</th><th>status</th><th>phase</th><th>readings</th></tr>\(rows.joined())</table>"
        return Self.page(title, "<h1>\(Self.h(title))</h1>\(Self.nav(session, lang: lang))\(table)", lang: lang)
    }

    /// The head nurse's live board: per room, today's cases with each run's phase, what is overdue and what failed.
    func boardPage(_ session: Session, lang: String) async throws -> Response {
        let store = store
        let now = clock()
        let start = Calendar.current.startOfDay(for: now)
        let subjects = try await blocking { try store.subjects(kind: "surgical-case", limit: 100_000) }
            .filter { ($0.scheduledStart ?? .distantPast) >= start && ($0.scheduledStart ?? .distantPast) < start.addingTimeInterval(86_400) }
        let overdue = Dictionary(grouping: try await self.overdue(for: session), by: \.subjectId)
        var rows: [String] = []
        for subject in subjects.sorted(by: { ($0.room ?? "", $0.scheduledStart ?? now) < ($1.room ?? "", $1.scheduledStart ?? now) }) {
            let runs = visible(try await blocking { try store.runs(subject: subject.id) }, to: session)
            let phases = runs.map { "\(Self.h($0.protocolId)): \(Self.h($0.status == "active" ? ($0.currentPhase ?? "") : $0.status))" }
                .joined(separator: "<br>")
            let failed = runs.map(\.criticalFailures).reduce(0, +)
            let late = overdue[subject.id]?.count ?? 0
            rows.append(
                "<tr class=\"\(failed > 0 || late > 0 ? "fail" : "")\"><td>\(Self.h(subject.room ?? ""))</td><td>\(Self.h(subject.scheduledStart.map(Self.localTime) ?? ""))</td><td>\(Self.h(subject.id))</td><td>\(phases)</td><td>\(late)</td><td>\(failed)</td></tr>")
        }
        let table = "<table><tr><th>room · 房间</th><th>time</th><th>case</th><th>runs · 流程</th><th>overdue · 逾期</th><th>critical failed · 关键不合格</th></tr>\(rows.joined())</table>"
        // The board reloads itself every 30 seconds.
        return Self.page(
            "Board · 看板", "<meta http-equiv=\"refresh\" content=\"30\"><h1>Board · 看板</h1>\(Self.nav(session, lang: lang))\(table)", lang: lang)
    }

    func runPage(_ id: String, session: Session, lang: String, notice: String?, status: HTTPResponse.Status = .ok)
        async throws -> Response
    {
        let detail = try await visibleRun(id, to: session)
        let language: Language = lang == "zh" ? .zh : .en
        let sheet = detail.sheet
        let seq = detail.summary.lastSeq
        func form(_ fields: String, _ label: String, _ cls: String = "") -> String {
            "<form method=\"post\" action=\"/runs/\(Self.h(id))/act\"><input type=\"hidden\" name=\"csrf\" value=\"\(Self.h(session.csrf))\"><input type=\"hidden\" name=\"seq\" value=\"\(seq)\">\(fields)<button class=\"\(cls)\">\(Self.h(label))</button></form>"
        }
        var body = "<h1>\(Self.h(detail.spec.title.text(language)))</h1>\(Self.nav(session, lang: lang))"
        body += "<p>\(Self.h(detail.summary.id)) · \(Self.h(detail.subject.id)) · \(Self.h(detail.subject.room ?? "")) · \(Self.h(detail.summary.status)) · #\(seq) · \(Self.h(session.user.name)) (\(Self.h(session.role)))</p>"
        if let notice { body += "<p class=\"error\">\(Self.h(notice))</p>" }
        for (index, phase) in detail.spec.phases.enumerated() {
            let current = index == sheet.currentPhase
            body += "<section class=\"\(current ? "current" : "")\"><h2>\(Self.h(phase.title.text(language)))</h2>"
            for item in phase.items {
                let status = sheet.status(of: item)
                if status == .hidden { continue }
                let outcome = sheet.outcome(of: item)
                var cls = status.rawValue
                if case .fail? = outcome { cls = "fail" }
                var line = "<div class=\"item \(cls)\"><b>\(Self.h(item.title.text(language)))</b>\(item.critical ? " <span class=\"critical\">critical · 关键</span>" : "")"
                if let answer = detail.state.answers[item.id] { line += " = <span class=\"value\">\(Self.h(answer.value.description))</span>" }
                if case .fail(let why)? = outcome { line += "<p class=\"error\">✘ \(Self.h(why))</p>" }
                if let guidance = item.guidance { line += "<p class=\"guidance\">\(Self.h(guidance.text(language)))</p>" }
                let allowed = item.roles.isEmpty || item.roles.contains(session.role)
                if status == .open, index <= sheet.currentPhase, detail.summary.status == "active", allowed {
                    let hidden = "<input type=\"hidden\" name=\"verb\" value=\"record\"><input type=\"hidden\" name=\"item\" value=\"\(Self.h(item.id))\">"
                    switch item.type {
                    case .check:
                        line += "<div class=\"buttons\">" + form(hidden + "<input type=\"hidden\" name=\"value\" value=\"yes\">", "Yes · 是", "yes")
                            + form(hidden + "<input type=\"hidden\" name=\"value\" value=\"no\">", "No · 否", "no")
                            + (item.allowsNotApplicable ? form(hidden + "<input type=\"hidden\" name=\"value\" value=\"na\">", "N.A. · 不适用") : "") + "</div>"
                    case .choice(let options):
                        line += "<div class=\"buttons\">" + options.map {
                            form(hidden + "<input type=\"hidden\" name=\"value\" value=\"\(Self.h($0.id))\">", $0.label.text(language))
                        }.joined() + "</div>"
                    case .signature(let signers):
                        if signers.contains(session.role), detail.state.signatures[item.id]?[session.role] == nil {
                            line += form("<input type=\"hidden\" name=\"verb\" value=\"sign\"><input type=\"hidden\" name=\"item\" value=\"\(Self.h(item.id))\">", "Sign as \(session.role) · 签名", "yes")
                        }
                    case .text:
                        line += form(hidden + "<textarea name=\"value\" required maxlength=\"4000\"></textarea>", "Save · 保存")
                    case .time:
                        line += form(hidden + "<input name=\"value\" required placeholder=\"2026-03-01T08:30:00+08:00\" value=\"\(Self.h(Timestamp.format(clock())))\">", "Save · 保存")
                    default:
                        line += form(hidden + "<input name=\"value\" required inputmode=\"decimal\">", "Save · 保存")
                    }
                }
                body += line + "</div>"
            }
            body += "</section>"
        }
        if detail.state.status.isOpen {
            let blockers = sheet.completionBlockers
            if blockers.isEmpty {
                body += form("<input type=\"hidden\" name=\"verb\" value=\"complete\">", "Complete · 完成", "yes")
            } else {
                body += "<ul class=\"blockers\">" + blockers.prefix(10).map { "<li>\(Self.h($0.message))</li>" }.joined() + "</ul>"
            }
            let open = detail.spec.items.filter { sheet.status(of: $0) == .open }.map(\.id)
            if !open.isEmpty {
                body += form(
                    "<input type=\"hidden\" name=\"verb\" value=\"jump\"><select name=\"item\">"
                        + open.map { "<option>\(Self.h($0))</option>" }.joined()
                        + "</select><input name=\"reason\" required placeholder=\"reason · 原因\">", "Jump to · 跳至")
            }
            for verb in ["return", "suspend", "resume", "stop"] {
                body += form(
                    "<input type=\"hidden\" name=\"verb\" value=\"\(verb)\"><input name=\"reason\" required placeholder=\"reason · 原因\">",
                    verb.capitalized)
            }
        }
        return Self.page(detail.spec.title.text(language), body, status: status, lang: lang)
    }

    func pageAct(_ form: [String: String], runId: String, session: Session, lang: String) async throws -> Response {
        do {
            _ = try await act(
                runId: runId, verb: form["verb"] ?? "", item: form["item"], value: form["value"],
                reason: form["reason"], expectedSeq: form["seq"].flatMap(Int.init), session: session)
            return Self.redirect("/runs/\(runId)")
        } catch let error as APIError {
            return try await runPage(runId, session: session, lang: lang, notice: error.message, status: error.status)
        } catch let error as StoreError where error.code == .notFound {
            return Self.page("Not found", "<p class=\"error\">\(Self.h(error.message))</p>", status: .notFound, lang: lang)
        } catch let error as StoreError {
            let conflict = error.code == .conflict
            let notice = conflict
                ? "Another workstation changed this run first. The page now shows the current answers; nothing of yours was recorded — check and answer again. · 其他工作站已先修改，请核对后重新填写。"
                : error.message
            return try await runPage(runId, session: session, lang: lang, notice: notice, status: conflict ? .conflict : APIError(error).status)
        }
    }

    // MARK: HTML

    static func loginForm(error: String?) -> String {
        """
        <h1>QualityFlow</h1>\(error.map { "<p class=\"error\">\(h($0))</p>" } ?? "")
        <form method="post" action="/login">
        <label>Staff id · 工号 <input name="user" required autocomplete="username"></label>
        <label>Password · 密码 <input name="password" type="password" required autocomplete="current-password"></label>
        <label>Role · 角色 <select name="role">\(roleOptions)</select></label>
        <label>Workstation · 工作站 <input name="workstation"></label>
        <button class="yes">Sign in · 登录</button></form>
        """
    }

    static var roleOptions: String { Access.allRoles.map { "<option>\($0)</option>" }.joined() }

    static func page(_ title: String, _ body: String, status: HTTPResponse.Status = .ok, lang: String) -> Response {
        let html = """
            <!doctype html><html lang="\(lang == "zh" ? "zh" : "en")"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1"><title>\(h(title))</title>
            <link rel="stylesheet" href="/assets/app.css"></head><body>\(body)</body></html>
            """
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// The pages' one style sheet (served from `/assets/app.css`: the content policy allows no inline style).
    static let styleSheet = """
        body{font:18px/1.4 system-ui,sans-serif;margin:1em;max-width:60em}
        button{font-size:1.1em;min-height:48px;min-width:6em;margin:.2em;padding:.3em 1em;border-radius:6px;border:1px solid #888}
        button.yes{background:#dfe}button.no{background:#fdd}
        input,textarea,select{font-size:1.1em;min-height:44px;margin:.2em}
        .item{border-bottom:1px solid #ddd;padding:.5em 0}.item.fail{background:#fee}.item.answered{color:#234}
        .critical{color:#a00;font-size:.8em}.error{color:#a00;font-weight:bold}.guidance{color:#555;font-size:.9em}
        section.current{border-left:6px solid #36c;padding-left:.5em}form{display:inline-block}
        .buttons{display:flex;flex-wrap:wrap}a.run{display:inline-block;margin:.2em;padding:.3em .6em;border:1px solid #ccc;border-radius:4px}
        nav{margin:.5em 0}nav form.signout button{min-height:36px;font-size:.9em}
        """

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// Escapes text for HTML: everything a user typed goes through here.
    static func h(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// The page language: `?lang=`, else the language chosen earlier (cookie), else English.
    static func lang(_ request: Request) -> String {
        let query: String? = request.uri.queryParameters.get("lang").map { "\($0)" }
        let chosen = query ?? request.cookies["qflow_lang"]?.value
        return chosen == "zh" ? "zh" : "en"
    }

    static func localTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm"
        return formatter.string(from: date)
    }

    /// A URL-encoded form body (any other content type is 415). When the session came from the cookie, the form's
    /// `csrf` field must be the session's (a bearer token is no ambient credential).
    static func form(_ request: Request, context: WorkstationContext) async throws -> [String: String] {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            throw APIError(
                .unsupportedMediaType, "unsupported_media_type", "send the form as application/x-www-form-urlencoded",
                field: "Content-Type")
        }
        var request = request
        guard let buffer = try? await request.collectBody(upTo: 64 * 1024) else {
            throw APIError(.contentTooLarge, "invalid_input", "a form is at most 64 KB")
        }
        var out: [String: String] = [:]
        for pair in String(buffer: buffer).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if parts.count == 2 { out[parts[0]] = parts[1] } else if parts.count == 1 { out[parts[0]] = "" }
        }
        if context.viaCookie, let session = context.session, !session.acceptsCSRF(out["csrf"]) {
            throw APIError(
                .forbidden, "csrf",
                "the form is out of date or was not sent from this workstation (CSRF): reload the page and try again",
                field: "csrf")
        }
        return out
    }
}
