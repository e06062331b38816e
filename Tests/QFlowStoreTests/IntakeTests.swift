import Foundation
import GRDB
import QFlowEngine
import QFlowProtocolFile
import Testing

@testable import QFlowStore

/// The case protocol of these tests: reads facts of every type, and triggers `search` when `subject.infected`.
let intakeCaseYAML = """
    id: nursing
    version: 1
    title: { zh: 护理, en: Nursing }
    kind: core
    subject: surgical-case
    subject_fields: { scheduled_start: time, implant: bool, infected: bool, asa: number, incision_at: time }
    roles:
      - { id: circulating_nurse, title: { zh: 巡回护士, en: Circulating nurse } }
    phases:
      - id: only
        title: { zh: 唯一, en: Only }
        items:
          - id: ready
            title: { zh: 就绪, en: Ready }
            type: check
            deadline: { before: PT30M, of: subject.scheduled_start }
    triggers:
      - { id: infection, protocol: search, when: subject.infected }

    """

let intakeLinenYAML = """
    id: linen
    version: 1
    title: { zh: 织物, en: Linen }
    kind: linen
    subject: linen-batch
    subject_fields: { standard: text, infected: bool }
    roles:
      - { id: linen_staff, title: { zh: 洗涤员, en: Linen staff } }
    phases:
      - id: only
        title: { zh: 唯一, en: Only }
        items:
          - { id: washed, title: { zh: 已洗, en: Washed }, type: check }

    """

let intakeSiteYAML = """
    site: test_site
    version: 1
    name: { zh: 测试医院, en: Test hospital }
    time_zone: Asia/Shanghai
    linen_parameter_set: wst508
    rooms:
      - { id: OR1, title: { zh: 1号, en: Room 1 } }
      - { id: OR2, title: { zh: 2号, en: Room 2 } }
      - { id: OR3, title: { zh: 3号, en: Room 3 } }
    laundry_lines:
      - { id: L1, title: { zh: 洗涤线1, en: Line 1 } }
    bundles:
      - id: case
        subject: surgical-case
        title: { zh: 核心, en: Core }
        protocols: [nursing, counts]
      - id: implants
        subject: surgical-case
        title: { zh: 植入物, en: Implants }
        when: subject.implant
        protocols:
          - search
      - id: batch
        subject: linen-batch
        title: { zh: 织物, en: Linen }
        protocols: [linen]

    """

let headNurse = Actor(id: "hn-1", role: "head_nurse", workstation: "office")

/// A database with the test protocols and (unless `site` is false) the test site published.
func intakeDatabase(site: Bool = true) throws -> TemporaryDatabase {
    let temp = try TemporaryDatabase(publishing: [countsYAML, searchYAML, intakeCaseYAML, intakeLinenYAML])
    if site {
        let loaded = SiteFile.load(bytes: Array(intakeSiteYAML.utf8), file: "site.yaml")
        let spec = try #require(loaded.spec, "\(loaded.diagnostics)")
        #expect(try temp.store.publishSite(spec, sourceFile: "site.yaml", by: headNurse, at: t0) == .published)
    }
    return temp
}

extension Store {
    /// Subjects, events, runs and subject-log entries: what a refused import must leave as it was.
    func counts() throws -> [Int] {
        try read("count") { db in
            try ["subject", "event", "run", "subject_event"].map {
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") ?? 0
            }
        }
    }
}

let header = "case_id,room,procedure,scheduled_start,patient_ref,ward,implant,infected"

func csv(_ lines: String...) -> [UInt8] { Array(([header] + lines).joined(separator: "\n").utf8) }

@Suite("Site publication")
struct SitePublicationTests {
    @Test func publishingIsVersionedLikeProtocols() throws {
        let temp = try intakeDatabase()
        let store = temp.store
        var spec = try #require(try store.site()).spec
        #expect(try store.publishSite(spec, by: headNurse, at: minutes(1)) == .unchanged)
        spec.idleLockMinutes = 9
        #expect(throws: StoreError.self) { try store.publishSite(spec, by: headNurse, at: minutes(2)) }
        spec.version = 2
        #expect(try store.publishSite(spec, by: headNurse, at: minutes(3)) == .published)
        let latest = try #require(try store.site())
        #expect(latest.spec.version == 2)
        #expect(latest.timeZone.identifier == "Asia/Shanghai")
        #expect(latest.publishedBy == Actor(id: "hn-1", role: "head_nurse"))
        #expect(try store.siteVersions().map(\.spec.version) == [1, 2])
        // Versions only go up; a database is one site.
        spec.version = 1
        spec.idleLockMinutes = 8
        #expect(throws: StoreError.self) { try store.publishSite(spec, by: headNurse, at: minutes(4)) }
        spec.version = 3
        spec.id = "other_site"
        #expect(throws: StoreError.self) { try store.publishSite(spec, by: headNurse, at: minutes(5)) }
    }

