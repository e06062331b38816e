import Foundation
import Testing

@testable import QFlowEngine

extension Fixtures {
    /// Counts with two repeating groups: items added to the field (0–5 additions) and a count at each cavity closed
    /// (1–4 cavities), whose expected total is what was on the field when it was taken.
    static func repeating(version: Int = 1, cavityTemplate: String = "cav.sponges") -> ProtocolSpec {
        ProtocolSpec(
            id: "repeats", version: version, title: text("Counts with repeats"), kind: .core,
            subject: "surgical-case",
            roles: [
                RoleSpec(id: "circulating_nurse", title: text("Circulator")),
                RoleSpec(id: "scrub_nurse", title: text("Scrub")),
            ],
            phases: [
                PhaseSpec(
                    id: "open", title: text("Opening"),
                    items: [ItemSpec(id: "baseline", title: text("Baseline"), type: .count)],
                    groups: [
                        GroupSpec(
                            id: "add", title: text("Items added"), min: 0, max: 5,
                            items: [ItemSpec(id: "add.sponges", title: text("Sponges added"), type: .count)])
                    ]),
                PhaseSpec(
                    id: "closing", title: text("Closing"), items: [],
                    groups: [
                        GroupSpec(
                            id: "cav", title: text("Cavity count"), min: 1, max: 4,
                            items: [
                                ItemSpec(
                                    id: "cav.site", title: text("Cavity"),
                                    type: .choice(options: [
                                        ChoiceOption(id: "diaphragm", label: text("Diaphragm")),
                                        ChoiceOption(id: "uterus", label: text("Uterus")),
                                        ChoiceOption(id: "pericardium", label: text("Pericardium")),
                                    ])),
                                ItemSpec(
                                    id: cavityTemplate, title: text("Sponges at the cavity"), type: .count,
                                    critical: true,
                                    passIf: rule(
                                        "\(cavityTemplate) == baseline + sum_before(add.sponges, \(cavityTemplate))")),
                            ])
                    ]),
                PhaseSpec(
                    id: "skin", title: text("Skin closure"),
                    items: [
                        ItemSpec(
                            id: "final", title: text("Final"), type: .count, critical: true,
                            passIf: rule("final == baseline + sum(add.sponges)")),
                        ItemSpec(
                            id: "cavities", title: text("Cavities counted"), type: .check,
                            passIf: rule("count(cav) >= 1 and latest(cav.site) != \"pericardium\"")),
                    ]),
            ])
    }
}

extension Session {
    /// Records an answer at a given minute of the run (the cavity rules compare answer times).
    mutating func record(_ item: String, _ value: AnswerValue, at minutes: Double) throws(EngineError) {
        try run(.record(item: item, value: value), minutes: minutes)
    }
}

