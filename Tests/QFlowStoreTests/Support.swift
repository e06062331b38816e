import Foundation
import QFlowEngine
import QFlowProtocolFile
import QFlowStore
import Testing

/// A count protocol with a critical reconciliation, a deadline and a trigger, and the flow it triggers.
let countsYAML = """
    id: counts
    version: 1
    title: { zh: 清点, en: Counts }
    kind: core
    subject: surgical-case
    subject_fields: { scheduled_start: time }
    roles:
      - { id: circulating_nurse, title: { zh: 巡回护士, en: Circulating nurse } }
      - { id: scrub_nurse, title: { zh: 洗手护士, en: Scrub nurse } }
    phases:
      - id: before
        title: { zh: 术前, en: Before }
        items:
          - id: base
            title: { zh: 术前清点, en: Baseline }
            type: count
            critical: true
            pass_if: base >= 0
            deadline: { before: PT0M, of: subject.scheduled_start, escalate_to: circulating_nurse }
      - id: after
        title: { zh: 术后, en: After }
        items:
          - id: final
            title: { zh: 关闭前清点, en: Final }
            type: count
            critical: true
            pass_if: final == base
          - id: note
            title: { zh: 备注, en: Note }
            type: text
            required: false
          - id: signed
            title: { zh: 签名, en: Signed }
            type: signature
            signers: [scrub_nurse, circulating_nurse]
    triggers:
      - id: mismatch
        protocol: search
        when: final != base
        title: { zh: 清点不符, en: Count mismatch }

    """

let searchYAML = """
    id: search
    version: 1
    title: { zh: 查找, en: Search }
    kind: auxiliary
    subject: surgical-case
    roles:
      - { id: circulating_nurse, title: { zh: 巡回护士, en: Circulating nurse } }
    phases:
      - id: only
        title: { zh: 查找, en: Search }
        items:
          - { id: searched, title: { zh: 已查找, en: Searched }, type: check, critical: true }

    """

func spec(_ yaml: String) throws -> ProtocolSpec {
    let result = ProtocolFile.load(bytes: Array(yaml.utf8), file: "inline.yaml")
    return try #require(result.spec, "\(result.diagnostics)")
}

/// A fresh database in a temporary directory, removed when the value is released.
final class TemporaryDatabase {
    let directory: URL
    let path: String
    let store: Store

    init(publishing yamls: [String] = [countsYAML, searchYAML]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("test.sqlite").path
        store = try Store.open(path: path, create: true)
        try store.markAsTestDatabase()
        for yaml in yamls { try store.publish(try spec(yaml), at: t0) }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

let t0 = Timestamp.parse("2026-03-02T07:00:00+08:00")!
let scrub = Actor(id: "n-017", role: "scrub_nurse", workstation: "OR3")
let circulator = Actor(id: "n-042", role: "circulating_nurse", workstation: "OR3")

func minutes(_ n: Double) -> Date { t0.addingTimeInterval(n * 60) }

func surgicalCase(_ id: String = "C-001") -> Subject {
    Subject(
        id: id, kind: "surgical-case", patientRef: "P-9f3a", room: "OR3", procedure: "Laparoscopic cholecystectomy",
        scheduledStart: minutes(60))
}

extension Store {
    /// Adds a surgical case and starts the counts protocol on it at minute 1; returns the run id.
    func startCounts(_ caseId: String = "C-001") throws -> String {
        try addSubject(surgicalCase(caseId), at: t0)
        return try perform(
            ActionRequest(.start(protocolId: "counts", subjectId: caseId), by: circulator, at: minutes(1))
        ).runId
    }

    /// Records a raw answer as the circulating nurse.
    @discardableResult
    func record(
        _ run: String, _ item: String, _ raw: String, at: Date, by actor: Actor = circulator,
        expectedSeq: Int? = nil
    ) throws -> ActionResult {
        let itemSpec = try #require(try self.run(run).spec.items.first { $0.id == item })
        return try perform(
            ActionRequest(
                .command(runId: run, .record(item: item, value: try itemSpec.parseAnswer(raw))), by: actor,
                at: at, expectedSeq: expectedSeq))
    }

    func eventCount() throws -> Int { try verify().events }
}
