import Foundation
import QFlowEngine
import QFlowProtocolFile
import QFlowStore

/// Generates the demo's subjects and works their runs through the store, case by case.
struct Builder {
    let store: Store
    let specs: [String: ProtocolSpec]
    let worked: [String: WorkedRun]
    var rng: SplitMix
    var summary = Demo.Summary()

    init(store: Store, specs: [String: ProtocolSpec], worked: [String: WorkedRun], rng: SplitMix) {
        self.store = store
        self.specs = specs
        self.worked = worked
        self.rng = rng
    }

    static let zone = "+08:00"
    static let slots = ["08:00", "10:30", "13:30", "15:30"]

    static func time(_ day: Date, _ clock: String) -> Date {
        let ymd = Timestamp.format(day.addingTimeInterval(8 * 3600)).prefix(10)
        return Timestamp.parse("\(ymd)T\(clock):00\(zone)")!
    }

    /// Weekdays from `start` (YYYY-MM-DD) for `months` months.
    static func weekdays(from start: String, months: Int) -> [Date] {
        var days: [Date] = []
        var day = Timestamp.parse("\(start)T00:00:00\(zone)")!
        let calendar = Calendar(identifier: .gregorian)
        let end = calendar.date(byAdding: .month, value: months, to: day)!
        while day < end {
            let weekday = calendar.component(.weekday, from: day.addingTimeInterval(8 * 3600))
            if weekday != 1 && weekday != 7 { days.append(day) }
            day = day.addingTimeInterval(86_400)
        }
        return days
    }

    /// Non-critical yes/no items of a protocol that are always shown: where everyday lapses are recorded.
    func lapseItems(_ protocolId: String) -> [String] {
        specs[protocolId]?.items.filter {
            !$0.critical && $0.showIf == nil && $0.passIf == nil && $0.type.name == "check" && $0.required
        }.map(\.id) ?? []
    }

    // MARK: Surgical cases

    mutating func cases(_ n: Int, flows: Bool, from start: String, months: Int, satisfied: Int) throws {
        let days = Self.weekdays(from: start, months: months)
        let happy = rng.sample(satisfied, of: n)
        let year = start.prefix(4)
        let discrepancies = flows ? rng.sample(3, of: n) : []
        let iuss = flows ? rng.sample(4, of: n) : []
        let core = ["or_on_duty_nurse", "or_scrub_nurse", "or_circulating_nurse", "surgical_counts"]
        let lapses = core.flatMap(lapseItems)
        for i in 0..<n {
            let day = days[i * days.count / n]
            let scheduled = Self.time(day, Self.slots[i % Self.slots.count])
            let id = "C\(year)-\(String(format: "%04d", i + 1))\(flows ? "F" : "N")"
            var facts: [String: String] = [:]
            if flows {
                facts = [
                    "emergency": String(rng.chance(0.08)), "high_risk": String(rng.chance(0.10)),
                    "special_infection": String(rng.chance(0.02)), "implant": String(rng.chance(0.25)),
                    "specimen_expected": String(rng.chance(0.35)), "uses_esu": String(rng.chance(0.70)),
                    "disposables_used": String(rng.chance(0.60)),
                ]
            }
            let subject = Subject(
                id: id, kind: "surgical-case", patientRef: String(format: "P-%06x", rng.int(1 << 24)),
                room: "OR\(i % 4 + 1)", ward: ["General surgery", "Orthopaedics", "Gynaecology"][rng.int(3)],
                procedure: ["Laparoscopic cholecystectomy", "Hernia repair", "ORIF", "Hysterectomy", "Thyroidectomy"][
                    rng.int(5)],
                scheduledStart: scheduled, facts: facts)
            try store.addSubject(subject, at: scheduled.addingTimeInterval(-2 * 86_400))
            var overrides: [String: [String: String]] = [:]
            var starts: [(String, Date)] = []
            if flows {
                // Everyday lapses on non-critical items; March 2025 (new staff rotation) has more.
                let month = Timestamp.format(scheduled).prefix(7)
                let rate = month == "2025-03" ? 0.05 : 0.008
                for item in lapses where rng.chance(rate) {
                    let owner = core.first { specs[$0]?.items.contains { $0.id == item } == true }!
                    overrides[owner, default: [:]][item] = "no"
                }
                // One sponge short at skin closure (the worked run has 50 on the field then).
                if discrepancies.contains(i) { overrides["surgical_counts", default: [:]]["cnt.skin.sponges"] = "49" }
                if iuss.contains(i) { overrides["or_circulating_nurse", default: [:]]["cn.io.iuss_needed"] = "yes" }
                starts = [
                    ("or_circulating_nurse", scheduled.addingTimeInterval(-20 * 3600)),
                    ("or_on_duty_nurse", scheduled.addingTimeInterval(-150 * 60)),
                    ("or_scrub_nurse", scheduled.addingTimeInterval(-90 * 60)),
                    ("surgical_counts", scheduled.addingTimeInterval(-30 * 60)),
                ]
            }
            var survey: [String: String] = [:]
            if happy.contains(i) {
                survey["sat.overall"] = rng.chance(0.6) ? "very_satisfied" : "satisfied"
            } else {
                survey["sat.overall"] = rng.chance(0.7) ? "neutral" : "dissatisfied"
            }
            for item in ["sat.reception", "sat.privacy", "sat.warmth", "sat.explanation", "sat.attitude"] {
                survey[item] = rng.chance(0.93) ? (rng.chance(0.5) ? "very_satisfied" : "satisfied") : "neutral"
            }
            survey["sat.arm"] = flows ? "flows" : "no_flows"  // the study arm, recorded with the survey (no draw)
            overrides["patient_satisfaction"] = survey
            starts.append(("patient_satisfaction", scheduled.addingTimeInterval(26 * 3600)))
            try work(subject, starts: starts, overrides: overrides)
            if discrepancies.contains(i) { try recount(subject.id, at: scheduled.addingTimeInterval(3 * 3600)) }
        }
    }