    // Local days mean the site's days: a cohort from 2025-01-01 starts at midnight in Shanghai (16:00 UTC the day
    // before), whatever zone the machine running the report is in.
    @Test func cohortDaysAreMidnightInTheSitesZone() throws {
        let temp = try intakeDatabase()
        let zone = try temp.store.localTimeZone()
        #expect(zone.identifier == "Asia/Shanghai")
        let (from, to) = try Cohort(name: "q1", from: "2025-01-01", to: "2025-04-01").validated(in: zone)
        #expect(from.map(Timestamp.format) == "2024-12-31T16:00:00.000Z")
        #expect(to.map(Timestamp.format) == "2025-03-31T16:00:00.000Z")
        let none = try intakeDatabase(site: false)
        #expect(try none.store.localTimeZone() == LocalTime.zone(site: nil))
    }

    @Test func aSiteNamingAnUnpublishedProtocolIsRefusedWithItsPath() throws {
        let temp = try intakeDatabase(site: false)
        let loaded = SiteFile.load(
            bytes: Array(intakeSiteYAML.replacingOccurrences(of: "[nursing, counts]", with: "[nursing, nope]").utf8),
            file: "site.yaml")
        let spec = try #require(loaded.spec)
        let error = try #require(throws: StoreError.self) { try temp.store.publishSite(spec, by: headNurse, at: t0) }
        #expect(error.code == .invalidInput)
        #expect(error.problems.map(\.field) == ["bundles[0].protocols[1]"])
        #expect(try temp.store.site() == nil)
    }
}

@Suite("Intake")
struct IntakeTests {
    @Test func addingACaseStartsItsBundleInTheSameTransactionAsEngineEventsWithTheActor() throws {
        let temp = try intakeDatabase()
        let store = temp.store
        let subject = Subject(
            id: "C-1", kind: "surgical-case", patientRef: "P-1", room: "OR2", scheduledStart: minutes(90),
            facts: ["implant": "yes", "infected": "no"])
        let result = try store.addCase(subject, by: headNurse, at: minutes(5))
        #expect(result.subjectId == "C-1")
        // nursing and counts from `case`; search from `implants` (its condition holds).
        #expect(result.runs.map(\.protocolId) == ["nursing", "counts", "search"])
        #expect(result.runs.map(\.bundleId) == ["case", "case", "implants"])
        for run in result.runs {
            let first = try #require(try store.run(run.runId).events.first?.event)
            #expect(first.actor == headNurse)
            #expect(first.at == minutes(5))
        }
        let stored = try #require(try store.subject("C-1"))
        #expect(stored.facts == ["implant": "true", "infected": "false"])  // written canonically
        let log = try store.subjectEvents("C-1")
        #expect(log.map(\.kind) == ["added"])
        #expect(log.first?.actor == headNurse)
        #expect(log.first?.hashAfter == stored.contentHash)
        #expect(try store.verify().isIntact)
    }

    @Test func aBundleConditionThatDoesNotHoldStartsNothingAndATriggerIsNotDoubled() throws {
        let temp = try intakeDatabase()
        let store = temp.store
        // implant false: the `implants` bundle does not start; infected: nursing's trigger starts search once.
        let result = try store.addCase(
            Subject(
                id: "C-2", kind: "surgical-case", room: "OR1", scheduledStart: minutes(60),
                facts: ["implant": "no", "infected": "yes"]), by: headNurse, at: t0)
        #expect(result.runs.map(\.protocolId) == ["nursing", "search", "counts"])
        #expect(result.runs[1].bundleId == nil)
        #expect(result.runs[1].triggeredByRun == result.runs[0].runId)
        // implant unknown: an unknown fact is not a yes.
        let unknown = try store.addCase(
            Subject(id: "C-3", kind: "surgical-case", room: "OR1", scheduledStart: minutes(60)), by: headNurse, at: t0)
        #expect(unknown.runs.map(\.protocolId) == ["nursing", "counts"])
        // implant true and infected: search comes from the trigger and the bundle does not start it again.
        let both = try store.addCase(
            Subject(
                id: "C-4", kind: "surgical-case", room: "OR1", scheduledStart: minutes(60),
                facts: ["implant": "true", "infected": "true"]), by: headNurse, at: t0)
        #expect(both.runs.map(\.protocolId) == ["nursing", "search", "counts"])
    }

