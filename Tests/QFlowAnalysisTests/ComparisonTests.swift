import Foundation
import QFlowAnalysis
import QFlowEngine
import QFlowProtocolFile
import QFlowStats
import QFlowStore
import Testing

/// A two-item survey and a one-phase checklist with a number, on hand-made data whose answers are known.
let surveyYAML = """
    id: survey
    version: 1
    title: { zh: 调查, en: Survey }
    kind: survey
    subject: respondent
    roles: [{ id: respondent, title: { zh: 答题人, en: Respondent } }]
    phases:
      - id: q
        title: { zh: 问题, en: Questions }
        items:
          - id: overall
            title: { zh: 总体, en: Overall }
            type: choice
            options:
              - { id: yes, label: { zh: 满意, en: Satisfied } }
              - { id: no, label: { zh: 不满意, en: Not satisfied } }
            pass_if: overall == "yes"

    """

let checklistYAML = """
    id: checklist
    version: 1
    title: { zh: 清单, en: Checklist }
    kind: core
    subject: surgical-case
    roles: [{ id: nurse, title: { zh: 护士, en: Nurse } }]
    phases:
      - id: before
        title: { zh: 术前, en: Before }
        items:
          - { id: ident, title: { zh: 核对, en: Identity }, type: check, allow_na: true }
          - { id: temp, title: { zh: 体温, en: Temperature }, type: number, min: 30, max: 45 }
      - id: after
        title: { zh: 术后, en: After }
        items:
          - { id: swab, title: { zh: 清点, en: Count }, type: check }

    """

final class Fixture {
    let directory: URL
    let store: Store
    var run = 0

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-analysis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try Store.open(path: directory.appendingPathComponent("a.sqlite").path, create: true)
        for yaml in [surveyYAML, checklistYAML] {
            let spec = try #require(ProtocolFile.load(bytes: Array(yaml.utf8), file: "x.yaml").spec)
            try store.publish(spec, at: Date(timeIntervalSince1970: 0))
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Records answers (raw, in item order) on a new run of `protocolId` for `subject` at `time`.
    func answer(
        _ protocolId: String, subject: String, kind: String, room: String? = nil, at time: String,
        _ answers: [(String, String)]
    ) throws {
        if try store.subject(subject) == nil {
            try store.addSubject(
                Subject(
                    id: subject, kind: kind, room: room,
                    scheduledStart: kind == "respondent" ? nil : Timestamp.parse(time)),
                at: Date(timeIntervalSince1970: 0))
        }
        let role = protocolId == "survey" ? "respondent" : "nurse"
        let actor = Actor(id: "u", role: role)
        let at = Timestamp.parse(time)!
        let runId = try store.perform(
            ActionRequest(.start(protocolId: protocolId, subjectId: subject), by: actor, at: at)
        ).runId
        let spec = try store.spec(protocolId).spec
        for (item, raw) in answers {
            let value = try spec.items.first { $0.id == item }!.parseAnswer(raw)
            try store.perform(
                ActionRequest(.command(runId: runId, .record(item: item, value: value)), by: actor, at: at))
        }
    }
}

@Suite("Measures and comparisons")
struct ComparisonTests {
    @Test func complianceIsPassOverPassPlusFailWithoutNA() throws {
        let f = try Fixture()
        try f.answer(
            "checklist", subject: "C1", kind: "surgical-case", room: "OR1", at: "2025-01-10T08:00:00Z",
            [("ident", "yes"), ("temp", "36.5"), ("swab", "yes")])
        try f.answer(
            "checklist", subject: "C2", kind: "surgical-case", room: "OR1", at: "2025-01-11T08:00:00Z",
            [("ident", "no"), ("temp", "37.0"), ("swab", "yes")])
        try f.answer(
            "checklist", subject: "C3", kind: "surgical-case", room: "OR2", at: "2025-02-10T08:00:00Z",
            [("ident", "na"), ("temp", "38.0"), ("swab", "no")])
        let byItem = try f.store.compliance(by: [.item])
        let ident = try #require(byItem.first { $0.group["item"] == "ident" })
        #expect((ident.pass, ident.fail, ident.notApplicable) == (1, 1, 1))
        #expect(ident.rate == 0.5)
        let byRoom = try f.store.compliance(by: [.room])
        #expect(byRoom.map { $0.group["room"]! } == ["OR1", "OR2"])
        #expect((byRoom[0].pass, byRoom[0].fail) == (5, 1))
        #expect((byRoom[1].pass, byRoom[1].fail, byRoom[1].notApplicable) == (1, 1, 1))
        let byMonth = try f.store.compliance(by: [.month, .phase])
        #expect(byMonth.count == 4)
        let surveyLeftOut = try f.store.compliance(by: [.protocol])
        #expect(surveyLeftOut.map { $0.group["protocol"]! } == ["checklist"])
    }

