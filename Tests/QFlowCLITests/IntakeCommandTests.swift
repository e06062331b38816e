import Foundation
import GRDB
import Testing

/// A site for the workspace's two protocols: every surgical case starts `counts`; a flagged one `search` too.
let workspaceSite = """
    site: cli_site
    version: 1
    name: { zh: 测试医院, en: Test hospital }
    time_zone: Asia/Shanghai
    linen_parameter_set: cdc
    rooms:
      - { id: OR1, title: { zh: 1号, en: Room 1 } }
      - { id: OR2, title: { zh: 2号, en: Room 2 } }
    bundles:
      - id: case
        subject: surgical-case
        title: { zh: 核心, en: Core }
        protocols: [counts]

    """

extension Workspace {
    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func count(_ table: String) throws -> Int {
        try DatabaseQueue(path: db).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }
}

@Suite("qflow site and case import")
struct IntakeCommandTests {
    @Test func siteValidatePrintsFileLineColumnAndApplyPublishesOnce() throws {
        let ws = try Workspace()
        let good = try ws.write("site.yaml", workspaceSite)
        let protocols = ws.directory.appendingPathComponent("Protocols").path
        let valid = try QFlow.run(["site", "validate", good, "--protocols", protocols])
        #expect(valid.status == 0)
        #expect(valid.stdout.hasPrefix("ok: \(good): site cli_site version 1, 2 rooms"))
        let bad = try ws.write(
            "bad.yaml",
            workspaceSite.replacingOccurrences(of: "Asia/Shanghai", with: "Mars/Olympus")
                .replacingOccurrences(of: "protocols: [counts]", with: "protocols: [count]"))
        let refused = try QFlow.run(["site", "validate", bad, "--protocols", protocols])
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("\(bad):4:12: unknown time zone 'Mars/Olympus'"), "\(refused.stdout)")
        #expect(refused.stdout.contains("\(bad):13:17: no protocol 'count' in the library (did you mean 'counts'?)"))
        #expect(try ws.expectOK(["site", "apply", good]).hasPrefix("published: site cli_site version 1"))
        #expect(try ws.expectOK(["site", "apply", good]).hasPrefix("unchanged: site cli_site version 1"))
        #expect(try ws.expectOK(["site", "show"]).contains("time zone Asia/Shanghai"))
        // Changed content under the same version is refused.
        let changed = try ws.write("changed.yaml", workspaceSite.replacingOccurrences(of: "cdc", with: "wst508"))
        let again = try ws.qflow(["site", "apply", changed])
        #expect(again.status != 0)
        #expect(again.stderr.contains("higher version"))
    }

    @Test func caseImportPrintsASummaryOrEveryBadRowAndWritesNothing() throws {
        let ws = try Workspace()
        try ws.expectOK(["site", "apply", try ws.write("site.yaml", workspaceSite)])
        let good = try ws.write(
            "day.csv",
            """
            case_id,room,procedure,scheduled_start,patient_ref,ward
            C-1,OR1,Lap chole,2026-03-02 08:00,P-1,General surgery
            C-2,OR2,"Hernia repair, left",2026-03-02 09:30,P-2,General surgery

            """)
        #expect(try ws.expectOK(["case", "import", good]) == "2 added, 0 unchanged, 0 updated; 2 runs started\n")
        #expect(try ws.expectOK(["case", "import", good]) == "0 added, 2 unchanged, 0 updated; 0 runs started\n")
        let runs = try ws.expectOK(["run", "list"])
        #expect(runs.contains("counts@1  C-1  active"))
        let subjects = try ws.count("subject")
        let events = try ws.count("event")
        let bad = try ws.write(
            "bad.csv",
            """
            case_id,room,procedure,scheduled_start,patient_ref,ward
            C-3,OR9,Lap chole,2026-03-02 08:00,P-3,GS
            C-4,OR1,Lap chole,tomorrow,P-4,GS
            C-1,OR1,Lap chole,2026-03-02 10:00,P-1,General surgery

            """)
        let refused = try ws.qflow(["case", "import", bad])
        #expect(refused.status == 1)
        let lines = refused.stderr.split(separator: "\n").map(String.init)
        #expect(
            lines == [
                "\(bad):2: room: not one of the site's rooms (OR1, OR2)",
                "\(bad):3: scheduled_start: not a time: write 2026-03-02 08:00 (site time) "
                    + "or 2026-03-02T08:00:00+08:00",
                "\(bad):4: case_id: the case exists with different content: "
                    + "import in update mode (--update) to change it",
                "error: 3 problems in 3 lines; nothing was imported",
            ])
        #expect(try ws.count("subject") == subjects)
        #expect(try ws.count("event") == events)
        // With --update, the changed case is updated (and nothing else may be wrong in the file).
        let moved = try ws.write(
            "moved.csv",
            "case_id,room,procedure,scheduled_start,patient_ref,ward\n"
                + "C-1,OR1,Lap chole,2026-03-02 10:00,P-1,General surgery\n"
        )
        #expect(
            try ws.expectOK(["case", "import", moved, "--update"])
                == "0 added, 0 unchanged, 1 updated; 0 runs started\n")
        #expect(try ws.count("subject_event") == 3)
    }

    @Test func caseAddGoesThroughIntakeAndNamesTheActor() throws {
        let ws = try Workspace()
        try ws.expectOK(["site", "apply", try ws.write("site.yaml", workspaceSite)])
        let added = try ws.expectOK(["case", "add", "C-9", "--room", "OR2", "--scheduled-start", "2026-03-02 08:00"])
        #expect(added == "added surgical-case C-9\n  started R000001 counts (bundle case)\n")
        let history = try ws.expectOK(["run", "show", "R000001", "--history"])
        #expect(history.contains("n-circ"))
        let refused = try ws.qflow(["case", "add", "C-10", "--room", "OR7"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("room: not one of the site's rooms (OR1, OR2)"))
        // Without a user, nothing is written.
        let anonymous = try QFlow.run(["case", "add", "C-11", "--room", "OR1", "--db", ws.db])
        #expect(anonymous.status != 0)
        #expect(anonymous.stderr.contains("who is acting?"))
    }

    @Test func theHospitalSandboxIsATestDatabaseWithASiteAndAccounts() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-sandbox-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("sandbox.sqlite").path
        let built = try QFlow.run(["demo", "--hospital", "--cases", "60", "--rooms", "6", "--db", db])
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.stdout.contains("60 cases in 6 rooms"))
        #expect(built.stdout.contains("TEST DATABASE"))
        #expect(built.stdout.contains("hn-01  head_nurse"))
        let site = try QFlow.run(["site", "show", "--db", db])
        #expect(site.stdout.contains("rooms: OR1, OR2, OR3, OR4, OR5, OR6\n"))
        let users = try QFlow.run(["user", "list", "--db", db])
        #expect(users.stdout.contains("cn-01"))
        // A case added to the sandbox starts the shipped site's bundle.
        let added = try QFlow.run([
            "case", "add", "T-1", "--room", "OR6", "--scheduled-start", "2026-03-02 08:00", "--db", db, "--user",
            "hn-01", "--role", "head_nurse",
        ])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("or_scrub_nurse (bundle surgical_case)"))
    }
}
