import Foundation
import QFlowEngine
import QFlowProtocolFile
import QFlowServer
import QFlowStore
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite("Workstation lists: paged, filtered, titled", .serialized)
struct WorkstationListTests {
    /// Adds `count` cases on the day of `start` (one every ten minutes, alternating OR1 and OR2), each with a run.
    static func addCases(_ server: LiveServer, count: Int, start: Date) throws {
        for i in 0..<count {
            let id = String(format: "D-%03d", i)
            try server.store.addSubject(
                Subject(
                    id: id, kind: "surgical-case", room: i % 2 == 0 ? "OR1" : "OR2", procedure: "Procedure \(i)",
                    scheduledStart: start.addingTimeInterval(Double(i) * 600)), at: start)
            try server.store.perform(
                ActionRequest(
                    .start(protocolId: "counts", subjectId: id), by: Actor(id: "sys", role: "circulating_nurse"),
                    at: start))
        }
    }

    func json(_ server: LiveServer, _ path: String, token: String) async throws -> (Int, [String: Any]) {
        let reply = try await server.call("GET", path, token: token)
        return (reply.status, reply.json)
    }

    @Test func casesComeInPagesThatCoverEveryCaseOnce() async throws {
        let day = Timestamp.parse("2026-03-02T08:00:00+08:00")!
        let server = try await LiveServer(
            site: SiteSettings(timeZone: TimeZone(identifier: "Asia/Shanghai")!), clock: { day })
        try Self.addCases(server, count: 7, start: day)
        let (token, _) = try await server.signIn("n-1", role: "circulating_nurse")
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let path = "/api/v1/cases?date=2026-03-02&limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
            let (status, page) = try await json(server, path, token: token)
            #expect(status == 200, "\(page)")
            let cases = try #require(page["cases"] as? [[String: Any]])
            #expect(cases.count <= 3)
            seen += cases.compactMap { $0["id"] as? String }
            cursor = page["next_cursor"] as? String
            pages += 1
        } while cursor != nil && pages < 10
        #expect(seen == (0..<7).map { String(format: "D-%03d", $0) }, "each case once, by scheduled start")
        #expect(pages == 3)
        // The day is the site's day: 2026-03-01 in Shanghai has none of them; C-1 has no start at all.
        let before = try await json(server, "/api/v1/cases?date=2026-03-01", token: token)
        #expect((before.1["cases"] as? [[String: Any]])?.isEmpty == true)
        // Filters: a room, a case-number prefix.
        let or2 = try await json(server, "/api/v1/cases?date=2026-03-02&room=OR2&limit=500", token: token)
        #expect((or2.1["cases"] as? [[String: Any]])?.count == 3)
        let search = try await json(server, "/api/v1/cases?q=D-00&limit=50", token: token)
        #expect((search.1["cases"] as? [[String: Any]])?.count == 7)
        // A date range, days included, in the site's zone.
        let range = try await json(server, "/api/v1/cases?from=2026-03-01&to=2026-03-02", token: token)
        #expect((range.1["cases"] as? [[String: Any]])?.count == 7, "\(range.1)")
        let after = try await json(server, "/api/v1/cases?from=2026-03-03", token: token)
        #expect((after.1["cases"] as? [[String: Any]])?.isEmpty == true)
        let until = try await json(server, "/api/v1/cases?to=2026-03-01", token: token)
        #expect((until.1["cases"] as? [[String: Any]])?.isEmpty == true)
        // Bad paging input names its field; nothing unbounded is ever returned.
        for (path, field) in [
            ("/api/v1/cases?limit=0", "limit"), ("/api/v1/cases?limit=501", "limit"),
            ("/api/v1/cases?limit=x", "limit"),
            ("/api/v1/cases?cursor=%%%", "cursor"), ("/api/v1/cases?date=2026-13-40", "date"),
            ("/api/v1/overdue?limit=9999", "limit"), ("/api/v1/cases?from=2026-02-30", "from"),
            ("/api/v1/cases?from=2026-03-03&to=2026-03-02", "to"),
        ] {
            let reply = try await server.call("GET", path, token: token)
            #expect(reply.status == 400, "\(path)")
            #expect(reply.json["field"] as? String == field, "\(path): \(reply.json)")
        }
        let all = try await json(server, "/api/v1/cases", token: token)
        #expect((all.1["cases"] as? [[String: Any]])?.count == 8, "the default page of 50 holds all eight")
    }

    @Test func pagesShowTitlesInTheChosenLanguageNeverIds() async throws {
        let day = Timestamp.parse("2026-03-02T08:00:00+08:00")!
        let server = try await LiveServer(
            site: SiteSettings(timeZone: TimeZone(identifier: "Asia/Shanghai")!), clock: { day })
        try Self.addCases(server, count: 2, start: day)
        let cookie = try await server.pageSignIn("n-1", role: "circulating_nurse")
        let today = try await server.page("GET", "/?lang=zh", cookie: cookie)
        #expect(today.status == 200)
        #expect(today.html.contains("清点 · 进行中"), "protocol title and status in Chinese")
        #expect(!today.html.contains(">counts"), "no protocol id as a label")
        #expect(today.html.contains("退出登录"), "a visible sign-out")
        #expect(today.html.contains("08:00"), "times in the site's zone")
        let run = try #require(try server.store.runs(subject: "D-000").first)
        let page = try await server.page("GET", "/runs/\(run.id)?lang=zh", cookie: cookie)
        #expect(page.html.contains("术前清点"))
        #expect(page.html.contains("「术前清点」尚未填写"), "blockers by item title")
        #expect(page.html.contains("进度"), "progress")
        #expect(!page.html.contains("required item"), "no English engine text on a zh page")
        #expect(!page.html.contains("<option>base</option>"), "the jump list names titles")
        #expect(page.html.contains("<option value=\"base\">术前清点</option>"))
        for english in [">Suspend<", ">active<", "Sign out"] {
            #expect(!page.html.contains(english), "\(english) on a zh page")
        }
        let board = try await server.page("GET", "/board", cookie: cookie)
        #expect(
            board.html.contains("D-000") && board.html.contains("Counts</a>: Counts"),
            "the board names the current phase")
    }

    @Test func anIdleWorkstationLocksAndTheOwnPasswordUnlocksIt() async throws {
        let clock = TestClock()
        let server = try await LiveServer(site: SiteSettings(idleLockSeconds: 120), clock: { clock.read() })
        let cookie = try await server.pageSignIn("n-1", role: "circulating_nurse")
        let (token, csrf) = try await server.signIn("n-2", role: "scrub_nurse")
        let fresh = try await server.page("GET", "/", cookie: cookie)
        #expect(fresh.status == 200 && fresh.html.contains("qflow-idle-lock\" content=\"120\""))
        clock.advance(121)
        let locked = try await server.page("GET", "/runs/R000001", cookie: cookie)
        #expect(locked.status == 401)
        #expect(locked.html.contains("action=\"/unlock\""), "the page asks for the password")
        let api = try await server.call("GET", "/api/v1/runs/R000001", token: token)
        #expect(api.status == 401 && api.json["code"] as? String == "locked")
        let wrong = try await server.call("POST", "/api/v1/sessions/unlock", json: ["password": "nope"], token: token)
        #expect(wrong.status == 401)
        #expect(try await server.call("GET", "/api/v1/me", token: token).json["locked"] as? Bool == true)
        let right = try await server.call(
            "POST", "/api/v1/sessions/unlock", json: ["password": "password n-2"], token: token, csrf: csrf)
        #expect(right.status == 200, "\(right.json)")
        let after = try await server.call("GET", "/api/v1/runs/R000001", token: token)
        #expect(after.status == 200)
        // The page form unlocks too, and goes back to where it was.
        let formCSRF = try #require(LiveServer.hidden("csrf", in: locked.html))
        let unlocked = try await server.page(
            "POST", "/unlock", form: ["csrf": formCSRF, "password": "password n-1", "back": "/runs/R000001"],
            cookie: cookie)
        #expect(unlocked.status == 303 && unlocked.location == "/runs/R000001")
        #expect(try await server.page("GET", "/runs/R000001", cookie: cookie).status == 200)
        // Someone else's password does not unlock this session.
        clock.advance(121)
        let other = try await server.page(
            "POST", "/unlock", form: ["csrf": formCSRF, "password": "password n-2", "back": "/"], cookie: cookie)
        #expect(other.status == 401)
    }

    @Test func theOneParserReadsCommandsForEveryFrontEnd() throws {
        let spec = try #require(ProtocolFile.load(bytes: Array(countsYAML.utf8), file: "c.yaml").spec)
        #expect(
            try RunCommand(verb: "record", item: "base", value: "12", in: spec)
                == .record(item: "base", value: .count(12)))
        #expect(try RunCommand(verb: "return", item: "", value: nil, in: spec) == .returnTo(item: nil))
        #expect(throws: RunCommandTextError.self) { try RunCommand(verb: "record", item: "bas", value: "1", in: spec) }
        do {
            _ = try RunCommand(verb: "recrod", item: "base", value: "1", in: spec)
            Issue.record("a misspelt verb was accepted")
        } catch {
            #expect(error.field == "verb")
            #expect(error.error.message.contains("did you mean 'record'"))
        }
        do {
            _ = try RunCommand(verb: "record", item: "base", value: "twelve", in: spec)
            Issue.record("text for a count was accepted")
        } catch {
            #expect(error.field == "value")
            #expect(!error.error.message.contains("twelve"), "the entered value is not echoed")
        }
    }
}
