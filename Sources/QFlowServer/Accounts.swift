import Foundation
import Hummingbird
import QFlowEngine
import QFlowStore

/// The administrator's accounts: list users and sessions; add, deactivate, activate, change roles, reset a password,
/// revoke sessions. Each change takes effect on the affected user's next request.
extension WorkstationServer {
    /// One change to an account, as the API and the page name it.
    enum AccountChange {
        case activate, deactivate
        case roles([String])
        case resetPassword(String)
        case revoke(session: String?)

        init(action: String, roles: String?, password: String?, session: String?) throws {
            switch action {
            case "activate": self = .activate
            case "deactivate": self = .deactivate
            case "roles":
                let list = (roles ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
                self = .roles(list)
            case "reset_password":
                guard let password, !password.isEmpty else {
                    throw APIError(.badRequest, "invalid_input", "give the new password", field: "password")
                }
                self = .resetPassword(password)
            case "revoke": self = .revoke(session: session.flatMap { $0.isEmpty ? nil : $0 })
            default:
                throw APIError(
                    .badRequest, "invalid_input", "action is activate, deactivate, roles, reset_password or revoke",
                    field: "action")
            }
        }
    }

    /// Applies a change made by an administrator (who cannot lock themselves out from the workstation).
    func change(_ user: String, _ change: AccountChange, by admin: Session) async throws {
        let locksOut: Bool
        switch change {
        case .deactivate: locksOut = true
        case .roles(let roles): locksOut = !roles.contains("administrator")
        default: locksOut = false
        }
        if user == admin.user.id, locksOut {
            throw APIError(
                .conflict, "own_account",
                "you cannot deactivate your own account or drop your own administrator role here: "
                    + "ask another administrator, or use qflow user on the server",
                field: "action")
        }
        let store = store
        let policy = policy
        let now = clock()
        try await blocking {
            switch change {
            case .activate: try store.setActive(user, true, by: admin.user.id, at: now)
            case .deactivate: try store.setActive(user, false, by: admin.user.id, at: now)
            case .roles(let roles): try store.setRoles(user, roles, by: admin.user.id, at: now)
            case .resetPassword(let password):
                try store.resetPassword(user, password: password, policy: policy, by: admin.user.id, at: now)
            case .revoke(let session):
                try store.revokeSessions(user: user, session: session, by: admin.user.id, at: now)
            }
        }
    }

    /// An account as the API lists it.
    struct AccountJSON: Encodable {
        struct SessionJSON: Encodable {
            var id, role: String
            var workstation: String?
            var lastSeenAt: String
        }
        var id, name: String
        var roles: [String]
        var active: Bool
        var subject: String?
        var sessions: [SessionJSON]
    }

    /// A page of accounts.
    struct AccountsJSON: Encodable {
        var users: [AccountJSON]
        var nextCursor: String?
    }

    /// `POST /api/v1/users/{id}`.
    struct AccountChangeBody: Decodable {
        /// Roles as a list or as comma-separated text.
        enum Roles: Decodable {
            case list([String])
            case text(String)
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let list = try? container.decode([String].self) {
                    self = .list(list)
                } else {
                    self = .text(try container.decode(String.self))
                }
            }
            var joined: String {
                switch self {
                case .list(let list): list.joined(separator: ",")
                case .text(let text): text
                }
            }
        }
        var action: String
        var roles: Roles?
        var password: String?
        var session: String?
    }

    /// The accounts page's form.
    struct AccountForm: CSRFProtected {
        var csrf: String?
        var action: String?
        var user: String?
        var name: String?
        var roles: String?
        var password: String?
        var subject: String?
        var session: String?
    }

    func addAccountAPI(to router: Router<WorkstationContext>) {
        on(router, .get, "/api/v1/users") { request, _ in
            let store = store
            let now = clock()
            let query = try listQuery(request, kind: "user", protocols: nil)
            let (page, next, sessions) = try await blocking {
                let found = try store.users(prefix: query.search, after: query.after?.id, limit: query.limit)
                return (found.users, found.next, try store.sessions(users: found.users.map(\.id), at: now))
            }
            let byUser = Dictionary(grouping: sessions, by: \.userId)
            return try Self.encoded(
                AccountsJSON(
                    users: page.map { user in
                        AccountJSON(
                            id: user.id, name: user.name, roles: user.roles, active: user.active, subject: user.subject,
                            sessions: (byUser[user.id] ?? []).map {
                                AccountJSON.SessionJSON(
                                    id: $0.id, role: $0.role, workstation: $0.workstation,
                                    lastSeenAt: Timestamp.format($0.lastSeenAt))
                            })
                    }, nextCursor: next.map { CaseCursor(start: nil, id: $0).description }))
        }
        on(router, .post, "/api/v1/users/{id}") { request, context in
            let body = try await Self.body(AccountChangeBody.self, request)
            let change = try AccountChange(
                action: body.action, roles: body.roles?.joined, password: body.password, session: body.session)
            try await self.change(context.parameters.get("id") ?? "", change, by: try context.requireSession())
            return try Self.encoded(APIBody.Done(changed: true))
        }
    }

