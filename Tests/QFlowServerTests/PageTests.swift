import Foundation
import QFlowEngine
import QFlowServer
import QFlowStore
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Does not follow redirects, so that tests see the 303 and its cookie.
final class NoRedirect: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}

extension LiveServer {
    struct PageReply {
        var status: Int
        var html: String
        var location: String?
        var cookie: String?
    }

    func page(_ method: String, _ path: String, form: [String: String]? = nil, cookie: String? = nil) async throws
        -> PageReply
    {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.httpShouldHandleCookies = false  // each test sends exactly the cookie it means to
        if let form {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            request.httpBody = Data(
                form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
                    .joined(separator: "&").utf8)
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        }
        if let cookie { request.setValue("\(WorkstationServer.cookieName)=\(cookie)", forHTTPHeaderField: "Cookie") }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        let session = URLSession(configuration: configuration, delegate: NoRedirect(), delegateQueue: nil)
        let (data, response) = try await session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        let setCookie = http.value(forHTTPHeaderField: "Set-Cookie")
        let token = setCookie?.split(separator: ";").first.flatMap { part -> String? in
            let kv = part.split(separator: "=", maxSplits: 1)
            return kv.count == 2 && kv[0] == WorkstationServer.cookieName ? String(kv[1]) : nil
        }
        return PageReply(
            status: http.statusCode, html: String(decoding: data, as: UTF8.self),
            location: http.value(forHTTPHeaderField: "Location"), cookie: token)
    }

    func pageSignIn(_ user: String, role: String) async throws -> String {
        let reply = try await page(
            "POST", "/login",
            form: ["user": user, "password": "password \(user)", "role": role, "workstation": "\(user)-PC"])
        #expect(reply.status == 303)
        return try #require(reply.cookie)
    }

    static func hidden(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }
}

@Suite("Workstation pages", .serialized)
struct PageTests {
    @Test func signInThenAnswerAChecklist() async throws {
        let server = try await LiveServer()
        #expect(try await server.page("GET", "/login").html.contains("Sign in"))
        #expect(try await server.page("GET", "/").location == "/login")
        let wrong = try await server.page(
            "POST", "/login", form: ["user": "n-1", "password": "x", "role": "circulating_nurse"])
        #expect(wrong.status == 401)
        #expect(wrong.html.contains("sign-in refused"))
        let cookie = try await server.pageSignIn("n-1", role: "circulating_nurse")
        let run = try await server.page("GET", "/runs/R000001", cookie: cookie)
        #expect(run.status == 200)
        #expect(run.html.contains("Baseline"))
        let csrf = try #require(LiveServer.hidden("csrf", in: run.html))
        let seq = try #require(LiveServer.hidden("seq", in: run.html))
        let answer = ["verb": "record", "item": "base", "value": "12", "seq": seq]
        let forged = try await server.page("POST", "/runs/R000001/act", form: answer, cookie: cookie)
        #expect(forged.status == 403, "no CSRF token")
        var withToken = answer
        withToken["csrf"] = csrf
        let ok = try await server.page("POST", "/runs/R000001/act", form: withToken, cookie: cookie)
        #expect(ok.status == 303)
        #expect(ok.location == "/runs/R000001")
        #expect(try server.store.run("R000001").state.answers["base"]?.value == .count(12))
        // The same form again, from a page that is now out of date: a clear message, nothing recorded.
        withToken["value"] = "13"
        let stale = try await server.page("POST", "/runs/R000001/act", form: withToken, cookie: cookie)
        #expect(stale.status == 409)
        #expect(stale.html.contains("Another workstation changed this run first"))
        #expect(try server.store.run("R000001").state.answers["base"]?.value == .count(12))
    }

    @Test func userTextIsEscaped() async throws {
        let server = try await LiveServer()
        let cookie = try await server.pageSignIn("n-1", role: "circulating_nurse")
        let run = try await server.page("GET", "/runs/R000001", cookie: cookie)
        let form = [
            "verb": "record", "item": "note", "value": "<script>alert(1)</script>",
            "csrf": try #require(LiveServer.hidden("csrf", in: run.html)),
            "seq": try #require(LiveServer.hidden("seq", in: run.html)),
        ]
        #expect(try await server.page("POST", "/runs/R000001/act", form: form, cookie: cookie).status == 303)
        let after = try await server.page("GET", "/runs/R000001", cookie: cookie)
        #expect(after.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!after.html.contains("<script>alert"))
    }

    @Test func aRoleOutsideTheProtocolIsRefused() async throws {
        let server = try await LiveServer()
        let cookie = try await server.pageSignIn("l-1", role: "linen_staff")
        let run = try await server.page("GET", "/runs/R000001", cookie: cookie)
        #expect(run.status == 404, "a surgical run is outside the laundry's scope")
        let today = try await server.page("GET", "/linen", cookie: cookie)
        let form = [
            "verb": "record", "item": "note", "value": "x",
            "csrf": try #require(LiveServer.hidden("csrf", in: today.html)),
            "seq": "1",
        ]
        let refused = try await server.page("POST", "/runs/R000001/act", form: form, cookie: cookie)
        #expect(refused.status == 404)
        #expect(try server.store.run("R000001").state.answers["note"] == nil)
    }
}

