import Foundation
import GRDB
import QFlowEngine
import QFlowProtocolFile
import Testing

@testable import QFlowStore

/// A filing protocol on archive records: its runs are numbered when they start.
let filingYAML = """
    id: filing
    version: 1
    title: { zh: 归档, en: Filing }
    kind: other
    subject: archive-record
    subject_fields: { record_class: text, record_year: number, org_code: text }
    roles:
      - { id: archivist, title: { zh: 档案员, en: Archivist } }
    phases:
      - id: only
        title: { zh: 归档, en: Filing }
        items:
          - { id: filed, title: { zh: 已归档, en: Filed }, type: check }

    """

/// A site with an archive: documents kept permanently (archivists), photos 30 years (archivists and the office).
let archiveSiteYAML = """
    site: test_hospital
    version: 1
    name: { zh: 测试医院, en: Test hospital }
    time_zone: Asia/Shanghai
    linen_parameter_set: wst508
    rooms:
      - { id: OR3, title: { zh: 3号手术间, en: OR 3 } }
    archive:
      fonds: A014
      classes:
        - { code: WS, title: { zh: 文书, en: Documents }, retention: Y, roles: [archivist] }
        - { code: ZP, title: { zh: 照片, en: Photographs }, retention: D30, roles: [archivist, quality_manager] }
        - { code: KJ, title: { zh: 会计, en: Accounting }, retention: D10, roles: [archivist] }

    """

let archivist = Actor(id: "a-1", role: "archivist", workstation: "archive")
let qualityManager = Actor(id: "q-1", role: "quality_manager", workstation: "office")

func archiveDatabase(site: Bool = true) throws -> TemporaryDatabase {
    let temp = try TemporaryDatabase(publishing: [filingYAML])
    if site {
        let loaded = SiteFile.load(bytes: Array(archiveSiteYAML.utf8), file: "site.yaml")
        let spec = try #require(loaded.spec, "\(loaded.diagnostics)")
        try temp.store.publishSite(spec, by: archivist, at: t0)
    }
    return temp
}

func archiveRecord(_ id: String, _ recordClass: String = "WS", year: String = "2016", org: String = "BGS") -> Subject {
    Subject(
        id: id, kind: "archive-record", label: "Record \(id)",
        facts: ["record_class": recordClass, "record_year": year, "org_code": org])
}

extension Store {
    /// Adds an archive record and starts the filing protocol on it; returns the run id.
    func file(_ subject: Subject, at: Date = minutes(1)) throws -> ActionResult {
        try addSubject(subject, at: t0)
        return try perform(ActionRequest(.start(protocolId: "filing", subjectId: subject.id), by: archivist, at: at))
    }

    func number(of subjectId: String) throws -> String? {
        try read("test") { db in try ArchiveRegister.activeRecord(subject: subjectId, db)?.number }
    }

    func archiveTable() throws -> [String] {
        try read("test") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM archive_number ORDER BY number").map {
                $0.databaseValues.map(\.description).joined(separator: "|")
            }
        }
    }
}

@Suite("Archive numbers")
struct ArchiveNumberTests {
    @Test(arguments: [
        ("A014-WS·2016-Y-BGS-0026", "A014-WS·2016-Y-BGS-0026"),
        ("A014-WS•2016-Y-BGS-0026", "A014-WS·2016-Y-BGS-0026"),  // the seed's bullet
        ("A014-WS.2016-Y-BGS-0026", "A014-WS·2016-Y-BGS-0026"),
        ("A014-ZP·2016-D30-BGS-12345", "A014-ZP·2016-D30-BGS-12345"),
    ])
    func numbersAreReadAndWrittenInThePattern(_ text: String, _ written: String) throws {
        let number = try #require(ArchiveNumber(text))
        #expect(number.description == written)
        #expect(number.fonds == "A014" && number.org == "BGS")
    }

    @Test(arguments: [
        "", "A014-WS·2016-Y-BGS", "A014-WS·16-Y-BGS-0001", "A014-WS·2016-X-BGS-0001",
        "A014-WS·2016-Y-BGS-01", "a014-WS·2016-Y-BGS-0001", "A014-WS·2016-Y-BGS-0000",
    ])
    func malformedNumbersAreRefused(_ text: String) {
        #expect(ArchiveNumber(text) == nil)
    }

    @Test func retentionEndsAfterTheYearsCountedFromTheNextYear() {
        #expect(RetentionPeriod.permanent.lastDay(filedIn: 2016) == nil)
        #expect(RetentionPeriod.thirtyYears.lastDay(filedIn: 2016) == "2046-12-31")
        #expect(RetentionPeriod.tenYears.lastDay(filedIn: 2016) == "2026-12-31")
    }

