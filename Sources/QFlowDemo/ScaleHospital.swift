import Foundation
import QFlowEngine
import QFlowProtocolFile
import QFlowStore

/// A one-year, 50-room hospital for measuring measures at scale: every case's circulating-nurse run and patient
/// survey are produced by the engine (each answer an engine event) from a worked plan moved to the case's time,
/// with the case's own lapses and survey answer, and loaded with `Store.importRuns`.
public enum ScaleHospital {
    /// What was built.
    public struct Result: Sendable {
        /// Cases, runs and events written.
        public var cases = 0, runs = 0, events = 0
        /// Seconds taken.
        public var seconds = 0.0
    }

    /// The two half-year cohorts the scale database is compared on.
    public static let cohorts = [
        Cohort(
            name: "h1", description: "cases Jan–Jun 2025", subjectKind: "surgical-case",
            from: "2025-01-01T00:00:00+08:00", to: "2025-07-01T00:00:00+08:00"),
        Cohort(
            name: "h2", description: "cases Jul–Dec 2025", subjectKind: "surgical-case",
            from: "2025-07-01T00:00:00+08:00", to: "2026-01-01T00:00:00+08:00"),
    ]

    /// A year's cases of a 50-room hospital, per day: the workstation bench keeps this rate and grows the span, so
    /// that "today" holds the same cases in a week's database as in a year's.
    public static let yearPerDay = 180_000 / 365

    /// Builds `cases` cases in `rooms` rooms from 2025-01-01: spread over the year, or `perDay` a day for as many
    /// days as they take.
    public static func build(
        store: Store, protocols: String, cases: Int, rooms: Int = 50, perDay: Int? = nil, seed: UInt64 = 7,
        progress: (String) -> Void = { _ in }
    ) throws -> Result {
        let clock = Date()
        let library = ProtocolLibraryLoader.load(paths: [protocols])
        guard library.isValid else { throw StoreError(.invalidInput, "the protocol library has problems") }
        let specs = Dictionary(
            library.specs.map { ($0.id, $0) }, uniquingKeysWith: { $0.version > $1.version ? $0 : $1 })
        let worked = try WorkedRun.loadAll(in: protocols + "/examples")
        let epoch = Date(timeIntervalSince1970: 1_735_689_600)
        _ = try store.publish(
            library.files.compactMap { file in file.spec.map { ($0, Optional(file.file)) } }, at: epoch)
        for cohort in cohorts { try store.saveCohort(cohort, at: epoch) }

        let noFlags = [
            "emergency": "false", "high_risk": "false", "special_infection": "false", "implant": "false",
            "specimen_expected": "false", "uses_esu": "false", "disposables_used": "false",
        ]
        let base = Timestamp.parse("2025-01-01T08:00:00+08:00")!
        func template(_ id: String, _ overrides: [String: String] = [:]) throws -> (
            ProtocolSpec, [Autopilot.Step], Date
        ) {
            guard let spec = specs[id] else { throw StoreError(.notFound, "the library has no protocol \(id)") }
            let declared = Set(spec.subjectFields.map(\.name))
            let facts = try SubjectFacts.parse(
                (noFlags.merging(["scheduled_start": Timestamp.format(base)]) { $1 }).filter {
                    declared.contains($0.key)
                },
                fields: spec.subjectFields)
            let start = base.addingTimeInterval(-20 * 3600)
            let steps = Autopilot(spec: spec, worked: worked[id], overrides: overrides)
                .plan(subject: facts, start: start, anchor: base, workstation: "OR")
            return (spec, steps, start)
        }
        let circulating = try template("or_circulating_nurse")
        let survey = try template("patient_satisfaction", ["sat.overall": "satisfied"])
        let lapses = circulating.0.items.filter {
            !$0.critical && $0.showIf == nil && $0.passIf == nil && $0.type.name == "check" && $0.required
        }.map(\.id)
        var rng = SplitMix(seed: seed)
        var result = Result()
        var batch: [ImportedRun] = []
        let lastDay = perDay == nil ? 364 : Int.max
        let perDay = max(1, perDay ?? cases / 365)

        func events(
            _ t: (ProtocolSpec, [Autopilot.Step], Date), runId: String, subject: Subject, shift: TimeInterval,
            change: (String, AnswerValue) -> AnswerValue
        ) throws -> [RunEvent] {
            let (spec, steps, start) = t
            let declared = Set(spec.subjectFields.map(\.name))
            let facts = try SubjectFacts.parse(
                subject.allFacts.filter { declared.contains($0.key) }, fields: spec.subjectFields)
            let opener = Actor(
                id: Autopilot.staffId(spec.roles[0].id), role: spec.roles[0].id, workstation: subject.room)
            var log = try Engine.start(
                spec, runId: runId, subjectId: subject.id,
                context: CommandContext(actor: opener, at: start.addingTimeInterval(shift), subject: facts))
            var state = try RunState.fold(log)
            for step in steps {
                var command = step.command
                if case .record(let item, var value) = command {
                    if case .time(let d) = value { value = .time(d.addingTimeInterval(shift)) }
                    command = .record(item: item, value: change(item, value))
                }
                var actor = step.actor
                actor.workstation = subject.room
                let context = CommandContext(actor: actor, at: step.at.addingTimeInterval(shift), subject: facts)
                guard let new = try? Engine.execute(command, spec: spec, state: state, context: context) else {
                    continue
                }
                for event in new { try state.apply(event) }
                log += new
            }
            return log
        }

        for i in 0..<cases {
            let day = i / perDay
            let shift = TimeInterval(min(day, lastDay)) * 86_400 + TimeInterval(i % perDay % 4) * 2.5 * 3600
            let scheduled = base.addingTimeInterval(shift)
            let month = Int(Timestamp.format(scheduled.addingTimeInterval(8 * 3600)).dropFirst(5).prefix(2)) ?? 1
            let subject = Subject(
                id: String(format: "S25-%07d", i + 1), kind: "surgical-case",
                patientRef: String(format: "P-%06x", rng.int(1 << 24)), room: "OR\(i % rooms + 1)",
                scheduledStart: scheduled, facts: noFlags)
            let lapseRate = month == 9 ? 0.03 : 0.01
            let failing = Set(lapses.filter { _ in rng.chance(lapseRate) })
            let satisfied = rng.chance(month <= 6 ? 0.95 : 0.98)
            let circulatingEvents = try events(
                circulating, runId: String(format: "H%07d", 2 * i + 1), subject: subject, shift: shift
            ) { item, value in failing.contains(item) ? .check(false) : value }
            let surveyEvents = try events(
                survey, runId: String(format: "H%07d", 2 * i + 2), subject: subject, shift: shift
            ) { item, value in item == "sat.overall" ? .choice(satisfied ? "satisfied" : "neutral") : value }
            batch.append(ImportedRun(subject: subject, events: circulatingEvents))
            batch.append(ImportedRun(subject: nil, events: surveyEvents))
            result.events += circulatingEvents.count + surveyEvents.count
            if batch.count >= 2_000 || i == cases - 1 {
                try store.importRuns(batch, at: epoch)
                result.runs += batch.count
                batch.removeAll(keepingCapacity: true)
                if (i + 1) % 20_000 < 1_000 { progress("\(i + 1) cases, \(result.events) events") }
            }
        }
        result.cases = cases
        result.seconds = Date().timeIntervalSince(clock)
        return result
    }
}