@Suite("Workstation pages: lists and quality", .serialized)
struct QualityPageTests {
    @Test func linenAndActionListsOpen() async throws {
        let server = try await LiveServer()
        let cookie = try await server.pageSignIn("n-1", role: "circulating_nurse")
        #expect(try await server.page("GET", "/linen", cookie: cookie).status == 403)
        #expect(try await server.page("GET", "/actions", cookie: cookie).status == 403)
        let today = try await server.page("GET", "/", cookie: cookie)
        #expect(today.html.contains("/board") && !today.html.contains("/linen"))
        let head = try await server.pageSignIn("h-1", role: "head_nurse")
        #expect(try await server.page("GET", "/linen", cookie: head).status == 200)
        #expect(try await server.page("GET", "/actions", cookie: head).status == 200)
        let laundry = try await server.pageSignIn("l-1", role: "linen_staff")
        #expect(try await server.page("GET", "/linen", cookie: laundry).status == 200)
    }

    @Test func theAdministratorManagesAccountsOnTheAccountsPage() async throws {
        let server = try await LiveServer()
        let nurse = try await server.pageSignIn("n-1", role: "circulating_nurse")
        #expect(try await server.page("GET", "/admin/users", cookie: nurse).status == 403)
        let admin = try await server.pageSignIn("a-1", role: "administrator")
        let page = try await server.page("GET", "/admin/users", cookie: admin)
        #expect(page.status == 200 && page.html.contains("n-1"))
        let csrf = try #require(LiveServer.hidden("csrf", in: page.html))
        // Deactivating ends the nurse's session at once.
        let off = try await server.page(
            "POST", "/admin/users", form: ["csrf": csrf, "user": "n-1", "action": "deactivate"], cookie: admin)
        #expect(off.status == 303)
        #expect(try await server.page("GET", "/", cookie: nurse).location == "/login")
        // A weak password is refused with a message, and nothing changes.
        let weak = try await server.page(
            "POST", "/admin/users",
            form: ["csrf": csrf, "user": "n-1", "action": "reset_password", "password": "short"],
            cookie: admin)
        #expect(weak.status == 400 && weak.html.contains("10 to 1,024 characters"))
        // A new user, and a form without the CSRF token.
        let added = try await server.page(
            "POST", "/admin/users",
            form: [
                "csrf": csrf, "action": "add", "user": "n-9", "name": "New Nurse", "roles": "scrub_nurse",
                "password": "a long password 9",
            ], cookie: admin)
        #expect(added.status == 303)
        #expect(try server.store.user("n-9")?.roles == ["scrub_nurse"])
        let forged = try await server.page(
            "POST", "/admin/users", form: ["user": "n-9", "action": "deactivate"], cookie: admin)
        #expect(forged.status == 403)
        #expect(try server.store.user("n-9")?.active == true)
    }

    @Test func onlyQualityRolesCompareAndDownloadReports() async throws {
        let server = try await LiveServer()
        let nurse = try await server.pageSignIn("n-1", role: "circulating_nurse")
        #expect(try await server.page("GET", "/quality", cookie: nurse).status == 403)
        #expect(try await server.page("GET", "/quality/report?file=counts.yaml", cookie: nurse).status == 403)
        let manager = try await server.pageSignIn("q-1", role: "quality_manager")
        let page = try await server.page("GET", "/quality?measure=completion:counts&a=or3&b=cases", cookie: manager)
        #expect(page.status == 200)
        #expect(page.html.contains("Design"), "\(page.html.prefix(2000))")
        #expect(page.html.contains("counts.yaml"))
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)/quality/report?file=counts.yaml")!)
        request.setValue("\(WorkstationServer.cookieName)=\(manager)", forHTTPHeaderField: "Cookie")
        request.httpShouldHandleCookies = false
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        let session = URLSession(configuration: configuration, delegate: NoRedirect(), delegateQueue: nil)
        let (data, response) = try await session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 200)
        #expect(http.value(forHTTPHeaderField: "Content-Disposition")?.contains("counts.xlsx") == true)
        #expect(Array(data.prefix(2)) == [0x50, 0x4B], "an .xlsx is a zip file")
        #expect(try await server.page("GET", "/quality/report?file=../../etc/passwd", cookie: manager).status == 404)
    }
}

@Suite("Workstation pages: language", .serialized)
struct LanguageTests {
    @Test func aChosenLanguageStays() async throws {
        let server = try await LiveServer()
        let cookie = try await server.pageSignIn("n-1", role: "circulating_nurse")
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)/runs/R000001?lang=zh")!)
        request.httpShouldHandleCookies = false
        request.setValue("\(WorkstationServer.cookieName)=\(cookie)", forHTTPHeaderField: "Cookie")
        let (data, response) = try await server.http.data(for: request)
        #expect(String(decoding: data, as: UTF8.self).contains("术前清点"))
        let setCookie = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Set-Cookie") ?? ""
        #expect(setCookie.contains("qflow_lang=zh"))
        var next = URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)/runs/R000001")!)
        next.httpShouldHandleCookies = false
        next.setValue("\(WorkstationServer.cookieName)=\(cookie); qflow_lang=zh", forHTTPHeaderField: "Cookie")
        let (again, _) = try await server.http.data(for: next)
        #expect(String(decoding: again, as: UTF8.self).contains("术前清点"), "the language survives a form post's redirect")
    }
}
