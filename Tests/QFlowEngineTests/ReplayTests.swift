import Foundation
import Testing

@testable import QFlowEngine

/// A seeded generator so that a failing sequence can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("State is the fold of events")
struct ReplayTests {
    static func randomCommand(_ rng: inout SplitMix64, _ spec: ProtocolSpec, step: Int) -> (RunCommand, Actor) {
        let items = spec.items
        let item = items[Int.random(in: 0..<items.count, using: &rng)]
        let actor = Bool.random(using: &rng) ? Fixtures.circulator : Fixtures.scrub
        let value: AnswerValue
        switch item.type {
        case .check: value = [.check(true), .check(false), .notApplicable].randomElement(using: &rng)!
        case .count: value = .count(Int.random(in: -1...25, using: &rng))
        case .number: value = .number(Double(Int.random(in: 0...50, using: &rng)))
        case .time: value = Bool.random(using: &rng) ? .time(Fixtures.t0) : .notApplicable
        case .choice: value = .choice(["supine", "prone", "lateral"].randomElement(using: &rng)!)
        case .text: value = .text("note")
        case .signature: value = .text("x")
        }
        let roll = Int.random(in: 0..<100, using: &rng)
        let command: RunCommand
        switch roll {
        case 0..<60: command = .record(item: item.id, value: value)
        case 60..<70: command = .sign(item: "signed")
        case 70..<77: command = .returnTo(item: Bool.random(using: &rng) ? nil : item.id)
        case 77..<84: command = .jump(to: item.id)
        case 84..<88: command = .suspend
        case 88..<93: command = .resume
        case 93..<95: command = step > 120 ? .stop : .resume
        case 95..<98: command = .complete
        default:
            // A deviation sign-off, by the head nurse (or, one time in two, by a role that may not).
            let failed = spec.items.filter(\.critical).map(\.id).filter { _ in Bool.random(using: &rng) }
            return (.completeWithDeviation(items: failed), roll % 2 == 0 ? Fixtures.headNurse : actor)
        }
        // Control verbs belong to the owner role (the circulating nurse); one in four tries another role.
        if command.controlVerb != nil, command != .complete, roll % 4 != 0 { return (command, Fixtures.circulator) }
        return (command, actor)
    }

    @Test(arguments: 0..<40)
    func foldingTheLogReproducesTheLiveState(seed: Int) throws {
        try replay(Fixtures.counts(), seed: seed)
    }

    /// The same property on a definition whose identity check is a gate: refused (gated) commands change nothing.
    @Test(arguments: 0..<20)
    func foldingTheLogReproducesTheLiveStateWithGates(seed: Int) throws {
        try replay(Fixtures.gated(), seed: seed)
    }

    /// The same property with a deviation clause: deviated completions fold like any other event.
    @Test(arguments: 0..<20)
    func foldingTheLogReproducesTheLiveStateWithDeviations(seed: Int) throws {
        var spec = Fixtures.gated()
        spec.deviation = DeviationSpec(signOff: ["head_nurse"])
        try replay(spec, seed: seed + 1000)
    }

    func replay(_ spec: ProtocolSpec, seed: Int) throws {
        var rng = SplitMix64(state: UInt64(seed) &* 7919)
        var s = try Session(spec, subject: SubjectFacts(["infected": .bool(seed % 3 == 0)]))
        var accepted = 0
        for step in 0..<150 {
            let (command, actor) = Self.randomCommand(&rng, s.spec, step: step)
            do {
                try s.run(command, as: actor, minutes: Double(step), reason: "r\(step)")
                accepted += 1
            } catch {
                // A refused command changes nothing: the fold of the log still equals the live state.
            }
            #expect(try RunState.fold(s.log) == s.state)
        }
        // Verb permissions refuse more of the random commands (the scrub nurse owns no control verb).
        #expect(accepted >= 5, "the generator exercises accepted commands too")
        // Events survive their storage encoding unchanged.
        let decoded = try s.log.map { try CanonicalJSON.decode(RunEvent.self, from: CanonicalJSON.encode($0)) }
        #expect(decoded == s.log)
        #expect(try RunState.fold(decoded) == s.state)
        // The direct writer of hot events gives the same bytes as the encoder.
        for event in s.log {
            #expect(event.canonicalJSON == String(decoding: CanonicalJSON.encode(event), as: UTF8.self))
        }
    }

    @Test func directJSONMatchesTheEncoderForAwkwardText() {
        let texts = [
            "plain", "引号\"内\"", "back\\slash", "tab\there", "line\nbreak", "\u{2028}", "emoji 🩺", "/slash/", "",
        ]
        for text in texts {
            for change in [
                RunEvent.Change.recorded(item: "x", value: .text(text)), .recorded(item: "x", value: .choice(text)),
                .signed(item: "s", role: text), .recorded(item: "n", value: .number(71.5)),
                .recorded(item: "t", value: .time(Fixtures.t0)), .recorded(item: "c", value: .count(-3)),
                .recorded(item: "na", value: .notApplicable), .completed,
            ] {
                let event = RunEvent(
                    at: Fixtures.t0, actor: Actor(id: text, role: "r", workstation: text.isEmpty ? nil : text),
                    reason: text.isEmpty ? nil : text, change: change)
                #expect(event.canonicalJSON == String(decoding: CanonicalJSON.encode(event), as: UTF8.self), "\(text)")
            }
        }
    }

    @Test func historyMustStartWithStarted() {
        let event = RunEvent(at: Fixtures.t0, actor: Fixtures.circulator, change: .completed)
        let error = #expect(throws: EngineError.self) { try RunState.fold([event]) }
        #expect(error?.code == .corruptHistory)
        #expect(throws: EngineError.self) { try RunState.fold([RunEvent]()) }
    }
}
