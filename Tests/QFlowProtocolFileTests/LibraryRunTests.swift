import Foundation
import QFlowEngine
import Testing

@testable import QFlowProtocolFile

typealias LibraryRun = WorkedRun

/// The outcome of playing steps through the engine.
struct Played {
    var state: RunState
    var sheet: RunSheet
    var events: [RunEvent]
    var lastTime: Date
    /// Steps the engine refused, with why (only expected when a variant leaves a run stuck).
    var refused: [(String, EngineError)]
}

enum LibraryFixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let runsDirectory = root.appendingPathComponent("Protocols/examples")

    static let library: ProtocolLibraryLoader.LoadResult = ProtocolLibraryLoader.load(
        paths: [root.appendingPathComponent("Protocols").path])

    static var specs: [String: ProtocolSpec] {
        Dictionary(library.specs.map { ($0.id, $0) }, uniquingKeysWith: { $0.version >= $1.version ? $0 : $1 })
    }

    static func run(for id: String) throws -> LibraryRun {
        try WorkedRun.load(path: runsDirectory.appendingPathComponent("\(id).run.yaml").path)
    }

    static func play(
        _ spec: ProtocolSpec, steps: [LibraryRun.Step], subject raw: [String: String], start: String
    ) throws -> Played {
        let subject = try SubjectFacts.parse(raw, fields: spec.subjectFields)
        var time = try #require(Timestamp.parse(start), "start '\(start)' is not ISO-8601")
        let starter = Actor(id: "tester", role: spec.roles.first?.id ?? "staff")
        var events = try Engine.start(
            spec, runId: "run-\(spec.id)", subjectId: "subject-1",
            context: CommandContext(actor: starter, at: time, subject: subject))
        var state = try RunState.fold(events)
        var refused: [(String, EngineError)] = []
        for step in steps {
            if let at = step.at {
                time = try #require(Timestamp.parse(at), "step time '\(at)' is not ISO-8601")
            } else {
                time = time.addingTimeInterval(60)
            }
            // A subject role (a survey respondent) is the subject's own session.
            let bound = spec.isSubjectRole(step.role) ? "subject-1" : nil
            let actor = Actor(
                id: bound ?? step.user ?? "staff-\(step.role)", role: step.role, workstation: "test", subject: bound)
            let context = CommandContext(actor: actor, at: time, reason: step.reason, subject: subject)
            do {
                let command: RunCommand
                if let verb = step.queue {
                    // Work-queue steps of the examples outside the hospital (`Examples/`).
                    switch verb {
                    case "claim": command = .claim
                    case "release": command = .release
                    default: command = .reassign(to: step.to ?? "")
                    }
                } else if let id = step.record {
                    let item = try #require(spec.resolvedItem(id), "\(spec.id) has no item '\(id)'")
                    command = .record(item: id, value: try item.parseAnswer(step.value ?? ""))
                } else {
                    command = .sign(item: try #require(step.sign, "a step needs record or sign"))
                }
                let new = try Engine.execute(command, spec: spec, state: state, context: context)
                for event in new { try state.apply(event) }
                events += new
            } catch let error as EngineError {
                refused.append((step.item, error))
            }
        }
        return Played(
            state: state, sheet: RunSheet(spec: spec, state: state, subject: subject), events: events,
            lastTime: time, refused: refused)
    }

    static func fired(_ events: [RunEvent]) -> [String] {
        events.compactMap {
            if case .triggered(let trigger, _) = $0.change { trigger } else { nil }
        }
    }
}

@Suite("The protocol library")
struct LibraryRunTests {
    /// The protocol's owner role (its first), bound to the subject when that role is the subject itself.
    static func owner(_ spec: ProtocolSpec) -> Actor {
        let role = spec.roles.first?.id ?? "staff"
        let bound = spec.isSubjectRole(role) ? "subject-1" : nil
        return Actor(id: bound ?? "t", role: role, subject: bound)
    }

    @Test func everyFileValidates() {
        let library = LibraryFixture.library
        #expect(library.isValid, "\(library.diagnostics.map(\.description).joined(separator: "\n"))")
        #expect(library.specs.count >= 3)
    }

    @Test func everyProtocolHasAWorkedRun() throws {
        let fixtures = try FileManager.default.contentsOfDirectory(atPath: LibraryFixture.runsDirectory.path)
            .filter { $0.hasSuffix(".run.yaml") }.map { String($0.dropLast(9)) }
        let ids = Set(LibraryFixture.specs.keys)
        #expect(ids.subtracting(fixtures).sorted() == [], "protocols without examples/ID.run.yaml")
        #expect(Set(fixtures).subtracting(ids).sorted() == [], "worked runs for protocols that do not exist")
    }