    @Test func startingARunNumbersItsRecordPerSeries() throws {
        let db = try archiveDatabase()
        for id in ["D1", "D2", "D3"] { _ = try db.store.file(archiveRecord(id)) }
        _ = try db.store.file(archiveRecord("D4", year: "2017"))
        _ = try db.store.file(archiveRecord("P1", "ZP"))
        _ = try db.store.file(archiveRecord("K1", "WS", org: "YWK"))
        #expect(try db.store.number(of: "D1") == "A014-WS·2016-Y-BGS-0001")
        #expect(try db.store.number(of: "D2") == "A014-WS·2016-Y-BGS-0002")
        #expect(try db.store.number(of: "D3") == "A014-WS·2016-Y-BGS-0003")
        #expect(try db.store.number(of: "D4") == "A014-WS·2017-Y-BGS-0001")
        #expect(try db.store.number(of: "P1") == "A014-ZP·2016-D30-BGS-0001")
        #expect(try db.store.number(of: "K1") == "A014-WS·2016-Y-YWK-0001")
        let report = try db.store.verify()
        #expect(report.isIntact, "\(report.problems)")
        // The number's event is in the same action's result, after the run's own.
        let started = try db.store.file(archiveRecord("D5"))
        #expect(started.events.map(\.kind) == ["started", "archive-assigned"])
        #expect(started.events.last?.runId == "archive:WS·2016-Y-BGS")
        #expect(started.events.last?.seq == 4)
    }

    @Test func aRecordKeepsItsNumberAcrossRestartsAndExplicitAssignment() throws {
        let db = try archiveDatabase()
        let run = try db.store.file(archiveRecord("D1")).runId
        try db.store.perform(
            ActionRequest(.command(runId: run, .stop), by: archivist, at: minutes(2), reason: "wrong box"))
        let restarted = try db.store.perform(
            ActionRequest(.restart(runId: run), by: archivist, at: minutes(3), reason: "again"))
        #expect(!restarted.events.contains { $0.kind == "archive-assigned" })
        let again = try db.store.assignArchiveNumber(restarted.runId, by: archivist, at: minutes(4))
        #expect(!again.assigned)
        #expect(again.record.number == "A014-WS·2016-Y-BGS-0001")
        #expect(try db.store.archiveRecords(as: archivist).count == 1)
    }