    @Test func withoutAPublishedSiteACaseIsAddedAndNoBundleStarts() throws {
        let temp = try intakeDatabase(site: false)
        let result = try temp.store.addCase(
            Subject(id: "C-1", kind: "surgical-case", room: "OR99", scheduledStart: minutes(60)), by: headNurse, at: t0)
        #expect(result.runs.isEmpty)
        #expect(try temp.store.runs(subject: "C-1").isEmpty)
        #expect(try temp.store.subjectEvents("C-1").count == 1)
    }

    @Test func aWrongTypedFactARoomNotInTheSiteAndAnUnknownFactAreRefusedByName() throws {
        let temp = try intakeDatabase()
        let before = try temp.store.counts()
        let subject = Subject(
            id: "C-1", kind: "surgical-case", patientRef: "P-secret-77", room: "OR9", scheduledStart: minutes(60),
            facts: ["asa": "three", "implnt": "yes", "implant": "maybe-secret"])
        let error = try #require(throws: StoreError.self) { try temp.store.addCase(subject, by: headNurse, at: t0) }
        #expect(error.code == .invalidInput)
        #expect(Set(error.problems.compactMap(\.field)) == ["asa", "implnt", "implant", "room"])
        let text = error.problems.map(\.description).joined(separator: "\n")
        #expect(text.contains("room: not one of the site's rooms (OR1, OR2, OR3)"))
        #expect(text.contains("implnt: not a fact of surgical-case subjects (did you mean 'implant'?)"))
        #expect(text.contains("asa: is a number"))
        // The values entered never appear in the messages.
        #expect(!text.contains("three") && !text.contains("secret") && !error.message.contains("secret"))
        #expect(try temp.store.counts() == before)
    }

    @Test func aLinenBatchGetsTheSitesParameterSetAndItsLaundryLineIsChecked() throws {
        let temp = try intakeDatabase()
        let store = temp.store
        let result = try store.addCase(
            Subject(id: "LB-1", kind: "linen-batch", room: "L1", facts: ["infected": "no"]), by: headNurse, at: t0)
        #expect(result.runs.map(\.protocolId) == ["linen"])
        #expect(try store.subject("LB-1")?.facts["standard"] == "wst508")
        let wrongLine = try #require(throws: StoreError.self) {
            try store.addCase(Subject(id: "LB-2", kind: "linen-batch", room: "OR1"), by: headNurse, at: t0)
        }
        #expect(wrongLine.problems.first?.description == "room: not one of the site's laundry lines (L1)")
        let otherStandard = try #require(throws: StoreError.self) {
            try store.addCase(
                Subject(id: "LB-3", kind: "linen-batch", room: "L1", facts: ["standard": "cdc"]), by: headNurse, at: t0)
        }
        #expect(otherStandard.problems.first?.field == "standard")
    }

    @Test func anUnknownKindAndAnExistingCaseAreRefused() throws {
        let temp = try intakeDatabase()
        let kind = try #require(throws: StoreError.self) {
            try temp.store.addCase(Subject(id: "X", kind: "shift"), by: headNurse, at: t0)
        }
        #expect(kind.problems.first?.field == "kind")
        _ = try temp.store.addCase(
            Subject(id: "C-1", kind: "surgical-case", room: "OR1", scheduledStart: minutes(60)), by: headNurse, at: t0)
        let again = try #require(throws: StoreError.self) {
            try temp.store.addCase(
                Subject(id: "C-1", kind: "surgical-case", room: "OR1", scheduledStart: minutes(60)), by: headNurse,
                at: t0)
        }
        #expect(again.code == .alreadyExists)
    }
}