    @Test(arguments: LibraryFixture.specs.keys.sorted())
    func compliantRunCompletes(_ id: String) throws {
        let spec = try #require(LibraryFixture.specs[id])
        let run = try LibraryFixture.run(for: id)
        #expect(run.protocol == id)
        let played = try LibraryFixture.play(spec, steps: run.steps, subject: run.subject ?? [:], start: run.start)
        #expect(played.refused.isEmpty, "\(played.refused.map { "\($0.0): \($0.1)" })")
        #expect(played.sheet.completionBlockers.isEmpty, "\(played.sheet.completionBlockers)")
        #expect(played.sheet.overdue(at: played.lastTime).isEmpty, "overdue in a compliant run")
        for item in spec.items where played.sheet.status(of: item) == .answered {
            if case .fail(let why)? = played.sheet.outcome(of: item) {
                Issue.record("\(id): '\(item.id)' fails in the compliant run: \(why)")
            }
        }
        #expect(LibraryFixture.fired(played.events) == [], "a compliant run fires no trigger")
        let context = CommandContext(
            actor: Self.owner(spec), at: played.lastTime,
            subject: played.sheet.subject)
        let done = try Engine.execute(.complete, spec: spec, state: played.state, context: context)
        var state = played.state
        for event in done { try state.apply(event) }
        #expect(state.status == .completed)
    }

    @Test(arguments: LibraryFixture.specs.keys.sorted())
    func everyCriticalItemBlocksCompletionWhenItFails(_ id: String) throws {
        try Self.criticalItemsBlockCompletion(
            id, spec: try #require(LibraryFixture.specs[id]), run: try LibraryFixture.run(for: id))
    }

    /// Each critical item's failing variant of a worked run blocks completion with that item (as a critical
    /// failure, or as incomplete when the variant omits it) and `complete` is refused; the variants list every
    /// critical item. The library's and the examples' worked runs are held to this one rule.
    static func criticalItemsBlockCompletion(_ id: String, spec: ProtocolSpec, run: WorkedRun) throws {
        let critical = spec.items.filter(\.critical).map(\.id)
        #expect(Set(run.failures?.keys ?? [:].keys) == Set(critical), "\(id): failures must list every critical item")
        for item in critical {
            let variant = try #require(run.failures?[item])
            let (steps, subject) = run.applying(variant)
            let played = try LibraryFixture.play(spec, steps: steps, subject: subject, start: run.start)
            // Omitted and not given again (a variant may omit steps only to replay them later, in phase order).
            let missing = (variant.omit ?? []).contains(item) && !(variant.steps ?? []).contains { $0.item == item }
            let expected: EngineError.Code = missing ? .incomplete : .criticalFailure
            let blockers = played.sheet.completionBlockers
            #expect(
                blockers.contains { $0.item == item && $0.code == expected },
                "\(id): failing '\(item)' should block completion with \(expected.rawValue); blockers: \(blockers)")
            let context = CommandContext(
                actor: owner(spec), at: played.lastTime,
                subject: played.sheet.subject)
            #expect(throws: EngineError.self, "\(id): complete must be refused when '\(item)' fails") {
                try Engine.execute(.complete, spec: spec, state: played.state, context: context)
            }
        }
    }

    @Test(arguments: LibraryFixture.specs.keys.sorted())
    func everyTriggerStartsItsFlow(_ id: String) throws {
        let specs = LibraryFixture.specs
        let spec = try #require(specs[id])
        let run = try LibraryFixture.run(for: id)
        #expect(Set(run.triggers?.keys ?? [:].keys) == Set(spec.triggers.map(\.id)), "\(id): one entry per trigger")
        for trigger in spec.triggers {
            let variant = try #require(run.triggers?[trigger.id])
            let (steps, subject) = run.applying(variant)
            let played = try LibraryFixture.play(spec, steps: steps, subject: subject, start: run.start)
            #expect(
                LibraryFixture.fired(played.events).contains(trigger.id), "\(id): trigger \(trigger.id) did not fire")
            let target = try #require(specs[trigger.protocolId], "\(id): trigger target \(trigger.protocolId)")
            let facts = try SubjectFacts.parse(
                subject.filter { key, _ in target.subjectFields.contains { $0.name == key } },
                fields: target.subjectFields)
            let started = try Engine.start(
                target, runId: "triggered", subjectId: "subject-1",
                context: CommandContext(
                    actor: Actor(id: "t", role: target.roles[0].id), at: played.lastTime,
                    subject: facts))
            #expect(try RunState.fold(started).protocolId == trigger.protocolId)
        }
    }
}

