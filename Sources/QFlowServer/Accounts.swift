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

    func addAccountAPI(to router: Router<WorkstationContext>) {
        on(router, .get, "/api/v1/users") { _, _ in
            let store = store
            let now = clock()
            let (users, sessions) = try await blocking { (try store.users(), try store.sessions(at: now)) }
            let byUser = Dictionary(grouping: sessions, by: \.userId)
            return Self.json(
                users.map { user in
                    var out: [String: Any] = [
                        "id": user.id, "name": user.name, "roles": user.roles, "active": user.active,
                        "sessions": (byUser[user.id] ?? []).map {
                            [
                                "id": $0.id, "role": $0.role, "workstation": $0.workstation ?? "",
                                "last_seen_at": Timestamp.format($0.lastSeenAt),
                            ] as [String: Any]
                        },
                    ]
                    if let subject = user.subject { out["subject"] = subject }
                    return out
                })
        }
        on(router, .post, "/api/v1/users/{id}") { request, context in
            let body = try await Self.object(request)
            let roles: String? =
                switch body["roles"] {
                case let list as [String]: list.joined(separator: ",")
                case let text as String: text
                default: nil
                }
            let change = try AccountChange(
                action: try Self.field(body, "action"), roles: roles,
                password: try Self.optionalField(body, "password"), session: try Self.optionalField(body, "session"))
            try await self.change(context.parameters.get("id") ?? "", change, by: try context.requireSession())
            return Self.json(["changed": true])
        }
    }

    func addAdminPages(to router: Router<WorkstationContext>) {
        on(router, .get, "/admin/users") { request, context in
            try await self.accountsPage(try context.requireSession(), notice: nil, lang: Self.lang(request))
        }
        on(router, .post, "/admin/users") { request, context in
            let session = try context.requireSession()
            let form = try await Self.form(request, context: context)
            let lang = Self.lang(request)
            let user = form["user"] ?? ""
            do {
                if form["action"] == "add" {
                    let store = store
                    let policy = policy
                    let now = clock()
                    let roles = (form["roles"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
                    try await blocking {
                        try store.addUser(
                            id: user, name: form["name"] ?? "", roles: roles, password: form["password"] ?? "",
                            subject: form["subject"].flatMap { $0.isEmpty ? nil : $0 }, policy: policy,
                            by: session.user.id, at: now)
                    }
                } else {
                    let change = try AccountChange(
                        action: form["action"] ?? "", roles: form["roles"], password: form["password"],
                        session: form["session"])
                    try await self.change(user, change, by: session)
                }
                return Self.redirect("/admin/users")
            } catch let error as StoreError {
                return try await accountsPage(
                    session, notice: error.message, lang: lang, status: APIError(error).status)
            } catch let error as APIError {
                return try await accountsPage(session, notice: error.message, lang: lang, status: error.status)
            }
        }
    }

    func accountsPage(_ session: Session, notice: String?, lang: String, status: HTTPResponse.Status = .ok)
        async throws -> Response
    {
        let store = store
        let now = clock()
        let (users, sessions) = try await blocking { (try store.users(), try store.sessions(at: now)) }
        let byUser = Dictionary(grouping: sessions, by: \.userId)
        let zh = lang == "zh"
        func form(_ user: String, _ action: String, _ fields: String, _ label: String) -> String {
            "<form method=\"post\" action=\"/admin/users\"><input type=\"hidden\" name=\"csrf\" value=\"\(Self.h(session.csrf))\"><input type=\"hidden\" name=\"user\" value=\"\(Self.h(user))\"><input type=\"hidden\" name=\"action\" value=\"\(action)\">\(fields)<button>\(Self.h(label))</button></form>"
        }
        var rows = ""
        for user in users {
            let live = (byUser[user.id] ?? []).map {
                "\(Self.h($0.role))@\(Self.h($0.workstation ?? "—")) \(Self.h(Self.localTime($0.lastSeenAt)))"
            }.joined(separator: "<br>")
            rows +=
                "<tr><td>\(Self.h(user.id))</td><td>\(Self.h(user.name))</td><td>\(Self.h(user.roles.joined(separator: ", ")))</td>"
            rows += "<td>\(user.active ? (zh ? "启用" : "active") : (zh ? "停用" : "inactive"))</td><td>\(live)</td><td>"
            rows +=
                user.active
                ? form(user.id, "deactivate", "", zh ? "停用" : "Deactivate")
                : form(user.id, "activate", "", zh ? "启用" : "Activate")
            rows += form(
                user.id, "roles",
                "<input name=\"roles\" value=\"\(Self.h(user.roles.joined(separator: ",")))\" aria-label=\"roles\">",
                zh ? "修改角色" : "Set roles")
            rows += form(
                user.id, "reset_password",
                "<input name=\"password\" type=\"password\" autocomplete=\"new-password\" aria-label=\"new password\" required>",
                zh ? "重置密码" : "Reset password")
            if !(byUser[user.id] ?? []).isEmpty { rows += form(user.id, "revoke", "", zh ? "结束会话" : "End sessions") }
            rows += "</td></tr>"
        }
        let add = """
            <h2>\(zh ? "新增用户" : "Add a user")</h2><form method="post" action="/admin/users">\
            <input type="hidden" name="csrf" value="\(Self.h(session.csrf))"><input type="hidden" name="action" value="add">\
            <label>\(zh ? "工号" : "Staff id") <input name="user" required></label>\
            <label>\(zh ? "姓名" : "Name") <input name="name" required></label>\
            <label>\(zh ? "角色" : "Roles") <input name="roles" required placeholder="circulating_nurse,scrub_nurse"></label>\
            <label>\(zh ? "被调查对象（仅调查对象）" : "Subject (respondents only)") <input name="subject"></label>\
            <label>\(zh ? "密码" : "Password") <input name="password" type="password" autocomplete="new-password" required></label>\
            <button class="yes">\(zh ? "新增" : "Add")</button></form>
            """
        let title = zh ? "用户与会话" : "Users and sessions"
        var body = "<h1>\(title)</h1>\(Self.nav(session, lang: lang))"
        if let notice { body += "<p class=\"error\">\(Self.h(notice))</p>" }
        body +=
            "<table><tr><th>id</th><th>\(zh ? "姓名" : "name")</th><th>\(zh ? "角色" : "roles")</th><th>\(zh ? "状态" : "status")</th><th>\(zh ? "会话" : "sessions")</th><th></th></tr>\(rows)</table>\(add)"
        return Self.page(title, body, status: status, lang: lang)
    }
}