    /// After a count discrepancy: the missing sponge was found and the skin count is recorded again, reconciled.
    mutating func recount(_ subjectId: String, at time: Date) throws {
        guard let run = try store.runs(subject: subjectId, protocolId: "surgical_counts").first else { return }
        let nurse = Actor(id: Autopilot.staffId("circulating_nurse"), role: "circulating_nurse", workstation: "OR")
        let results = try store.performAll([
            ActionRequest(
                .command(runId: run.id, .record(item: "cnt.skin.sponges", value: .count(50))), by: nurse, at: time),
            ActionRequest(.command(runId: run.id, .complete), by: nurse, at: time.addingTimeInterval(60)),
        ])
        for case .failure(let error) in results { throw error }
    }

    // MARK: Staff, audits, linen

    mutating func staffSurveys(_ n: Int) throws {
        // 27/32 satisfied before and 30/32 after: one respondent turned unsatisfied, four turned satisfied.
        let order = rng.shuffled(n)
        let scale = Double(n) / 32
        let neither = Set(order.prefix(Int((1 * scale).rounded())))
        let gained = Set(order.dropFirst(neither.count).prefix(Int((4 * scale).rounded())))
        let lost = Set(order.dropFirst(neither.count + gained.count).prefix(Int((1 * scale).rounded())))
        for i in 0..<n {
            let id = String(format: "S%02d", i + 1)
            try store.addSubject(
                Subject(id: id, kind: "respondent", label: "OR staff member", room: "OR"),
                at: Timestamp.parse("2024-11-01T09:00:00+08:00")!)
            let before = !(neither.contains(i) || gained.contains(i))
            let after = !(neither.contains(i) || lost.contains(i))
            for (period, at, satisfied) in [
                ("before", Timestamp.parse("2024-12-16T14:00:00+08:00")!, before),
                ("after", Timestamp.parse("2025-06-20T14:00:00+08:00")!, after),
            ] {
                var answers = ["staff.period": period]
                answers["staff.overall"] = satisfied ? (rng.chance(0.5) ? "very_satisfied" : "satisfied") : "neutral"
                try work(
                    Subject(id: id, kind: "respondent"),
                    starts: [("staff_satisfaction", at.addingTimeInterval(Double(i) * 600))],
                    overrides: ["staff_satisfaction": answers])
            }
        }
    }

    mutating func audits() throws {
        let months = ["01", "02", "03", "04", "05", "06"]
        for (m, month) in months.enumerated() {
            let day = Timestamp.parse("2025-\(month)-25T09:00:00+08:00")!
            var plans: [(String, String, [String: String])] = [
                // March: 7 of the 8 sampled count records in order; May: 2 of the 3 rooms cleaned and logged.
                ("HN", "qc_head_nurse_audit", m == 2 ? ["hn.counts.ok": "7"] : [:]),
                ("IC", "qc_infection_control_audit", m == 4 ? ["ic.environment.ok": "2"] : [:]),
            ]
            if month == "03" || month == "06" { plans.append(("ND", "qc_nursing_department_review", [:])) }
            for (office, protocolId, overrides) in plans {
                let id = "QC-2025-\(month)-\(office)"
                try store.addSubject(Subject(id: id, kind: "audit", label: "monthly audit"), at: day)
                try work(
                    Subject(id: id, kind: "audit"), starts: [(protocolId, day)], overrides: [protocolId: overrides])
            }
        }
    }

