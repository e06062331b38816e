import Foundation
import Testing

/// `qflow archive …` and `qflow backup --to …` on a database with the example archive protocol and a site whose
/// archive section files documents (permanent) and photographs (30 years), each started by a bundle.
final class ArchiveWorkspace {
    let directory: URL
    var db: String { directory.appendingPathComponent("archive.sqlite").path }

    static let site = """
        site: demo_archive
        version: 1
        name: { zh: 示范医院档案室, en: Demonstration hospital — records office }
        time_zone: Asia/Shanghai
        linen_parameter_set: wst508
        rooms:
          - { id: OR1, title: { zh: 1号手术间, en: Operating room 1 } }
        archive:
          fonds: A014
          classes:
            - { code: WS, title: { zh: 文书, en: Documents }, retention: Y, roles: [archivist, archive_head] }
            - { code: ZP, title: { zh: 照片, en: Photographs }, retention: D30, roles: [archivist, quality_manager] }
        bundles:
          - id: archive
            subject: archive-record
            title: { zh: 电子档案, en: Electronic archive }
            protocols: [electronic_archive]

        """

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-archive-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Self.site.write(to: directory.appendingPathComponent("site.yaml"), atomically: true, encoding: .utf8)
        try ok(["init"])
        try ok(["protocol", "publish", QFlow.packageRoot.appendingPathComponent("Examples").path])
        let applied = try ok(["site", "apply", "site.yaml"], as: "archive_head")
        #expect(applied.contains("archive A014 with 2 classes"), "\(applied)")
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Runs qflow on this database as `a-1` in `role` (commands that take no actor get none).
    @discardableResult
    func qflow(_ arguments: [String], as role: String? = "archivist") throws -> QFlow.Result {
        let actor = role.map { ["--user", "a-1", "--role", $0] } ?? []
        return try QFlow.run(arguments + ["--db", db] + actor, in: directory)
    }

    @discardableResult
    func ok(_ arguments: [String], as role: String? = "archivist") throws -> String {
        let takesActor = ["case", "site", "archive", "run"].contains(arguments.first ?? "")
        let result = try qflow(arguments, as: takesActor ? role : nil)
        #expect(result.status == 0, "qflow \(arguments.joined(separator: " ")): \(result.stderr)")
        return result.stdout
    }

    func addRecord(_ id: String, _ recordClass: String = "WS", year: String = "2016") throws {
        try ok([
            "case", "add", id, "--kind", "archive-record", "--fact", "record_class=\(recordClass)",
            "--fact", "record_year=\(year)", "--fact", "org_code=BGS",
        ])
    }
}