@Suite("Schedule import")
struct ScheduleImportTests {
    @Test func aGoodScheduleAddsEveryCaseWithItsBundlesInOneTransaction() throws {
        let temp = try intakeDatabase()
        let store = temp.store
        let bytes = csv(
            "C-1,OR1,Lap chole,2026-03-02 08:00,P-1,General surgery,no,no",
            "C-2,OR2,\"Hernia repair, left\",2026-03-02T09:30,P-2,General surgery,yes,no",
            "C-3,OR3,\"ORIF \"\"right\"\" wrist\",2026-03-02T10:00:00Z,P-3,Orthopaedics,,",
            "",
            "C-4,OR1,Thyroidectomy,2026-03-02T11:00:00+08:00,P-4,General surgery,no,yes")
        let commits = store.commitStatistics.transactions
        let report = try store.importSchedule(bytes, by: headNurse, at: t0)
        #expect(store.commitStatistics.transactions == commits + 1)
        #expect(report.added == ["C-1", "C-2", "C-3", "C-4"])
        // 2 each, + search for C-2's implant bundle, + search for C-4's infection trigger.
        #expect(report.runsStarted == 10)
        #expect(report.summary == "4 added, 0 unchanged, 0 updated; 10 runs started")
        // Local times are read in the site's zone (Asia/Shanghai, UTC+8); a zone given is kept.
        #expect(try store.subject("C-1")?.scheduledStart == Timestamp.parse("2026-03-02T00:00:00Z"))
        #expect(try store.subject("C-2")?.scheduledStart == Timestamp.parse("2026-03-02T01:30:00Z"))
        #expect(try store.subject("C-3")?.scheduledStart == Timestamp.parse("2026-03-02T10:00:00Z"))
        #expect(try store.subject("C-3")?.procedure == "ORIF \"right\" wrist")
        #expect(try store.subject("C-3")?.facts == [:])
        #expect(try store.subject("C-2")?.procedure == "Hernia repair, left")
        // The deadline follows the scheduled start read in the site's zone.
        let nursing = try #require(report.results[0].runs.first { $0.protocolId == "nursing" })
        let overdue = try store.overdue(at: Timestamp.parse("2026-03-02T07:31:00+08:00")!)
        #expect(overdue.contains { $0.runId == nursing.runId })
        #expect(try store.verify().isIntact)
    }