    @Test func differentSubjectsAndYesNoGiveThe2x2Block() throws {
        let f = try Fixture()
        for i in 0..<10 {
            try f.answer(
                "survey", subject: "A\(i)", kind: "respondent", room: "OR1", at: "2025-01-10T08:00:00Z",
                [("overall", i < 8 ? "yes" : "no")])
            try f.answer(
                "survey", subject: "B\(i)", kind: "respondent", room: "OR2", at: "2025-01-10T08:00:00Z",
                [("overall", i < 3 ? "yes" : "no")])
        }
        let a = Cohort(name: "or1", rooms: ["OR1"])
        let b = Cohort(name: "or2", rooms: ["OR2"])
        let result = try Comparison.run(.item("overall"), cohorts: [a, b], store: f.store)
        #expect(result.design == .independentBinary)
        guard case .independentBinary(let block) = result.result else {
            Issue.record("not a 2×2 block: \(result.design)")
            return
        }
        #expect((block.x1, block.n1, block.x2, block.n2) == (8, 10, 3, 10))
        // Expected counts of 4.5 < 5: the rule picks Fisher's exact test.
        #expect(result.rule.en.contains("fisher"))
        #expect(abs(block.fisher.twoSidedP - 0.069_779_4) < 1e-6)
        let json = try JSONSerialization.jsonObject(with: try result.json()) as? [String: Any]
        #expect(json?["design"] as? String == "independent-binary")
        let stats = (json?["statistics"] as? [[String: Any]])?.first
        #expect(abs((stats?["fisher_p"] as? Double ?? 0) - block.fisher.twoSidedP) < 1e-12)
    }

    @Test func theSameRespondentsTwiceArePairedAndTheUnpairedAreNamed() throws {
        let f = try Fixture()
        // Before: R1..R6 (R6 only before); after: R1..R5 and R7 (only after).
        let before = ["R1": "yes", "R2": "yes", "R3": "no", "R4": "no", "R5": "no", "R6": "yes"]
        let after = ["R1": "yes", "R2": "no", "R3": "yes", "R4": "yes", "R5": "no", "R7": "yes"]
        for (id, answer) in before.sorted(by: { $0.key < $1.key }) {
            try f.answer("survey", subject: id, kind: "respondent", at: "2024-12-15T08:00:00Z", [("overall", answer)])
        }
        for (id, answer) in after.sorted(by: { $0.key < $1.key }) {
            try f.answer("survey", subject: id, kind: "respondent", at: "2025-06-15T08:00:00Z", [("overall", answer)])
        }
        let cohorts = [
            Cohort(name: "before", from: "2024-12-01T00:00:00Z", to: "2025-01-01T00:00:00Z"),
            Cohort(name: "after", from: "2025-06-01T00:00:00Z", to: "2025-07-01T00:00:00Z"),
        ]
        let result = try Comparison.run(.item("overall"), cohorts: cohorts, store: f.store)
        #expect(result.design == .pairedBinary)
        guard case .pairedBinary(let pairs, let mcnemar) = result.result else {
            Issue.record("not paired: \(result.design)")
            return
        }
        #expect((pairs.both, pairs.aOnly, pairs.bOnly, pairs.neither) == (1, 1, 2, 1))
        #expect(mcnemar.b == 2)  // no → yes
        #expect(mcnemar.c == 1)  // yes → no
        let warning = try #require(result.warnings.first?.en)
        #expect(warning.contains("2 respondent(s) cannot be paired"))
        #expect(warning.contains("R6 (before only)"))
        #expect(warning.contains("R7 (after only)"))
        #expect(result.text(language: .en).contains("McNemar"))
        // Outside the quality office the same comparison counts the unpaired respondents without naming them.
        let anonymous = result.withoutRespondentIds()
        #expect(anonymous.warnings.first?.en == "2 respondent(s) cannot be paired and are left out")
        #expect(!anonymous.text(language: .en).contains("R6") && !anonymous.text(language: .zh).contains("R7"))
        guard case .pairedBinary(_, let anonymousTest) = anonymous.result else {
            Issue.record("no longer paired: \(anonymous.design)")
            return
        }
        #expect(anonymousTest.b == mcnemar.b)
    }

    @Test func aContinuousMeasureGetsWelchAndMannWhitney() throws {
        let f = try Fixture()
        let temps = [("OR1", ["36.1", "36.4", "36.8", "37.0"]), ("OR2", ["36.9", "37.3", "37.6", "38.1", "37.2"])]
        for (room, values) in temps {
            for (i, value) in values.enumerated() {
                try f.answer(
                    "checklist", subject: "\(room)-\(i)", kind: "surgical-case", room: room,
                    at: "2025-01-10T08:00:00Z", [("ident", "yes"), ("temp", value)])
            }
        }
        let result = try Comparison.run(
            .number("temp"), cohorts: [Cohort(name: "or1", rooms: ["OR1"]), Cohort(name: "or2", rooms: ["OR2"])],
            store: f.store)
        #expect(result.design == .continuous)
        guard case .continuous(let found, let mannWhitney) = result.result else {
            Issue.record("not continuous: \(result.design)")
            return
        }
        let welch = try WelchTTest(a: [36.1, 36.4, 36.8, 37.0], b: [36.9, 37.3, 37.6, 38.1, 37.2])
        #expect(found.p == welch.p)
        #expect(mannWhitney.countA == 4)
    }

