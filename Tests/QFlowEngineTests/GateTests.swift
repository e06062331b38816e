import Foundation
import Testing

@testable import QFlowEngine

/// Gates (`gate: true`): a failed or unanswered gate item refuses answers behind it, and the error names the gate.
@Suite("Gates")
struct GateTests {
    @Test func aFailedGateRefusesLaterPhasesAndNamesTheGate() throws {
        var s = try Session(Fixtures.gated())
        try s.record("identity", .check(false))
        try s.record("baseline", .count(20))  // same phase, not named in gates: allowed
        let error = #expect(throws: EngineError.self) { try s.record("added", .count(1)) }
        #expect(error?.code == .gated)
        #expect(error?.item == "identity")
        #expect(error?.message.contains("'identity'") == true && error?.message.contains("failed") == true)
        // The named item of its own phase is held too.
        let named = #expect(throws: EngineError.self) { try s.record("position", .choice("supine")) }
        #expect(named?.code == .gated && named?.item == "identity")
    }

    @Test func withoutTheGateTheSameFailureLetsTheRunGoOn() throws {
        var s = try Session(Fixtures.counts())
        try s.record("identity", .check(false))
        try s.record("baseline", .count(20))
        try s.record("position", .choice("supine"))
        try s.record("added", .count(1))  // today's behaviour the gate exists to stop
    }

    @Test func anUnansweredGateIsNamedAndCannotBeJumpedOver() throws {
        var s = try Session(Fixtures.gated())
        let error = #expect(throws: EngineError.self) { try s.record("position", .choice("supine")) }
        #expect(error?.code == .gated && error?.item == "identity")
        #expect(error?.message.contains("not answered") == true)
        let jump = #expect(throws: EngineError.self) { try s.run(.jump(to: "added"), reason: "hurry") }
        #expect(jump?.code == .gated && jump?.item == "identity")
        let sign = #expect(throws: EngineError.self) { try s.run(.sign(item: "signed")) }
        #expect(sign?.code == .gated && sign?.item == "identity")
    }

    @Test func correctingTheGateOpensTheWayAndTheRunCompletes() throws {
        var s = try Session(Fixtures.gated())
        try s.record("identity", .check(false))
        #expect(throws: EngineError.self) { try s.record("position", .choice("supine")) }
        try s.record("identity", .check(true))  // re-verified: a later answer supersedes
        try s.answerCompliantly()
        try s.run(.sign(item: "signed"), as: Fixtures.scrub)
        try s.run(.sign(item: "signed"))
        try s.run(.complete)
        #expect(s.state.status == .completed)
        #expect(try RunState.fold(s.log) == s.state)
    }

    @Test func aGateWithAPassRuleHoldsUntilItPasses() throws {
        var spec = Fixtures.gated()
        spec.phases[0].items[0].gate = nil
        spec.phases[0].items[0].gates = nil
        spec.phases[0].items[1].gate = true  // baseline: a count that fails only through a rule
        spec.phases[0].items[1].passIf = try RuleExpression(parsing: "baseline > 0")
        var s = try Session(spec)
        try s.record("identity", .check(true))
        try s.record("baseline", .count(0))
        try s.record("position", .choice("supine"))
        let error = #expect(throws: EngineError.self) { try s.record("added", .count(1)) }
        #expect(error?.code == .gated && error?.item == "baseline")
        try s.record("baseline", .count(10))
        try s.record("added", .count(1))
    }

    @Test func validationRefusesBadGates() {
        var spec = Fixtures.gated()
        spec.phases[0].items[0].gates = ["nope", "identity"]
        spec.phases[1].items[0].gates = ["final"]  // 'added' is no gate
        spec.phases[2].items[0].gate = true
        spec.phases[2].items[0].gates = ["baseline"]  // before it
        spec.phases[2].items[1].gate = true  // optional 'note'
        let messages = spec.validate().map(\.description)
        #expect(messages.contains { $0.hasPrefix("phases[0].items[0].gates[0]: unknown item 'nope'") }, "\(messages)")
        #expect(messages.contains("phases[0].items[0].gates[1]: gate 'identity' cannot hold itself"))
        #expect(messages.contains("phases[1].items[0].gates: 'gates' needs 'gate: true'"))
        #expect(
            messages.contains { $0.hasPrefix("phases[2].items[0].gates[0]: gate 'final' can hold only items after") })
        #expect(messages.contains { $0.hasPrefix("phases[2].items[1].gate: gate 'note' is optional") })
        #expect(Fixtures.gated().validate().isEmpty)
    }

    @Test func gatesLeaveTheContentHashOfDefinitionsWithoutThem() {
        let plain = Fixtures.counts()
        var rebuilt = plain
        rebuilt.phases[0].items[0] = ItemSpec(
            id: "identity", title: Fixtures.text("Identity"), type: .check, critical: true, gate: false, gates: [])
        #expect(rebuilt.contentHash == plain.contentHash)
        var gated = plain
        gated.phases[0].items[0].gate = true
        #expect(gated.contentHash != plain.contentHash)
        let json = String(decoding: CanonicalJSON.encode(plain), as: UTF8.self)
        #expect(!json.contains("gate"))
    }
}