    @Test func aVoidedNumberIsNeverGivenAgain() throws {
        let db = try archiveDatabase()
        for id in ["D1", "D2", "D3"] { _ = try db.store.file(archiveRecord(id)) }
        let voided = try db.store.voidArchiveNumber(
            "A014-WS•2016-Y-BGS-0003", reason: "filed under the wrong year", by: archivist, at: minutes(5))
        #expect(voided.status == .void && voided.voidReason == "filed under the wrong year")
        #expect(try db.store.number(of: "D3") == nil)
        // The next record and the voided record itself get new numbers; 0003 stays void.
        _ = try db.store.file(archiveRecord("D4"))
        #expect(try db.store.number(of: "D4") == "A014-WS·2016-Y-BGS-0004")
        let renumbered = try db.store.assignArchiveNumber("D3", by: archivist, at: minutes(6))
        #expect(renumbered.assigned && renumbered.record.number == "A014-WS·2016-Y-BGS-0005")
        #expect(try db.store.archiveRecord("A014-WS·2016-Y-BGS-0003", as: archivist).status == .void)
        // Voiding twice, without a reason, or an unknown number is refused.
        #expect(throws: StoreError.self) {
            try db.store.voidArchiveNumber("A014-WS·2016-Y-BGS-0003", reason: "again", by: archivist, at: minutes(7))
        }
        #expect(throws: StoreError.self) {
            try db.store.voidArchiveNumber("A014-WS·2016-Y-BGS-0004", reason: "  ", by: archivist, at: minutes(7))
        }
        #expect(throws: StoreError.self) {
            try db.store.voidArchiveNumber("A014-WS·2016-Y-BGS-0099", reason: "x", by: archivist, at: minutes(7))
        }
        #expect(try db.store.verify().isIntact)
    }

    @Test func numbersSurviveARebuildAndTamperingIsFound() throws {
        let db = try archiveDatabase()
        for id in ["D1", "D2", "D3"] { _ = try db.store.file(archiveRecord(id)) }
        _ = try db.store.voidArchiveNumber(
            "A014-WS·2016-Y-BGS-0002", reason: "duplicate", by: archivist, at: minutes(5))
        let before = try db.store.archiveTable()
        #expect(before.count == 3)
        try db.store.rebuild()
        #expect(try db.store.archiveTable() == before)
        // A projection emptied behind the store's back: verify says so, rebuild restores it from the log.
        let queue = try DatabaseQueue(path: db.path)
        try queue.write { try $0.execute(sql: "DELETE FROM archive_number") }
        try queue.close()
        #expect(!(try db.store.verify().isIntact))
        try db.store.rebuild()
        #expect(try db.store.archiveTable() == before)
        #expect(try db.store.verify().isIntact)
        // After the rebuild the series goes on from the log, not from a counter.
        _ = try db.store.file(archiveRecord("D4"))
        #expect(try db.store.number(of: "D4") == "A014-WS·2016-Y-BGS-0004")
    }

    @Test func anAlteredNumberEventBreaksTheChain() throws {
        let db = try archiveDatabase()
        _ = try db.store.file(archiveRecord("D1"))
        let queue = try DatabaseQueue(path: db.path)
        try queue.write {
            try $0.execute(
                sql:
                    "UPDATE event SET payload = replace(payload, '\"seq\":1', '\"seq\":7') WHERE kind = "
                    + "'archive-assigned'"
            )
        }
        try queue.close()
        let report = try db.store.verify()
        #expect(!report.isIntact)
        #expect(report.firstBrokenEvent == 2)
    }

    @Test func twoWritersGetDistinctNumbers() throws {
        let db = try archiveDatabase()
        let other = try Store.open(path: db.path)
        let stores = [db.store, other]
        for i in 0..<40 { try db.store.addSubject(archiveRecord("D\(i)"), at: t0) }
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 40) { i in
            do {
                _ = try stores[i % 2].perform(
                    ActionRequest(.start(protocolId: "filing", subjectId: "D\(i)"), by: archivist, at: minutes(1)))
            } catch {
                failures.append("\(error)")
            }
        }
        #expect(failures.all.isEmpty)
        let numbers = try db.store.archiveRecords(as: archivist).map(\.number)
        #expect(numbers.count == 40)
        #expect(Set(numbers).count == 40)
        #expect(
            numbers
                == (1...40).map {
                    ArchiveNumber(
                        fonds: "A014", classCode: "WS", year: 2016, retention: .permanent, org: "BGS", seq: $0
                    ).description
                })
        #expect(try db.store.verify().isIntact)
    }

    @Test func aRecordIsNotStartedWithoutAnArchiveOrWithBadFacts() throws {
        let none = try archiveDatabase(site: false)
        let error = try #require(throws: StoreError.self) { _ = try none.store.file(archiveRecord("D1")) }
        #expect(error.code == .invalidInput && error.message.contains("archive section"))
        #expect(try none.store.eventCount() == 0)
        let db = try archiveDatabase()
        for (subject, field) in [
            (archiveRecord("X1", "QQ"), "record_class"), (archiveRecord("X2", year: "16"), "record_year"),
            (archiveRecord("X3", org: "bgs"), "org_code"),
        ] {
            let error = try #require(throws: StoreError.self) { _ = try db.store.file(subject) }
            #expect(error.item == field, "\(error)")
        }
        #expect(try db.store.eventCount() == 0)
    }
}