@Suite("Gates in the library")
struct LibraryGateTests {
    @Test func aFailedSignInIdentityCheckHoldsTimeOutAndTheIncisionTime() throws {
        let spec = try #require(LibraryFixture.specs["or_circulating_nurse"])
        #expect(spec.items.first { $0.id == "cn.si.identity" }?.isGate == true)
        let run = try LibraryFixture.run(for: "or_circulating_nurse")
        let (steps, subject) = run.applying(try #require(run.failures?["cn.si.identity"]))
        let played = try LibraryFixture.play(spec, steps: steps, subject: subject, start: run.start)
        let refused = Dictionary(played.refused.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        for item in ["cn.si.procedure_consent", "cn.to.sign", "cn.io.incision_time"] {
            let error = try #require(refused[item], "'\(item)' was accepted behind a failed identity check")
            #expect(error.code == .gated && error.item == "cn.si.identity", "\(item): \(error)")
        }
        #expect(played.state.answers["cn.io.incision_time"] == nil)
        // The compliant run is not held at all.
        let compliant = try LibraryFixture.play(spec, steps: run.steps, subject: run.subject ?? [:], start: run.start)
        #expect(compliant.refused.isEmpty)
    }

    @Test func gateDiagnosticsAreLocated() {
        let required = "        required: true\n"
        let unknown = load(
            validYAML.replacingOccurrences(
                of: required, with: required + "        gate: true\n        gates: [nope]\n"))
        #expect(
            unknown.diagnostics.map(\.description).contains { $0.hasPrefix("p.yaml:20:17: unknown item 'nope'") },
            "\(unknown.diagnostics)")
        let notBool = load(validYAML.replacingOccurrences(of: required, with: required + "        gate: maybe\n"))
        #expect(
            notBool.diagnostics.map(\.description).contains {
                $0.hasPrefix("p.yaml:19:15: gate must be true or false")
            },
            "\(notBool.diagnostics)")
    }
}

@Suite("Deviations in the library")
struct LibraryDeviationTests {
    @Test(arguments: LibraryFixture.specs.keys.sorted())
    func eachDeviationCaseClosesOnlyWithItsSignOff(_ id: String) throws {
        let spec = try #require(LibraryFixture.specs[id])
        let run = try LibraryFixture.run(for: id)
        let cases = run.deviations ?? [:]
        #expect(cases.isEmpty == (spec.deviation == nil), "\(id): a protocol with deviation: has worked deviations")
        for (name, deviation) in cases.sorted(by: { $0.key < $1.key }) {
            let (steps, subject) = run.applying(deviation.variant)
            let played = try LibraryFixture.play(spec, steps: steps, subject: subject, start: run.start)
            func context(_ role: String, _ reason: String?) -> CommandContext {
                CommandContext(
                    actor: Actor(id: "staff-\(role)", role: role), at: played.lastTime, reason: reason,
                    subject: played.sheet.subject)
            }
            let command = RunCommand.completeWithDeviation(items: deviation.items)
            #expect(throws: EngineError.self, "\(id)/\(name): plain complete must be refused") {
                try Engine.execute(.complete, spec: spec, state: played.state, context: context(deviation.role, nil))
            }
            let owner = try #require(spec.ownerRole)
            if !(spec.deviation?.signOff.contains(owner) ?? false) {
                let refused = #expect(throws: EngineError.self) {
                    try Engine.execute(
                        command, spec: spec, state: played.state, context: context(owner, deviation.reason))
                }
                #expect(refused?.code == .roleNotAllowed, "\(id)/\(name): the owner role may not sign off")
            }
            let events = try Engine.execute(
                command, spec: spec, state: played.state, context: context(deviation.role, deviation.reason))
            var state = played.state
            for event in events { try state.apply(event) }
            #expect(state.status == .completed && state.deviation?.items == deviation.items, "\(id)/\(name)")
        }
    }
}

@Suite("Count discrepancy closure")
struct CountDiscrepancyClosureTests {
    static func record(_ item: String, _ value: String, _ role: String = "circulating_nurse") -> LibraryRun.Step {
        .init(record: item, sign: nil, value: value, role: role, at: nil)
    }