@Suite("Repeating groups")
struct RepeatGroupTests {
    @Test func anInstanceComesIntoBeingOnItsFirstAnswerAndTheNextIsOffered() throws {
        var s = try Session(Fixtures.repeating())
        #expect(
            s.sheet.spec.items.map(\.id) == [
                "baseline", "add.sponges#1", "cav.site#1", "cav.sponges#1", "cav.site#2", "cav.sponges#2", "final",
                "cavities",
            ])
        // The offered addition requires nothing; the first cavity (min 1) is required.
        #expect(s.sheet.item("add.sponges#1")?.required == false)
        #expect(s.sheet.item("cav.site#1")?.required == true && s.sheet.item("cav.site#2")?.required == false)
        try s.record("baseline", .count(20))
        try s.record("add.sponges#1", .count(2))
        #expect(s.sheet.spec.items.contains { $0.id == "add.sponges#2" })
        #expect(s.sheet.item("add.sponges#1")?.required == true, "an existing instance is required like any item")
        let gap = #expect(throws: EngineError.self) { try s.record("add.sponges#3", .count(1)) }
        #expect(gap?.code == .unknownItem, "instances come in order")
        for k in 2...5 { try s.record("add.sponges#\(k)", .count(0)) }
        let beyond = #expect(throws: EngineError.self) { try s.record("add.sponges#6", .count(1)) }
        #expect(beyond?.code == .unknownItem, "no more than max instances")
        #expect(s.sheet.item("add.sponges#3")?.title.en == "Sponges added (#3)")
    }

    @Test func theCountAtACavityExpectsWhatWasOnTheFieldWhenItWasTaken() throws {
        var s = try Session(Fixtures.repeating())
        try s.record("baseline", .count(20), at: 1)
        try s.record("add.sponges#1", .count(2), at: 2)
        try s.record("cav.site#1", .choice("uterus"), at: 3)
        try s.record("cav.sponges#1", .count(22), at: 4)
        // An item added after the cavity count does not fail it after the fact.
        try s.record("add.sponges#2", .count(3), at: 5)
        #expect(s.sheet.outcome(of: s.sheet.item("cav.sponges#1")!) == .pass)
        // A second cavity counts what is on the field now.
        try s.record("cav.site#2", .choice("diaphragm"), at: 6)
        try s.record("cav.sponges#2", .count(25), at: 7)
        #expect(s.sheet.outcome(of: s.sheet.item("cav.sponges#2")!) == .pass)
        try s.record("final", .count(25), at: 8)
        try s.record("cavities", .check(true), at: 9)
        #expect(s.sheet.outcome(of: s.sheet.item("final")!) == .pass)
        #expect(s.sheet.value(ofItem: "cavities") == .bool(true))
        try s.run(.complete)
        #expect(s.state.status == .completed)
    }

    @Test func aMissingSpongeAtACavityIsACriticalFailureOfThatInstance() throws {
        var s = try Session(Fixtures.repeating())
        try s.record("baseline", .count(20))
        try s.record("cav.site#1", .choice("uterus"))
        try s.record("cav.sponges#1", .count(19))
        guard case .fail(let why)? = s.sheet.outcome(of: s.sheet.item("cav.sponges#1")!) else {
            Issue.record("the short count must fail")
            return
        }
        #expect(why.contains("sum_before"), "the rule as written is named")
        try s.record("final", .count(20))
        try s.record("cavities", .check(true))
        let refused = #expect(throws: EngineError.self) { try s.run(.complete) }
        #expect(refused?.code == .criticalFailure && refused?.item == "cav.sponges#1")
        // A recount supersedes the answer like any item's.
        try s.record("cav.sponges#1", .count(20))
        #expect(s.state.revisions["cav.sponges#1"] == 1)
        try s.run(.complete)
    }

    @Test func theMinimumIsRequiredAndAReturnReopensAnInstance() throws {
        var s = try Session(Fixtures.repeating())
        try s.record("baseline", .count(20))
        let blockers = s.sheet.completionBlockers.compactMap(\.item)
        #expect(blockers.contains("cav.site#1") && blockers.contains("cav.sponges#1"), "min 1: the first cavity")
        let early = #expect(throws: EngineError.self) { try s.record("final", .count(20)) }
        #expect(early?.code == .itemNotReached, "the required cavity holds the phase")
        let jump = #expect(throws: EngineError.self) { try s.run(.jump(to: "final"), reason: "no cavity yet") }
        #expect(jump?.code == .criticalFailure && jump?.item == "cav.sponges#1")
    }

    @Test func returningToAnInstanceReopensItAndWhatFollows() throws {
        var s = try Session(Fixtures.repeating())
        try s.record("baseline", .count(20))
        try s.record("add.sponges#1", .count(2))
        try s.record("add.sponges#2", .count(1))
        try s.record("cav.site#1", .choice("uterus"))
        try s.run(.returnTo(item: "add.sponges#2"), reason: "entered twice")
        #expect(s.state.answers["add.sponges#2"] == nil && s.state.answers["cav.site#1"] == nil)
        #expect(s.state.answers["add.sponges#1"]?.value == .count(2))
        // The reopened instance is gone from the sums, and is offered again.
        #expect(try RuleExpression(parsing: "sum(add.sponges)").evaluate(in: s.sheet) == .number(2))
        #expect(s.sheet.spec.items.contains { $0.id == "add.sponges#2" })
        #expect(try RunState.fold(s.log) == s.state)
    }

    @Test func aggregatesFollowThreeValuedLogic() throws {
        var s = try Session(Fixtures.repeating())
        func value(_ text: String) throws -> Value? { try RuleExpression(parsing: text).evaluate(in: s.sheet) }
        #expect(try value("sum(add.sponges)") == .number(0))
        #expect(try value("count(add)") == .number(0))
        #expect(try value("count(cav)") == .number(1), "the required first cavity counts as an instance")
        #expect(try value("latest(cav.site)") == nil)
        #expect(try value("sum_before(add.sponges, baseline)") == nil, "unknown until the later item is answered")
        try s.record("baseline", .count(20), at: 1)
        try s.record("add.sponges#1", .count(4), at: 2)
        try s.record("add.sponges#2", .count(1), at: 3)
        #expect(try value("sum(add.sponges)") == .number(5))
        #expect(try value("count(add)") == .number(2))
        #expect(try value("count(add.sponges)") == .number(2))
        #expect(try value("latest(add.sponges)") == .number(1))
        #expect(try value("sum_before(add.sponges, baseline)") == .number(0))
    }

    @Test func validationLocatesMisusedGroups() {
        var spec = Fixtures.repeating()
        spec.phases[2].items[0].passIf = Fixtures.rule("final == add.sponges")
        var issues = spec.validate()
        #expect(
            issues.contains {
                $0.path.description == "phases[2].items[0].pass_if" && $0.message.contains("repeating group")
            })
        spec = Fixtures.repeating()
        spec.phases[2].items[0].passIf = Fixtures.rule("final == sum(baseline)")
        issues = spec.validate()
        #expect(issues.contains { $0.message.contains("sum(): 'baseline' is not an item of a repeating group") })
        spec = Fixtures.repeating()
        spec.phases[0].groups![0].max = 0
        spec.phases[0].groups![0].items[0].deadline = DeadlineSpec(
            anchor: .item("baseline"), offset: try! ISODuration(parsing: "PT5M"), before: false)
        issues = spec.validate()
        #expect(issues.contains { $0.path.description == "phases[0].groups[0].max" })
        #expect(issues.contains { $0.path.description == "phases[0].groups[0].items[0].deadline" })
        spec = Fixtures.repeating()
        spec.phases[1].groups![0].id = "baseline"
        #expect(spec.validate().contains { $0.path.description == "phases[1].groups[0].id" })
        #expect(Fixtures.repeating().validate().isEmpty, "\(Fixtures.repeating().validate())")
    }

    @Test func aDefinitionWithoutGroupsKeepsItsContentHash() throws {
        let spec = Fixtures.counts()
        let json = String(decoding: CanonicalJSON.encode(spec), as: UTF8.self)
        #expect(!json.contains("groups"))
        #expect(RunSheet(spec: spec, state: try Fixtures.started(spec).0).spec == spec)
    }

    @Test func migrationCarriesInstancesAndRenamesTemplates() throws {
        var s = try Session(Fixtures.repeating())
        try s.record("baseline", .count(20))
        try s.record("cav.site#1", .choice("uterus"))
        try s.record("cav.sponges#1", .count(20))
        try s.record("cav.site#2", .choice("diaphragm"))
        let new = Fixtures.repeating(version: 2, cavityTemplate: "cav.gauze")
        let plan = try Engine.planMigration(
            s.state, from: s.spec, to: new, itemMap: ["cav.sponges": "cav.gauze"])
        #expect(plan.carried["cav.sponges#1"] == "cav.gauze#1")
        #expect(plan.carried["cav.site#2"] == "cav.site#2")
        #expect(plan.dropped.isEmpty)
        let events = try Engine.migrate(
            s.state, from: s.spec, to: new, itemMap: ["cav.sponges": "cav.gauze"],
            context: Fixtures.context(Fixtures.circulator, minutes: 5, reason: "v2"))
        for event in events { try s.state.apply(event) }
        s.log += events
        s.spec = new
        #expect(s.state.answers["cav.gauze#1"]?.value == .count(20))
        #expect(s.sheet.outcome(of: s.sheet.item("cav.gauze#1")!) == .pass)
        #expect(try RunState.fold(s.log) == s.state)
    }

    /// Migration as a property: a run with gates, a deviation clause and repeating groups, migrated at a random
    /// point to the next version (one template renamed), still folds from its log; every answer is carried to the
    /// item it maps to, and the migrated run's sheet has each of them.
    @Test(arguments: 0..<20)
    func migratingAtAnyPointCarriesEveryAnswer(seed: Int) throws {
        var rng = SplitMix64(state: UInt64(seed) &* 7_351)
        var old = Fixtures.repeating()
        old.deviation = DeviationSpec(signOff: ["head_nurse"])
        old.phases[0].items[0].gate = true
        var new = Fixtures.repeating(version: 2, cavityTemplate: "cav.gauze")
        new.deviation = old.deviation
        new.phases[0].items[0].gate = true
        var s = try Session(old)
        let steps = Int.random(in: 1...40, using: &rng)
        for step in 0..<steps {
            let ids = s.sheet.spec.items.map(\.id)
            let id = ids[Int.random(in: 0..<ids.count, using: &rng)]
            let template = InstanceId(id)?.template ?? id
            let value: AnswerValue =
                template == "cav.site"
                ? .choice("uterus")
                : template == "cavities" ? .check(true) : .count(Int.random(in: 18...26, using: &rng))
            _ = try? s.run(.record(item: id, value: value), minutes: Double(step))
        }
        guard s.state.status.isOpen else { return }
        let before = s.state.answers
        let events = try Engine.migrate(
            s.state, from: old, to: new, itemMap: ["cav.sponges": "cav.gauze"],
            context: Fixtures.context(Fixtures.circulator, minutes: 100, reason: "v2"))
        for event in events { try s.state.apply(event) }
        s.log += events
        s.spec = new
        #expect(try RunState.fold(s.log) == s.state)
        for (id, answer) in before {
            let target = InstanceId(id).map { $0.template == "cav.sponges" ? "cav.gauze#\($0.index)" : id } ?? id
            #expect(s.state.answers[target]?.value == answer.value, "\(id) → \(target)")
            #expect(s.sheet.item(target) != nil, "\(target) is an item of the migrated run")
        }
    }

    @Test(arguments: 0..<25)
    func foldingTheLogReproducesTheLiveStateWithRepeats(seed: Int) throws {
        var rng = SplitMix64(state: UInt64(seed) &* 104_729)
        var s = try Session(Fixtures.repeating())
        var accepted = 0
        for step in 0..<150 {
            // Draw from what the run offers now (its instances and the next one), and now and then beyond it.
            var ids = s.sheet.spec.items.map(\.id)
            ids.append("add.sponges#\(Int.random(in: 1...7, using: &rng))")
            let id = ids[Int.random(in: 0..<ids.count, using: &rng)]
            let template = InstanceId(id)?.template ?? id
            let value: AnswerValue =
                template == "cav.site"
                ? .choice(["uterus", "diaphragm"].randomElement(using: &rng)!)
                : template == "cavities"
                    ? .check(Bool.random(using: &rng)) : .count(Int.random(in: 18...26, using: &rng))
            let command: RunCommand
            switch Int.random(in: 0..<100, using: &rng) {
            case 0..<75: command = .record(item: id, value: value)
            case 75..<88: command = .returnTo(item: id)
            case 88..<94: command = .jump(to: id)
            default: command = .complete
            }
            do {
                try s.run(command, minutes: Double(step), reason: "r\(step)")
                accepted += 1
            } catch {}
            let folded = try RunState.fold(s.log)
            #expect(folded == s.state)
            #expect(RunSheet(spec: s.spec, state: folded).spec == s.sheet.spec, "the instances are the fold's too")
            if s.state.status == .completed { break }
        }
        #expect(accepted >= 10)
        let decoded = try s.log.map { try CanonicalJSON.decode(RunEvent.self, from: CanonicalJSON.encode($0)) }
        #expect(try RunState.fold(decoded) == s.state)
    }
}