@Suite("Archive access by role")
struct ArchiveAccessTests {
    @Test func onlyTheClassRolesReadItsRecords() throws {
        let db = try archiveDatabase()
        _ = try db.store.file(archiveRecord("D1"))
        _ = try db.store.file(archiveRecord("P1", "ZP"))
        let number = "A014-WS·2016-Y-BGS-0001"
        #expect(try db.store.archiveRecord(number, as: archivist).subjectId == "D1")
        let error = try #require(throws: StoreError.self) { try db.store.archiveRecord(number, as: qualityManager) }
        #expect(error.code == .forbidden)
        #expect(!error.message.contains("D1") && !error.message.contains("Record"), "no record data in a refusal")
        // The quality manager lists the class it may read, and is refused a class it may not.
        #expect(try db.store.archiveRecords(as: qualityManager).map(\.number) == ["A014-ZP·2016-D30-BGS-0001"])
        #expect(try db.store.archiveRecords(classCode: "ZP", year: 2016, as: qualityManager).count == 1)
        #expect(try db.store.archiveRecords(classCode: "ZP", year: 2017, as: qualityManager).isEmpty)
        #expect(throws: StoreError.self) { try db.store.archiveRecords(classCode: "WS", as: qualityManager) }
        let nurse = Actor(id: "n-1", role: "circulating_nurse")
        let refused = try #require(throws: StoreError.self) { try db.store.archiveRecords(as: nurse) }
        #expect(refused.code == .forbidden)
        // Nor may the nurse number or void a record.
        #expect(throws: StoreError.self) { try db.store.assignArchiveNumber("D1", by: nurse, at: minutes(3)) }
        #expect(throws: StoreError.self) {
            try db.store.voidArchiveNumber(number, reason: "x", by: nurse, at: minutes(3))
        }
    }

    @Test func aRegisteredUserMustHoldTheRoleTheyClaim() throws {
        let db = try archiveDatabase()
        _ = try db.store.file(archiveRecord("D1"))
        try db.store.addUser(id: "a-2", name: "Li", roles: ["quality_manager"], password: "correct horse 1", at: t0)
        let claimed = Actor(id: "a-2", role: "archivist")
        let error = try #require(throws: StoreError.self) {
            try db.store.archiveRecord("A014-WS·2016-Y-BGS-0001", as: claimed)
        }
        #expect(error.code == .forbidden)
        try db.store.setRoles("a-2", ["archivist"], at: t0)
        #expect(try db.store.archiveRecord("A014-WS·2016-Y-BGS-0001", as: claimed).status == .active)
    }
}

@Suite("Backups")
struct BackupTests {
    func filled() throws -> TemporaryDatabase {
        let db = try archiveDatabase()
        for id in ["D1", "D2"] { _ = try db.store.file(archiveRecord(id)) }
        return db
    }

    @Test func threeCopiesAreEachVerified() throws {
        let db = try filled()
        let targets = ["keep", "offsite", "daily"].map { db.directory.appendingPathComponent("\($0).sqlite") }
        let results = try db.store.backup(to: targets)
        #expect(results.map(\.destination) == targets.map(\.path))
        for result in results {
            #expect(result.error == nil, "\(result.error.map(String.init(describing:)) ?? "")")
            #expect(result.report?.isIntact == true)
            #expect(result.report?.events == 4)
            let copy = try Store.open(path: result.destination)
            #expect(try copy.archiveRecords(as: archivist).count == 2)
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: db.directory.path).filter {
            $0.contains(".partial-")
        }
        #expect(leftovers.isEmpty)
    }

    @Test func anExistingFileIsReplacedOnlyWhenAllowed() throws {
        let db = try filled()
        let target = db.directory.appendingPathComponent("keep.sqlite")
        let fresh = db.directory.appendingPathComponent("fresh.sqlite")
        _ = try db.store.backup(to: [target])
        let error = try #require(throws: StoreError.self) { try db.store.backup(to: [fresh, target]) }
        #expect(error.code == .alreadyExists && error.message.contains(target.path))
        #expect(!FileManager.default.fileExists(atPath: fresh.path), "a refused call copies nothing")
        _ = try db.store.file(archiveRecord("D3"))
        let replaced = try db.store.backup(to: [target], overwrite: true)
        #expect(replaced[0].error == nil && replaced[0].report?.events == 6)
        #expect(throws: StoreError.self) { try db.store.backup(to: []) }
        #expect(throws: StoreError.self) { try db.store.backup(to: [fresh, fresh]) }
        #expect(throws: StoreError.self) { try db.store.backup(to: [URL(fileURLWithPath: db.path)], overwrite: true) }
    }

    @Test func anUnwritableDestinationFailsAloneAndIsNamed() throws {
        let db = try filled()
        // A file where a folder should be: unwritable even for root.
        let blocker = db.directory.appendingPathComponent("not-a-folder")
        try Data("x".utf8).write(to: blocker)
        let bad = blocker.appendingPathComponent("copy.sqlite")
        let good = ["keep", "daily"].map { db.directory.appendingPathComponent("\($0).sqlite") }
        let results = try db.store.backup(to: [good[0], bad, good[1]])
        #expect(results[0].error == nil && results[2].error == nil)
        let error = try #require(results[1].error)
        #expect(error.message.contains(bad.path), "\(error)")
        #expect(results[1].report == nil)
        #expect(!FileManager.default.fileExists(atPath: bad.path))
        #expect(try Store.open(path: good[1].path).verify().isIntact)
    }
}

/// Errors collected from several threads.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ item: String) {
        lock.lock()
        items.append(item)
        lock.unlock()
    }
    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}
