import Foundation
import QFlowEngine
import QFlowProtocolFile
import QFlowServer
import QFlowStore
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A second protocol on surgical cases, with a fact the bundle's condition reads.
let implantYAML = """
    id: implant_log
    version: 1
    title: { zh: 植入物登记, en: Implant log }
    kind: auxiliary
    subject: surgical-case
    subject_fields: { implant: bool }
    roles:
      - { id: circulating_nurse, title: { zh: 巡回护士, en: Circulating nurse } }
    phases:
      - id: only
        title: { zh: 登记, en: Log }
        items:
          - { id: lot, title: { zh: 批号, en: Lot number }, type: text, roles: [circulating_nurse] }

    """

let testSiteYAML = """
    site: test_hospital
    version: 1
    name: { zh: 测试医院, en: Test hospital }
    time_zone: Asia/Shanghai
    linen_parameter_set: wst508
    idle_lock_minutes: 5
    session_hours: 12
    rooms:
      - { id: OR1, title: { zh: 1号手术间, en: OR 1 } }
      - { id: OR3, title: { zh: 3号手术间, en: OR 3 } }
    laundry_lines:
      - { id: L1, title: { zh: 1号线, en: Line 1 } }
    bundles:
      - id: every_case
        subject: surgical-case
        title: { zh: 每例手术, en: Every case }
        protocols: [counts]
      - id: implants
        subject: surgical-case
        title: { zh: 植入物, en: Implants }
        protocols: [{ protocol: implant_log, when: subject.implant }]

    """

