import Foundation
import QFlowEngine
import QFlowProtocolFile

/// Plans the commands that work a run through to the end, the way a nurse would, from a protocol's worked run.
///
/// It simulates the run with the engine (the store will decide the same way): item by item in order, it answers
/// what is shown and required (or answered in the worked run) with the worked run's answer — its times moved to
/// this case — or an override, signs with each signer role, and completes when nothing blocks completion.
struct Autopilot {
    /// One planned command.
    struct Step {
        var command: RunCommand
        var actor: Actor
        var at: Date
        var reason: String?
    }

    let spec: ProtocolSpec
    let worked: WorkedRun?
    /// Answers to use instead of the worked run's (raw text, as typed).
    var overrides: [String: String] = [:]
    /// Whether to end with `complete` when nothing blocks it.
    var complete = true

    /// The commands, from `start` on, for a run on a subject with these facts; `anchor` is the subject's time.
    /// `subjectId` binds the actors of a subject role (a survey respondent) to the run's subject.
    func plan(subject: SubjectFacts, start: Date, anchor: Date, workstation: String, subjectId: String = "plan")
        -> [Step]
    {
        func person(_ role: String) -> Actor {
            let isSubject = spec.isSubjectRole(role)
            return Actor(
                id: isSubject ? subjectId : Self.staffId(role), role: role, workstation: workstation,
                subject: isSubject ? subjectId : nil)
        }
        let events: [RunEvent]
        do {
            events = try Engine.start(
                spec, runId: "plan", subjectId: subjectId,
                context: CommandContext(actor: Actor(id: "plan", role: spec.roles[0].id), at: start, subject: subject))
        } catch {
            return []
        }
        guard var state = try? RunState.fold(events) else { return [] }
        let shift = anchor.timeIntervalSince(workedAnchor ?? anchor)
        var recorded: [String: String] = [:]
        var roles: [String: String] = [:]
        // The worked run's order: an item added to the field after a cavity count is answered after it here too.
        var order: [String: Int] = [:]
        for (index, step) in (worked?.steps ?? []).enumerated() {
            if order[step.item] == nil { order[step.item] = index }
            if let item = step.record {
                recorded[item] = step.value ?? ""
                roles[item] = step.role
            }
        }
        var time = start
        var steps: [Step] = []
        var given = Set<String>()
        for _ in 0..<((spec.answerableItemIds.count + 1) * 4) {
            let sheet = RunSheet(spec: spec, state: state, subject: subject)
            guard state.status == .active else { break }
            let current = sheet.currentPhase
            // The open items of the phases reached (a repeating group's instances included), in the worked run's
            // order, then in checklist order.
            let candidates = sheet.spec.phases.prefix(current + 1).flatMap(\.items).enumerated().filter { _, item in
                !given.contains(item.id) && sheet.status(of: item) == .open
                    && (sheet.isRequired(item) || recorded[item.id] != nil || overrides[item.id] != nil)
            }
            let next = candidates.min { a, b in
                (order[a.element.id] ?? Int.max, a.offset) < (order[b.element.id] ?? Int.max, b.offset)
            }?.element
            guard let item = next else { break }
            time = time.addingTimeInterval(60 * 2)
            let command: RunCommand
            var actor: Actor
            if case .signature(let signers) = item.type {
                let missing = signers.filter { state.signatures[item.id]?[$0] == nil }
                guard let role = missing.first else {
                    given.insert(item.id)
                    continue
                }
                if missing.count == 1 { given.insert(item.id) }
                command = .sign(item: item.id)
                actor = person(role)
            } else {
                given.insert(item.id)
                let raw =
                    overrides[item.id] ?? recorded[item.id].map { shifted($0, item, by: shift) }
                    ?? defaultAnswer(item, at: time)
                guard let value = try? item.parseAnswer(raw) else { continue }
                command = .record(item: item.id, value: value)
                actor = person(roles[item.id] ?? item.roles.first ?? spec.roles[0].id)
            }
            let context = CommandContext(actor: actor, at: time, subject: subject)
            guard let new = try? Engine.execute(command, spec: spec, state: state, context: context) else { continue }
            for event in new { try? state.apply(event) }
            steps.append(Step(command: command, actor: actor, at: time))
        }
        if complete, state.status == .active,
            RunSheet(spec: spec, state: state, subject: subject).completionBlockers.isEmpty
        {
            time = time.addingTimeInterval(60)
            steps.append(Step(command: .complete, actor: person(spec.roles[0].id), at: time))
        }
        return steps
    }

    /// The worked run's own time anchor: its subject's scheduled start, else its start.
    private var workedAnchor: Date? {
        guard let worked else { return nil }
        return worked.subject?["scheduled_start"].flatMap(Timestamp.parse) ?? Timestamp.parse(worked.start)
    }

    /// A time answer moved from the worked run's day to this case's.
    private func shifted(_ raw: String, _ item: ItemSpec, by shift: TimeInterval) -> String {
        guard case .time = item.type, let date = Timestamp.parse(raw) else { return raw }
        return Timestamp.format(date.addingTimeInterval(shift))
    }

    private func defaultAnswer(_ item: ItemSpec, at time: Date) -> String {
        switch item.type {
        case .check: return "yes"
        case .count: return "0"
        case .number(_, let min, _): return String(min ?? 0)
        case .time: return Timestamp.format(time)
        case .choice(let options): return options.first?.id ?? ""
        case .text: return "ok"
        case .signature: return ""
        }
    }

    /// A stable pseudonymous staff id per role (the demo's nurses are not people).
    static func staffId(_ role: String) -> String {
        "staff-" + role.split(separator: "_").map { String($0.prefix(3)) }.joined(separator: "")
    }
}