    static func sign(_ role: String) -> LibraryRun.Step {
        .init(record: nil, sign: "disc.sign", value: nil, role: role, at: nil)
    }

    /// Notify, head nurse, search; then `outcome`; then (optionally) the patient informed, the note and the three
    /// signatures; whether the run may then complete.
    static func closes(_ outcome: [LibraryRun.Step], informed: String? = "yes") throws -> Bool {
        let spec = try #require(LibraryFixture.specs["count_discrepancy"])
        let run = try LibraryFixture.run(for: "count_discrepancy")
        let steps =
            [
                record("disc.notify", "yes"), record("disc.head_nurse", "yes"),
                record("disc.search", "yes", "scrub_nurse"),
            ]
            + outcome + (informed.map { [record("disc.informed", $0, "surgeon")] } ?? [])
            + [
                record("disc.document", "Search, X-ray and people involved."), sign("circulating_nurse"),
                sign("surgeon"),
                sign("head_nurse"),
            ]
        let played = try LibraryFixture.play(spec, steps: steps, subject: [:], start: run.start)
        let context = CommandContext(
            actor: Actor(id: "staff-circulating_nurse", role: "circulating_nurse"), at: played.lastTime,
            subject: played.sheet.subject)
        return (try? Engine.execute(.complete, spec: spec, state: played.state, context: context)) != nil
    }

    @Test func closesOnlyWhenFoundAndReconciledOrXrayClearOrReported() throws {
        let notFound = Self.record("disc.found", "no")
        // (a) Found and the recount matches: no X-ray, nothing further to tell.
        #expect(
            try Self.closes(
                [Self.record("disc.found", "yes"), Self.record("disc.recount_match", "yes")], informed: nil))
        // Found, but the recount still does not match: an X-ray (or a report) is still needed.
        let mismatch = [Self.record("disc.found", "yes"), Self.record("disc.recount_match", "no")]
        #expect(try !Self.closes(mismatch))
        #expect(try Self.closes(mismatch + [Self.record("disc.xray", "clear")]))
        // (b) Not found, X-ray read as clear.
        #expect(try Self.closes([notFound, Self.record("disc.xray", "clear")]))
        // Seen on the X-ray: closes once retrieved and recounted.
        #expect(
            try Self.closes([notFound, Self.record("disc.xray", "item_seen"), Self.record("disc.retrieved", "yes")]))
        #expect(
            try !Self.closes([notFound, Self.record("disc.xray", "item_seen"), Self.record("disc.retrieved", "no")]))
        // (c) No X-ray because of the patient's condition: closes only with the incident report.
        let notDone = [
            notFound, Self.record("disc.xray", "not_done"), Self.record("disc.xray_not_done_reason", "condition"),
        ]
        #expect(try Self.closes(notDone + [Self.record("disc.incident", "yes", "head_nurse")]))
        #expect(try !Self.closes(notDone + [Self.record("disc.incident", "no", "head_nurse")]))
        #expect(try !Self.closes(notDone))
        // Not found and the patient or family not informed: refused.
        #expect(try !Self.closes([notFound, Self.record("disc.xray", "clear")], informed: "no"))
    }
}

@Suite("Circulating nurse: risks recorded as they are")
struct CirculatingRiskTests {
    /// "Risk present, not prepared" is an answer (the nurse records what is), and it fails the item.
    @Test(arguments: ["cn.si.airway", "cn.si.blood_loss"])
    func aRiskNotPreparedFailsTheItem(_ item: String) throws {
        let spec = try #require(LibraryFixture.specs["or_circulating_nurse"])
        let run = try LibraryFixture.run(for: "or_circulating_nurse")
        let (steps, subject) = run.applying(
            .init(
                steps: [.init(record: item, sign: nil, value: "not_ready", role: "anesthetist", at: nil)], omit: nil,
                subject: nil))
        let played = try LibraryFixture.play(spec, steps: steps, subject: subject, start: run.start)
        #expect(played.refused.isEmpty, "\(played.refused.map { "\($0.0): \($0.1)" })")
        let itemSpec = try #require(spec.items.first { $0.id == item })
        guard case .fail? = played.sheet.outcome(of: itemSpec) else {
            Issue.record(
                "\(item) answered not_ready should fail, got \(String(describing: played.sheet.outcome(of: itemSpec)))"
            )
            return
        }
    }
}