extension LiveServer {
    /// Publishes the implant protocol and the test site (OR1, OR3; every case gets counts, implants the log).
    func publishSite() throws {
        let now = Date()
        try store.publish(try #require(ProtocolFile.load(bytes: Array(implantYAML.utf8), file: "i.yaml").spec), at: now)
        let site = SiteFile.load(bytes: Array(testSiteYAML.utf8), file: "site.yaml")
        #expect(site.isValid, "\(site.diagnostics)")
        try store.publishSite(try #require(site.spec), by: Actor(id: "a-1", role: "administrator"), at: now)
    }

    /// A raw request: status, body text and JSON object.
    func raw(_ method: String, _ path: String, body: Data, type: String, token: String) async throws
        -> (Int, String, [String: Any])
    {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.httpBody = body
        request.setValue(type, forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await http.data(for: request)
        let text = String(decoding: data, as: UTF8.self)
        return (
            (response as? HTTPURLResponse)?.statusCode ?? 0, text,
            (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
        )
    }

    /// Counts of subjects and events, to show that a refused intake wrote nothing.
    func written() throws -> (subjects: Int, runs: Int) {
        (try store.subjects(limit: 100_000).count, try store.runs(limit: 100_000).count)
    }
}

@Suite("Workstation intake: the form, the CSV schedule and the API", .serialized)
struct IntakeTests {
    static let header = "case_id,room,procedure,scheduled_start,patient_ref,ward,implant\n"

    @Test func aGoodScheduleAddsEveryCaseAndStartsItsBundle() async throws {
        let server = try await LiveServer()
        try server.publishSite()
        let (token, _) = try await server.signIn("h-1", role: "head_nurse")
        let csv =
            Self.header + """
                C-10,OR1,Lap chole,2026-03-02 08:00,P-1,Surgery,no
                C-11,OR3,Hip replacement,2026-03-02T09:30:00+08:00,P-2,Orthopaedics,yes
                "C-12",OR1,"Hernia, inguinal",2026-03-02 11:00,P-3,Surgery,false

                """
        let (status, text, json) = try await server.raw(
            "POST", "/api/v1/cases/import", body: Data(csv.utf8), type: "text/csv; charset=utf-8", token: token)
        #expect(status == 201, "\(text)")
        #expect(json["added"] as? [String] == ["C-10", "C-11", "C-12"])
        #expect(json["runs_started"] as? Int == 4, "counts for each case, the implant log for C-11 only")
        #expect(try server.store.runs(subject: "C-11").map(\.protocolId).sorted() == ["counts", "implant_log"])
        #expect(try server.store.runs(subject: "C-10").map(\.protocolId) == ["counts"])
        let started = try server.store.run(try #require(server.store.runs(subject: "C-10").first).id)
        #expect(started.events.first?.event.actor.id == "h-1", "the bundle's start is an event by the importer")
        // A local time is read in the site's zone.
        #expect(try server.store.subject("C-10")?.scheduledStart == Timestamp.parse("2026-03-02T08:00:00+08:00"))
        // The same schedule again: unchanged, nothing started twice.
        let again = try await server.raw(
            "POST", "/api/v1/cases/import", body: Data(csv.utf8), type: "text/csv", token: token)
        #expect(again.0 == 200)
        #expect(again.2["unchanged"] as? [String] == ["C-10", "C-11", "C-12"])
        #expect(try server.written().runs == 5, "one run from the fixture, four from the import")
    }

    @Test func aScheduleWithBadRowsReportsEveryRowAndWritesNothing() async throws {
        let server = try await LiveServer()
        try server.publishSite()
        let (token, _) = try await server.signIn("h-1", role: "head_nurse")
        let before = try server.written()
        let csv =
            Self.header + """
                C-20,OR1,Lap chole,2026-03-02 08:00,P-1,Surgery,no
                C-21,OR9,Lap chole,2026-03-02 08:00,P-1,Surgery,no
                C-22,OR1,Lap chole,tomorrow,P-1,Surgery,no
                C-20,OR3,Lap chole,2026-03-02 09:00,P-1,Surgery,no
                C-23,OR3,Lap chole,2026-03-02 09:00,P-1,Surgery,maybe

                """
        let (status, _, json) = try await server.raw(
            "POST", "/api/v1/cases/import", body: Data(csv.utf8), type: "text/csv", token: token)
        #expect(status == 400)
        let problems = try #require(json["problems"] as? [[String: Any]])
        let lines = Set(problems.compactMap { $0["line"] as? Int })
        #expect(lines == [2, 3, 4, 5, 6], "\(problems)")
        #expect(problems.contains { $0["line"] as? Int == 3 && $0["field"] as? String == "room" })
        #expect(problems.contains { $0["line"] as? Int == 5 && ($0["message"] as? String)?.contains("line 2") == true })
        #expect(problems.contains { $0["line"] as? Int == 6 && $0["field"] as? String == "implant" })
        #expect(try server.written() == before, "nothing was written")
        // An unknown column is named, with a suggestion.
        let unknown = try await server.raw(
            "POST", "/api/v1/cases/import", body: Data("case_id,rooom\nC-30,OR1\n".utf8), type: "text/csv", token: token
        )
        #expect(unknown.0 == 400)
        #expect(unknown.1.contains("rooom") && unknown.1.contains("room"), "\(unknown.1)")
        // Not UTF-8.
        let latin1 = try await server.raw(
            "POST", "/api/v1/cases/import", body: Data([0x63, 0x61, 0x73, 0x65, 0x5F, 0x69, 0x64, 0x0A, 0xE9, 0x0A]),
            type: "text/csv", token: token)
        #expect(latin1.0 == 400 && latin1.1.contains("UTF-8"), "\(latin1.1)")
        // Too large.
        let big = Data(repeating: 0x41, count: CaseSchedule.maximumBytes + 10)
        let tooLarge = try await server.raw("POST", "/api/v1/cases/import", body: big, type: "text/csv", token: token)
        #expect(tooLarge.0 == 413)
        #expect(try server.written() == before)
    }

    @Test func theJSONAPIAddsOneCaseAndNamesAWrongTypedFact() async throws {
        let server = try await LiveServer()
        try server.publishSite()
        let (token, _) = try await server.signIn("h-1", role: "head_nurse")
        let good = try await server.call(
            "POST", "/api/v1/cases",
            json: [
                "case_id": "C-40", "room": "OR3", "procedure": "ORIF", "scheduled_start": "2026-03-02T08:00:00+08:00",
                "facts": ["implant": true],
            ], token: token)
        #expect(good.status == 201, "\(good.json)")
        #expect(
            (good.json["runs"] as? [[String: Any]])?.compactMap { $0["protocol"] as? String }.sorted() == [
                "counts", "implant_log",
            ])
        let wrong = try await server.call(
            "POST", "/api/v1/cases", json: ["case_id": "C-41", "room": "OR3", "facts": ["implant": "perhaps"]],
            token: token)
        #expect(wrong.status == 400)
        #expect(wrong.json["field"] as? String == "facts.implant", "\(wrong.json)")
        #expect(!(wrong.json["message"] as? String ?? "").contains("perhaps"), "the entered value is not echoed")
        let room = try await server.call(
            "POST", "/api/v1/cases", json: ["case_id": "C-42", "room": "OR9"], token: token)
        #expect(room.status == 400 && room.json["field"] as? String == "room", "\(room.json)")
        let noId = try await server.call("POST", "/api/v1/cases", json: ["room": "OR3"], token: token)
        #expect(noId.status == 400 && noId.json["field"] as? String == "case_id", "\(noId.json)")
        #expect(try server.store.subject("C-41") == nil)
        // A scrub nurse does not book cases.
        let (scrub, _) = try await server.signIn("n-2", role: "scrub_nurse")
        let refused = try await server.call(
            "POST", "/api/v1/cases", json: ["case_id": "C-43", "room": "OR3"], token: scrub)
        #expect(refused.status == 403)
        // A role that takes part in a protocol starts it on a case; one that does not is refused.
        let (nurse, _) = try await server.signIn("n-1", role: "circulating_nurse")
        let start = try await server.call(
            "POST", "/api/v1/runs", json: ["protocol": "implant_log", "subject": "C-1"], token: nurse)
        #expect(start.status == 201, "\(start.json)")
        let (laundry, _) = try await server.signIn("l-1", role: "linen_staff")
        let foreign = try await server.call(
            "POST", "/api/v1/runs", json: ["protocol": "implant_log", "subject": "C-1"], token: laundry)
        #expect(foreign.status == 403)
    }

    @Test func theIntakePagesAddACaseAndShowABadScheduleAsATable() async throws {
        let server = try await LiveServer()
        try server.publishSite()
        let cookie = try await server.pageSignIn("h-1", role: "head_nurse")
        let form = try await server.page("GET", "/cases/new", cookie: cookie)
        #expect(form.status == 200)
        #expect(form.html.contains("name=\"fact.implant\""), "a control for each declared fact")
        #expect(form.html.contains("<option value=\"OR3\">OR3</option>"), "the site's rooms")
        #expect(
            form.html.contains("<a href=\"/cases/new?kind=surgical-case\" class=\"current\">"),
            "the kind shown is marked as markup, not escaped text")
        #expect(!form.html.contains("&quot;current&quot;"))
        let csrf = try #require(LiveServer.hidden("csrf", in: form.html))
        let added = try await server.page(
            "POST", "/cases/new",
            form: [
                "csrf": csrf, "kind": "surgical-case", "case_id": "C-50", "room": "OR1", "procedure": "Lap chole",
                "scheduled_start": "2026-03-02T08:00", "fact.implant": "on",
            ], cookie: cookie)
        #expect(added.status == 303 && added.location == "/cases/C-50", "\(added.html)")
        #expect(try server.store.subject("C-50")?.scheduledStart == Timestamp.parse("2026-03-02T08:00:00+08:00"))
        #expect(try server.store.runs(subject: "C-50").count == 2)
        let casePage = try await server.page("GET", "/cases/C-50", cookie: cookie)
        #expect(casePage.html.contains("Implant log") && casePage.html.contains("Counts"))
        // A refused form comes back with what was typed.
        let refused = try await server.page(
            "POST", "/cases/new",
            form: [
                "csrf": csrf, "kind": "surgical-case", "case_id": "C-51", "room": "OR1", "procedure": "Typed text",
                "scheduled_start": "next week",
            ], cookie: cookie)
        #expect(refused.status == 400)
        #expect(refused.html.contains("value=\"Typed text\""))
        // The schedule upload: a bad file is a table of its rows, and nothing is imported.
        let boundary = "----qflow\(UUID().uuidString)"
        let csv = Self.header + "C-60,OR1,x,2026-03-02 08:00,P,W,no\nC-61,OR7,x,2026-03-02 08:00,P,W,no\n"
        var body = Data()
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n".utf8))
        body.append(
            Data(
                ("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; "
                    + "filename=\"day.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n--\(boundary)--\r\n")
                    .utf8))
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)/cases/import")!)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("multipart/form-data; boundary=\(boundary)", forHTTPHeaderField: "Content-Type")
        request.setValue("\(WorkstationServer.cookieName)=\(cookie)", forHTTPHeaderField: "Cookie")
        request.httpShouldHandleCookies = false
        let (data, response) = try await server.http.data(for: request)
        let html = String(decoding: data, as: UTF8.self)
        #expect((response as? HTTPURLResponse)?.statusCode == 400, "\(html)")
        #expect(html.contains("class=\"problems\"") && html.contains("<td>3</td><td>room</td>"), "\(html)")
        #expect(try server.store.subject("C-60") == nil, "nothing imported")
        // On a Chinese page the rows in error and the notice are in Chinese.
        request.setValue("\(WorkstationServer.cookieName)=\(cookie); qflow_lang=zh", forHTTPHeaderField: "Cookie")
        let (zhData, _) = try await server.http.data(for: request)
        let zh = String(decoding: zhData, as: UTF8.self)
        #expect(zh.contains("<td>3</td><td>room</td><td>不是院区文件中的手术间（OR1, OR3）</td>"), "\(zh)")
        #expect(!zh.contains("not one of the site"), "\(zh)")
    }

    @Test func aRoleImportsOnlyTheKindsItAdds() async throws {
        let server = try await LiveServer()
        try server.publishSite()
        let store = server.store
        let circulating = Actor(id: "n-1", role: "circulating_nurse")
        let csv = Self.header + "C-70,OR1,x,2026-03-02T08:00:00+08:00,P,W,no\n"
        let error = try #require(throws: StoreError.self) {
            try store.importSchedule(Array(csv.utf8), kinds: ["linen-batch"], by: circulating, at: Date())
        }
        #expect(error.code == .forbidden && error.problems.first?.line == 2 && error.problems.first?.field == "kind")
        #expect(try store.subject("C-70") == nil)
    }

    @Test func malformedUploadsAreRefusedNeverCrash() async throws {
        let server = try await LiveServer()
        let cookie = try await server.pageSignIn("h-1", role: "head_nurse")
        let form = try await server.page("GET", "/cases/new", cookie: cookie)
        let csrf = try #require(LiveServer.hidden("csrf", in: form.html))
        var generator = SystemRandomNumberGenerator()
        let boundary = "b0undary"
        let bodies: [Data] =
            [
                Data(), Data("--\(boundary)".utf8), Data("--\(boundary)--".utf8), Data("--\(boundary)\r\n\r\n".utf8),
                Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\n".utf8),
                Data(
                    ("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n"
                        + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\n"
                        + "--\(boundary)--")
                        .utf8),
            ]
            + (0..<20).map { _ in
                Data(
                    (0..<Int.random(in: 0..<300, using: &generator)).map { _ in
                        UInt8.random(in: 0...255, using: &generator)
                    })
            }
        for body in bodies {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)/cases/import")!)
            request.httpMethod = "POST"
            request.httpBody = body
            request.setValue("multipart/form-data; boundary=\(boundary)", forHTTPHeaderField: "Content-Type")
            request.setValue("\(WorkstationServer.cookieName)=\(cookie)", forHTTPHeaderField: "Cookie")
            request.httpShouldHandleCookies = false
            let (_, response) = try await server.http.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            #expect((400..<500).contains(status), "status \(status)")
        }
        #expect(try server.store.subjects().count == 1)
    }
}