    @Test func aScheduleWithBadRowsReportsEveryRowWithItsLineAndWritesNothing() throws {
        let temp = try intakeDatabase()
        let store = temp.store
        let before = try store.counts()
        let bytes = csv(
            "C-1,OR1,Lap chole,2026-03-02 08:00,P-1,GS,no,no",  // line 2: fine
            "C-2,OR7,Lap chole,2026-03-02 08:00,P-2,GS,no,no",  // line 3: room not in the site
            "C-3,OR1,Lap chole,2026-03-02 8 o'clock,P-3,GS,no,no",  // line 4: time
            "C-4,OR1,Lap chole,2026-03-02 08:00,P-4,GS,perhaps,no",  // line 5: wrong-typed fact
            ",OR1,Lap chole,2026-03-02 08:00,P-5,GS,no,no",  // line 6: no case id
            "C-6,,Lap chole,2026-03-02 08:00,P-6,GS,no,no",  // line 7: no room
            "C-7,OR1,Lap chole,2026-03-02 08:00,P-7,GS,no",  // line 8: a field short
            "C-8,OR1,\"Lap\nchole\",2026-03-02 08:00,P-8,GS,no,no",  // lines 9–10: a line break in a field
            "C-9,OR8,Lap chole,2026-03-02 08:00,P-9,GS,no,no")  // line 11
        let error = try #require(throws: StoreError.self) { try store.importSchedule(bytes, by: headNurse, at: t0) }
        #expect(error.code == .invalidInput)
        #expect(error.problems.map(\.line) == [3, 4, 5, 6, 7, 8, 9, 11])
        #expect(
            error.problems.map(\.field) == [
                "room", "scheduled_start", "implant", "case_id", "room", nil, "procedure", "room",
            ])
        #expect(error.message == "8 problems in 8 lines; nothing was imported")
        #expect(!error.problems.map(\.message).joined().contains("perhaps"))
        #expect(try store.counts() == before)
    }

    @Test func reimportingTheSameScheduleIsUnchangedAndAChangeNeedsUpdate() throws {
        let temp = try intakeDatabase()
        let store = temp.store
        let first = csv("C-1,OR1,Lap chole,2026-03-02 08:00,P-1,GS,no,no", "C-2,OR2,ORIF,2026-03-02 09:00,P-2,GS,no,no")
        _ = try store.importSchedule(first, by: headNurse, at: t0)
        let counted = try store.counts()
        // Same content (booleans written differently are the same fact).
        let same = csv(
            "C-1,OR1,Lap chole,2026-03-02T08:00,P-1,GS,false,0", "C-2,OR2,ORIF,2026-03-02 09:00,P-2,GS,no,no")
        let again = try store.importSchedule(same, by: headNurse, at: minutes(10))
        #expect(again.summary == "0 added, 2 unchanged, 0 updated; 0 runs started")
        #expect(try store.counts() == counted)
        // Changed content without update: refused like a bad row.
        let moved = csv("C-1,OR1,Lap chole,2026-03-02 10:00,P-1,GS,no,no", "C-3,OR3,ORIF,2026-03-02 09:00,P-3,GS,no,no")
        let refused = try #require(throws: StoreError.self) {
            try store.importSchedule(moved, by: headNurse, at: minutes(20))
        }
        #expect(refused.problems.map(\.line) == [2])
        #expect(refused.problems.first?.message.contains("update") == true)
        #expect(try store.counts() == counted)
        // With update: the subject is updated, recorded, its runs kept; only the new case starts a bundle.
        let runs = try store.runs(subject: "C-1").map(\.id)
        let updated = try store.importSchedule(moved, mode: .update, by: headNurse, at: minutes(30))
        #expect(updated.summary == "1 added, 0 unchanged, 1 updated; 2 runs started")
        #expect(try store.subject("C-1")?.scheduledStart == Timestamp.parse("2026-03-02T10:00:00+08:00"))
        #expect(try store.runs(subject: "C-1").map(\.id) == runs)
        let log = try store.subjectEvents("C-1")
        #expect(log.map(\.kind) == ["added", "updated"])
        #expect(log[1].hashBefore == log[0].hashAfter)
        #expect(log[1].hashAfter == (try store.subject("C-1"))?.contentHash)
        // The projections follow the new start time (the deadline moved), exactly as a rebuild computes them.
        let nursing = try #require(try store.runs(subject: "C-1").first { $0.protocolId == "nursing" })
        #expect(
            try store.overdue(at: Timestamp.parse("2026-03-02T08:00:00+08:00")!).allSatisfy { $0.runId != nursing.id })
        #expect(
            try store.overdue(at: Timestamp.parse("2026-03-02T09:31:00+08:00")!).contains { $0.runId == nursing.id })
        let projections = try store.projectionDump()
        try store.rebuild()
        #expect(try store.projectionDump() == projections)
        // Work on the updated case goes on (the writer's cache does not hold the old facts).
        try store.record(nursing.id, "ready", "yes", at: minutes(40))
        #expect(try store.verify().isIntact)
        // The subject log is append-only.
        #expect(throws: (any Error).self) {
            try DatabaseQueue(path: temp.path).write { try $0.execute(sql: "DELETE FROM subject_event") }
        }
    }

    @Test func duplicateCaseIdsInOneFileAreEachReported() throws {
        let temp = try intakeDatabase()
        let error = try #require(throws: StoreError.self) {
            try temp.store.importSchedule(
                csv(
                    "C-1,OR1,A,2026-03-02 08:00,P-1,GS,no,no", "C-2,OR1,B,2026-03-02 09:00,P-2,GS,no,no",
                    "C-1,OR2,C,2026-03-02 10:00,P-3,GS,no,no"), by: headNurse, at: t0)
        }
        #expect(
            error.problems.map(\.description) == [
                "2: case_id: the same case_id is also on line 4", "4: case_id: the same case_id is also on line 2",
            ])
        #expect(try temp.store.counts()[0] == 0)
    }

    @Test func anUnknownColumnIsRefusedWithASuggestion() throws {
        let temp = try intakeDatabase()
        let bytes = Array("case_id,room,scheduled_start,implnt\nC-1,OR1,2026-03-02 08:00,no\n".utf8)
        let error = try #require(throws: StoreError.self) {
            try temp.store.importSchedule(bytes, by: headNurse, at: t0)
        }
        #expect(error.problems.map(\.description) == ["1: implnt: unknown column (did you mean 'implant'?)"])
    }

    @Test func aByteOrderMarkIsAcceptedAndOtherEncodingsAreRefused() throws {
        let temp = try intakeDatabase()
        let store = temp.store
        let withBOM = [0xEF, 0xBB, 0xBF] + csv("C-1,OR1,Lap chole,2026-03-02 08:00,P-1,普外科,no,no")
        #expect(try store.importSchedule(withBOM, by: headNurse, at: t0).added == ["C-1"])
        #expect(try store.subject("C-1")?.ward == "普外科")
        // UTF-16 (what "Unicode text" exports are) and GB 18030 bytes (invalid UTF-8) are refused.
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in "case_id,room\nC-2,OR1\n".utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let wide = try #require(throws: StoreError.self) { try store.importSchedule(utf16, by: headNurse, at: t0) }
        #expect(wide.problems.first?.message.contains("UTF-16; save it as UTF-8") == true)
        let gb =
            csv("C-2,OR1,Lap chole,2026-03-02 08:00,P-2,GS,no,no") + Array("\nC-3,OR1,x,2026-03-02 08:00,P,".utf8)
            + [0xC6, 0xD5, 0xCD, 0xE2] + Array(",no,no".utf8)
        let legacy = try #require(throws: StoreError.self) { try store.importSchedule(gb, by: headNurse, at: t0) }
        #expect(legacy.problems.map(\.line) == [3])
        #expect(legacy.problems.first?.message.contains("not UTF-8") == true)
        #expect(try store.counts()[0] == 1)
    }

    @Test func anOversizedFileIsRefusedBeforeAnyRowIsRead() throws {
        let temp = try intakeDatabase()
        let row = "C-1,OR1,Lap chole,2026-03-02 08:00,P-1,GS,no,no\n"
        let big = Array(
            (header + "\n" + String(repeating: row, count: CaseSchedule.maximumBytes / row.utf8.count + 1)).utf8)
        let error = try #require(throws: StoreError.self) { try temp.store.importSchedule(big, by: headNurse, at: t0) }
        #expect(
            error.problems.map(\.description) == ["the file is larger than 2 MB, the most a schedule may be (split it)"]
        )
        var rows = [header]
        for i in 0...CaseSchedule.maximumRows { rows.append("C-\(i),OR1,A,2026-03-02 08:00,P,GS,no,no") }
        let many = try #require(throws: StoreError.self) {
            try temp.store.importSchedule(Array(rows.joined(separator: "\n").utf8), by: headNurse, at: t0)
        }
        #expect(many.problems.first?.message.contains("at most 5000") == true)
        #expect(try temp.store.counts()[0] == 0)
    }

    @Test func localTimesWithoutAPublishedSiteNeedAZone() throws {
        let temp = try intakeDatabase(site: false)
        let error = try #require(throws: StoreError.self) {
            try temp.store.importSchedule(csv("C-1,OR1,A,2026-03-02 08:00,P,GS,no,no"), by: headNurse, at: t0)
        }
        #expect(error.problems.first?.field == "scheduled_start")
        #expect(error.problems.first?.message.contains("no site is published") == true)
        let report = try temp.store.importSchedule(
            csv("C-1,OR1,A,2026-03-02T08:00+08:00,P,GS,no,no"), by: headNurse, at: t0)
        #expect(report.summary == "1 added, 0 unchanged, 0 updated; 0 runs started")
    }

    @Test(arguments: [
        ("a,b\n1,\"x\ny\"\n", [["a", "b"], ["1", "x\ny"]]),
        ("a,b\r\n\"say \"\"hi\"\"\",2\r\n", [["a", "b"], ["say \"hi\"", "2"]]),
        ("a,b\n\n,\n1,2", [["a", "b"], ["1", "2"]]),
        ("a\n\"\"\n", [["a"], [""]]),
    ])
    func csvRecordsFollowRFC4180(_ text: String, _ expected: [[String]]) throws {
        #expect(try CaseSchedule.records(text).map(\.fields) == expected)
    }

    @Test func aBrokenQuoteIsReportedOnItsLine() throws {
        let stray = try #require(throws: StoreError.self) { try CaseSchedule.records("a,b\n1,x\"y\n") }
        #expect(stray.problems.first?.line == 2)
        let open = try #require(throws: StoreError.self) {
            try CaseSchedule.records("a,b\n1,2\n3,\"never closed\n4,5\n")
        }
        #expect(open.problems.first?.line == 3)
        #expect(open.problems.first?.message.contains("not closed") == true)
    }
}