    func addAdminPages(to router: Router<WorkstationContext>) {
        on(router, .get, "/admin/users") { request, context in
            try await self.withLanguage(request, context) { page in
                try await self.accountsPage(page, request: request, notice: nil)
            }
        }
        on(router, .post, "/admin/users") { request, context in
            let session = try context.requireSession()
            let form = try await Self.form(AccountForm.self, request, context: context)
            let page = try await self.pageContext(request, session: session)
            let user = form.user ?? ""
            do {
                if form.action == "add" {
                    let store = store
                    let policy = policy
                    let now = clock()
                    let roles = (form.roles ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
                    try await blocking {
                        try store.addUser(
                            id: user, name: form.name ?? "", roles: roles, password: form.password ?? "",
                            subject: form.subject.flatMap { $0.isEmpty ? nil : $0 }, policy: policy,
                            by: session.user.id, at: now)
                    }
                } else {
                    let change = try AccountChange(
                        action: form.action ?? "", roles: form.roles, password: form.password, session: form.session)
                    try await self.change(user, change, by: session)
                }
                return Self.redirect("/admin/users")
            } catch {
                let refusal = try APIError.refusal(error)
                return try await accountsPage(page, notice: refusal.message, status: refusal.status)
            }
        }
    }

    /// The accounts page: a page of users (100, by id, `?q=` a staff-id prefix, `?cursor=`), their live sessions and
    /// the forms that change them.
    func accountsPage(
        _ page: PageContext, request: Request? = nil, notice: String?, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let store = store
        let now = clock()
        let query = try request.map { try listQuery($0, kind: "user", protocols: nil, defaultLimit: 100) }
        let (users, next, sessions) = try await blocking {
            let found = try store.users(prefix: query?.search, after: query?.after?.id, limit: query?.limit ?? 100)
            return (found.users, found.next, try store.sessions(users: found.users.map(\.id), at: now))
        }
        let byUser = Dictionary(grouping: sessions, by: \.userId)
        func form(_ user: String, _ action: String, _ fields: HTML, _ label: String) -> HTML {
            """
            <form method="post" action="/admin/users">\(page.csrfField)\(PageContext.hidden("user", user))\
            \(PageContext.hidden("action", action))\(fields)<button>\(label)</button></form>
            """
        }
        var rows: [HTML] = []
        for user in users {
            let live = (byUser[user.id] ?? []).map {
                HTML("\($0.role)@\($0.workstation ?? "—") \(page.dateTime($0.lastSeenAt))")
            }
            var actions =
                user.active
                ? form(user.id, "deactivate", "", page.language.text(zh: "停用", en: "Deactivate"))
                : form(user.id, "activate", "", page.language.text(zh: "启用", en: "Activate"))
            actions += form(
                user.id, "roles",
                "<input name=\"roles\" value=\"\(user.roles.joined(separator: ","))\" aria-label=\"roles\">",
                page.language.text(zh: "修改角色", en: "Set roles"))
            actions += form(
                user.id, "reset_password",
                "<input name=\"password\" type=\"password\" autocomplete=\"new-password\" aria-label=\"new password\" "
                    + "required>",
                page.language.text(zh: "重置密码", en: "Reset password"))
            if !(byUser[user.id] ?? []).isEmpty {
                actions += form(user.id, "revoke", "", page.language.text(zh: "结束会话", en: "End sessions"))
            }
            rows.append(
                """
                <tr><td>\(user.id)</td><td>\(user.name)</td>\
                <td>\(user.roles.map { page.t(Access.roleTitle($0)) }.joined(separator: ", "))</td>\
                <td>\(page.language.text(zh: user.active ? "启用" : "停用", en: user.active ? "active" : "inactive"))</td>\
                <td>\(HTML.join(live, separator: "<br>"))</td><td>\(actions)</td></tr>
                """)
        }
        let add: HTML = """
            <h2>\(page.language.text(zh: "新增用户", en: "Add a user"))</h2><form method="post" action="/admin/users">\
            \(page.csrfField)\(PageContext.hidden("action", "add"))\
            <label>\(page.language.text(zh: "工号", en: "Staff id")) <input name="user" required></label>\
            <label>\(page.language.text(zh: "姓名", en: "Name")) <input name="name" required></label>\
            <label>\(page.language.text(zh: "角色", en: "Roles")) <input name="roles" required\
             placeholder="circulating_nurse,scrub_nurse"></label>\
            <label>\(page.language.text(zh: "被调查对象（仅调查对象）", en: "Subject (respondents only)")) <input name="subject">\
            </label>\
            <label>\(page.language.text(zh: "密码", en: "Password")) <input name="password" type="password"\
             autocomplete="new-password" required></label>\
            <button class="yes">\(page.language.text(zh: "新增", en: "Add"))</button></form>
            """
        let title = page.language.text(zh: "用户与会话", en: "Users and sessions")
        var body: HTML = "<h1>\(title)</h1>"
        if let notice { body += "<p class=\"error\" role=\"alert\">\(notice)</p>" }
        body += """
            <form method="get" action="/admin/users" class="filters">\
            <label>\(page.language.text(zh: "工号开头", en: "Staff id starts with")) \
            <input name="q" value="\(query?.search)" maxlength="100"></label><button>\(page.t(Wording.filter))\
            </button></form>\
            <table><tr><th>id</th><th>\(page.language.text(zh: "姓名", en: "name"))</th>\
            <th>\(page.language.text(zh: "角色", en: "roles"))</th>\
            <th>\(page.language.text(zh: "状态", en: "status"))</th><th>\(page.language.text(zh: "会话", en: "sessions"))\
            </th><th></th></tr>\(rows)</table>\
            \(request.map { nextLink($0, next.map { CaseCursor(start: nil, id: $0) }, page) } ?? .empty)\(add)
            """
        return page.document(title, body, status: status)
    }
}