    @Test func overTimeGivesAMonthlyPChart() throws {
        let f = try Fixture()
        for (month, yes, no) in [("01", 18, 2), ("02", 17, 3), ("03", 3, 17)] {
            for i in 0..<(yes + no) {
                try f.answer(
                    "survey", subject: "M\(month)-\(i)", kind: "respondent", at: "2025-\(month)-10T08:00:00Z",
                    [("overall", i < yes ? "yes" : "no")])
            }
        }
        let result = try Comparison.run(.item("overall"), cohorts: [.everyone], overTime: true, store: f.store)
        #expect(result.design == .overTime)
        guard case .overTime(let charts) = result.result else {
            Issue.record("not over time: \(result.design)")
            return
        }
        let chart = try #require(charts.first)
        #expect(chart.months == ["2025-01", "2025-02", "2025-03"])
        #expect(chart.chart.events == [18, 17, 3])
        #expect(chart.chart.outOfControl.contains(2))
    }

    @Test func badMeasuresAndEmptyCohortsAreExplained() throws {
        let f = try Fixture()
        #expect(throws: StoreError.self) { try Measure(parsing: "satisfaction") }
        #expect(throws: StoreError.self) { try Measure(parsing: "mean:x") }
        let error = #expect(throws: AnalysisError.self) {
            try Comparison.run(.item("overall"), cohorts: [Cohort(name: "a"), Cohort(name: "b")], store: f.store)
        }
        #expect(error?.message.contains("no units") == true)
        #expect(throws: StoreError.self) {
            try f.store.saveCohort(Cohort(name: "bad name!"), at: Date())
        }
        #expect(throws: StoreError.self) {
            try f.store.saveCohort(Cohort(name: "p", from: "2025-13-01"), at: Date())
        }
    }
}

@Suite("Skips, returns and deadlines")
struct ProcessMeasureTests {
    @Test func skippedReturnedAndOnTimeAreCountedPerRun() throws {
        let f = try Fixture()
        let deadlineYAML = """
            id: timed
            version: 1
            title: { zh: 限时, en: Timed }
            kind: core
            subject: surgical-case
            subject_fields: { scheduled_start: time }
            roles: [{ id: nurse, title: { zh: 护士, en: Nurse } }]
            phases:
              - id: p
                title: { zh: 阶段, en: Phase }
                items:
                  - id: a
                    title: { zh: 甲, en: A }
                    type: check
                    deadline: { before: PT0M, of: subject.scheduled_start }
                  - { id: b, title: { zh: 乙, en: B }, type: check }
                  - { id: c, title: { zh: 丙, en: C }, type: check }

            """
        try f.store.publish(
            try #require(ProtocolFile.load(bytes: Array(deadlineYAML.utf8), file: "t.yaml").spec), at: Date())
        let nurse = Actor(id: "u", role: "nurse")
        func at(_ s: String) -> Date { Timestamp.parse("2025-01-10T\(s):00Z")! }
        for (subject, answerAt) in [("T1", "07:00"), ("T2", "09:00")] {
            try f.store.addSubject(
                Subject(id: subject, kind: "surgical-case", scheduledStart: at("08:00")), at: Date())
            let run = try f.store.perform(
                ActionRequest(.start(protocolId: "timed", subjectId: subject), by: nurse, at: at("06:00"))
            ).runId
            try f.store.perform(
                ActionRequest(
                    .command(runId: run, .record(item: "a", value: .check(true))), by: nurse, at: at(answerAt)))
            if subject == "T2" {
                try f.store.perform(
                    ActionRequest(
                        .command(runId: run, .returnTo(item: "a")), by: nurse, at: at("09:10"), reason: "recheck"))
                try f.store.perform(
                    ActionRequest(
                        .command(runId: run, .record(item: "a", value: .check(true))), by: nurse, at: at("09:20")))
                try f.store.perform(
                    ActionRequest(
                        .command(runId: run, .jump(to: "c")), by: nurse, at: at("09:30"), reason: "not needed"))
            }
        }
        let onTime = try f.store.units(.onTime("timed"), in: .everyone)
        #expect(onTime.map(\.value) == [1, 0])
        #expect(try f.store.units(.returned("timed"), in: .everyone).map(\.value) == [0, 1])
        #expect(try f.store.units(.skipped("timed"), in: .everyone).map(\.value) == [0, 1])
        let before = try f.store.projectionDump()
        try f.store.rebuild()
        #expect(try f.store.projectionDump() == before)
    }
}