@Suite("qflow archive and backup")
struct ArchiveCommandTests {
    @Test func theExamplesValidate() throws {
        let result = try QFlow.run(["protocol", "validate", "Examples"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasPrefix("ok: "))
    }

    @Test func addingARecordNumbersItAndTheNumberIsShownWithItsRetention() throws {
        let ws = try ArchiveWorkspace()
        try ws.addRecord("DOC1")
        try ws.addRecord("DOC2")
        try ws.addRecord("PH1", "ZP")
        let list = try ws.ok(["archive", "list"])
        for number in ["A014-WS·2016-Y-BGS-0001", "A014-WS·2016-Y-BGS-0002", "A014-ZP·2016-D30-BGS-0001"] {
            #expect(list.contains(number), "\(list)")
        }
        #expect(list.contains("2046-12-31"))
        let show = try ws.ok(["archive", "show", "A014-WS•2016-Y-BGS-0001"])
        #expect(show.contains("number:      A014-WS·2016-Y-BGS-0001"), "\(show)")
        #expect(show.contains("retention:   Y (永久 / permanent)"))
        #expect(show.contains("kept until:  permanent"))
        #expect(show.contains("status:      active"))
        let photo = try ws.ok(["archive", "show", "A014-ZP·2016-D30-BGS-0001", "--format", "json"])
        #expect(photo.contains("\"keptUntil\" : \"2046-12-31\""), "\(photo)")
        let onlyWS = try ws.ok(["archive", "list", "--class", "WS", "--year", "2016"])
        #expect(onlyWS.contains("-0002") && !onlyWS.contains("ZP·"))
    }

    @Test func aRoleOutsideTheClassIsRefusedWithoutRecordData() throws {
        let ws = try ArchiveWorkspace()
        try ws.addRecord("DOC1")
        let refused = try ws.qflow(["archive", "show", "A014-WS·2016-Y-BGS-0001"], as: "circulating_nurse")
        #expect(refused.status == 1)
        #expect(
            refused.stderr.contains("role circulating_nurse may not read archive records of class WS"),
            "\(refused.stderr)")
        #expect(!refused.stderr.contains("DOC1") && refused.stdout.isEmpty)
        let listed = try ws.qflow(["archive", "list"], as: "circulating_nurse")
        #expect(listed.status == 1)
        // The quality manager reads photographs only.
        let quality = try ws.qflow(["archive", "list"], as: "quality_manager")
        #expect(
            quality.status == 0 && quality.stdout.contains("no archive numbers"), "\(quality.stdout)\(quality.stderr)")
        #expect(try ws.qflow(["archive", "list", "--class", "WS"], as: "quality_manager").status == 1)
    }

    @Test func aVoidedNumberIsNeverGivenAgainAndNumbersSurviveARebuild() throws {
        let ws = try ArchiveWorkspace()
        try ws.addRecord("DOC1")
        try ws.addRecord("DOC2")
        #expect(try ws.qflow(["archive", "void", "A014-WS·2016-Y-BGS-0002"]).status != 0, "a reason is required")
        let voided = try ws.ok(["archive", "void", "A014-WS·2016-Y-BGS-0002", "--reason", "filed in the wrong class"])
        #expect(voided.contains("voided: A014-WS·2016-Y-BGS-0002"))
        try ws.addRecord("DOC3")
        #expect(try ws.ok(["archive", "assign", "DOC2"]).contains("assigned: A014-WS·2016-Y-BGS-0004"))
        #expect(try ws.ok(["archive", "assign", "DOC3"]).contains("unchanged: A014-WS·2016-Y-BGS-0003"))
        let before = try ws.ok(["archive", "list"])
        #expect(before.contains("A014-WS·2016-Y-BGS-0002") && before.contains("void"))
        #expect(try ws.ok(["rebuild"]).contains("rebuilt"))
        #expect(try ws.ok(["archive", "list"]) == before)
        #expect(try ws.ok(["verify"]).hasPrefix("ok: "))
    }

    @Test func backupWritesThreeVerifiedCopies() throws {
        let ws = try ArchiveWorkspace()
        try ws.addRecord("DOC1")
        let copies = ["keep", "offsite", "daily"].map { ws.directory.appendingPathComponent("\($0).sqlite").path }
        let three = try ws.qflow(["backup"] + copies.flatMap { ["--to", $0] }, as: nil)
        #expect(three.status == 0, "\(three.stderr)")
        #expect(three.stdout.split(separator: "\n").filter { $0.hasPrefix("ok: ") }.count == 3)
        #expect(!three.stderr.contains("warning"))
        for copy in copies {
            #expect(try QFlow.run(["verify", "--db", copy]).status == 0)
            #expect(
                try QFlow.run(["archive", "list", "--db", copy, "--user", "a-1", "--role", "archivist"]).stdout
                    .contains("A014-WS·2016-Y-BGS-0001"))
        }
        // An existing copy is refused unless --overwrite; fewer than three copies warns.
        let again = try ws.qflow(["backup", "--to", copies[0]], as: nil)
        #expect(again.status == 1 && again.stderr.contains(copies[0]) && again.stderr.contains("exists"))
        let replaced = try ws.qflow(["backup", "--to", copies[0], "--overwrite"], as: nil)
        #expect(replaced.status == 0 && replaced.stderr.contains("three copies"), "\(replaced.stderr)")
        #expect(try ws.qflow(["backup"], as: nil).status != 0)
    }

    @Test func anUnwritableDestinationIsNamedAndTheOthersAreWritten() throws {
        let ws = try ArchiveWorkspace()
        try ws.addRecord("DOC1")
        let blocker = ws.directory.appendingPathComponent("not-a-folder")
        try Data("x".utf8).write(to: blocker)
        let bad = blocker.appendingPathComponent("copy.sqlite").path
        let good = ws.directory.appendingPathComponent("daily.sqlite").path
        let result = try ws.qflow(["backup", "--to", bad, "--to", good], as: nil)
        #expect(result.status == 1)
        #expect(result.stderr.contains(bad), "\(result.stderr)")
        #expect(result.stdout.contains("ok: ") && result.stdout.contains(good))
        #expect(try QFlow.run(["verify", "--db", good]).status == 0)
    }
}