    mutating func linen(batches: Int) throws {
        let failing = rng.sample(3, of: batches)
        for i in 0..<batches {
            let day = Timestamp.parse("2025-01-06T09:00:00+08:00")!.addingTimeInterval(Double(i) * 7 * 86_400 / 2)
            let id = String(format: "LB-2025-%03d", i + 1)
            let infected = rng.chance(0.1)
            try store.addSubject(
                Subject(
                    id: id, kind: "linen-batch", label: "theatre linen", room: "Laundry line 1",
                    facts: ["infected": String(infected), "standard": "wst508"]), at: day)
            // The batch's flow, and its wash load, where the thermal control point is recorded (once).
            var overrides: [String: [String: String]] = [
                "linen_isolation": ["ln.wash.program": infected ? "infected" : "standard"]
            ]
            if failing.contains(i) {
                overrides["linen_thermal_wash"] = ["wash.temp_c": "68"]
                summary.failedWashes += 1
            }
            try work(
                Subject(id: id, kind: "linen-batch", facts: ["infected": String(infected), "standard": "wst508"]),
                starts: [("linen_isolation", day), ("linen_thermal_wash", day.addingTimeInterval(3600))],
                overrides: overrides)
            if failing.contains(i), let run = try store.runs(subject: id, protocolId: "linen_thermal_wash").first {
                // The load is washed again; the failed reading stays in the record.
                let staff = Actor(id: Autopilot.staffId("linen_staff"), role: "linen_staff", workstation: "laundry")
                let at = day.addingTimeInterval(4 * 3600)
                let results = try store.performAll([
                    ActionRequest(
                        .command(runId: run.id, .record(item: "wash.temp_c", value: .number(80.5))), by: staff,
                        at: at),
                    ActionRequest(.command(runId: run.id, .complete), by: staff, at: at.addingTimeInterval(600)),
                ])
                for case .failure(let error) in results { throw error }
            }
        }
    }

    // MARK: Working runs

    /// Starts the protocols on a subject and works every run, including those started by triggers, to the end.
    mutating func work(
        _ subject: Subject, starts: [(String, Date)], overrides: [String: [String: String]]
    ) throws {
        let full = try store.subject(subject.id) ?? subject
        let station = full.room ?? "office"
        let specs = self.specs
        let opener = { (protocolId: String) -> Actor in
            let role = specs[protocolId]?.roles.first?.id ?? "staff"
            return Actor(id: Autopilot.staffId(role), role: role, workstation: station)
        }
        let results = try store.performAll(
            starts.map { ActionRequest(.start(protocolId: $0.0, subjectId: subject.id), by: opener($0.0), at: $0.1) })
        var startTimes: [String: Date] = [:]
        for (result, start) in zip(results, starts) {
            startTimes[try result.get().runId] = start.1
        }
        var planned = Set<String>()
        for _ in 0..<6 {
            let runs = try store.runs(subject: subject.id).filter { !planned.contains($0.id) && $0.status == .active }
            if runs.isEmpty { break }
            var requests: [ActionRequest] = []
            for run in runs.reversed() {
                planned.insert(run.id)
                guard let spec = specs[run.protocolId] else { continue }
                if run.triggeredByRun != nil { summary.triggered[run.protocolId, default: 0] += 1 }
                if run.protocolId == "corrective_action" { summary.correctiveActions += 1 }
                let start = startTimes[run.id] ?? run.startedAt
                let declared = Set(spec.subjectFields.map(\.name))
                let facts = try SubjectFacts.parse(
                    full.allFacts.filter { declared.contains($0.key) }, fields: spec.subjectFields)
                let pilot = Autopilot(spec: spec, worked: worked[spec.id], overrides: overrides[spec.id] ?? [:])
                for step in pilot.plan(
                    subject: facts, start: start, anchor: full.scheduledStart ?? start, workstation: station,
                    subjectId: full.id)
                {
                    requests.append(
                        ActionRequest(
                            .command(runId: run.id, step.command), by: step.actor, at: step.at, reason: step.reason))
                }
            }
            for case .failure(let error) in try store.performAll(requests) {
                throw error
            }
        }
    }
}
