import Foundation
import Testing

@testable import QFlowEngine

/// Documented deviations: a run whose critical items failed completes only with the failures named, a reason and a
/// sign-off by a role the protocol names; the failures stay failures.
@Suite("Documented deviations")
struct DeviationTests {
    /// A deviating-counts run whose final count (critical) failed, everything else answered and signed.
    static func failedFinalCount(_ spec: ProtocolSpec = Fixtures.deviating()) throws -> Session {
        var s = try Session(spec)
        try s.answerCompliantly()
        try s.record("final", .count(21))  // one sponge short: critical failure
        try s.run(.sign(item: "signed"), as: Fixtures.scrub)
        try s.run(.sign(item: "signed"))
        return s
    }

    @Test func theNamedRoleCompletesWithTheFailuresAReasonAndAnEvent() throws {
        var s = try Self.failedFinalCount()
        #expect(throws: EngineError.self) { try s.run(.complete) }
        let events = try s.run(
            .completeWithDeviation(items: ["final"]), as: Fixtures.headNurse,
            reason: "X-ray clear, count sheet error; incident report IR-12")
        #expect(events.map(\.kind) == ["deviated", "completed"])
        #expect(s.state.status == .completed)
        let deviation = try #require(s.state.deviation)
        #expect(deviation.items == ["final"])
        #expect(deviation.actor.role == "head_nurse")
        #expect(deviation.reason.contains("X-ray"))
        // Never compliant by edit: the failure is still a failure.
        let final = try #require(s.spec.items.first { $0.id == "final" })
        #expect(s.sheet.outcome(of: final) == .fail("rule not met: final == baseline + added"))
        #expect(try RunState.fold(s.log) == s.state)
        let decoded = try s.log.map { try CanonicalJSON.decode(RunEvent.self, from: CanonicalJSON.encode($0)) }
        #expect(try RunState.fold(decoded) == s.state)
    }

    @Test func otherRolesAndMissingReasonsAreRefused() throws {
        var s = try Self.failedFinalCount()
        let role = #expect(throws: EngineError.self) {
            try s.run(.completeWithDeviation(items: ["final"]), as: Fixtures.circulator, reason: "found later")
        }
        #expect(role?.code == .roleNotAllowed)
        #expect(role?.message.contains("head_nurse") == true)
        let reason = #expect(throws: EngineError.self) {
            try s.run(.completeWithDeviation(items: ["final"]), as: Fixtures.headNurse, reason: "  ")
        }
        #expect(reason?.code == .reasonRequired)
        #expect(s.state.status == .active)
    }

    @Test func theDeviationNamesExactlyTheFailedCriticalItems() throws {
        var s = try Self.failedFinalCount()
        let missing = #expect(throws: EngineError.self) {
            try s.run(.completeWithDeviation(items: []), as: Fixtures.headNurse, reason: "r")
        }
        #expect(missing?.code == .invalidDeviation && missing?.item == "final")
        let extra = #expect(throws: EngineError.self) {
            try s.run(.completeWithDeviation(items: ["final", "identity"]), as: Fixtures.headNurse, reason: "r")
        }
        #expect(extra?.code == .invalidDeviation && extra?.item == "identity")
    }

    @Test func aDeviationNeverStandsInForMissingWorkOrACleanRun() throws {
        var open = try Session(Fixtures.deviating())
        try open.record("identity", .check(false))
        let incomplete = #expect(throws: EngineError.self) {
            try open.run(.completeWithDeviation(items: ["identity"]), as: Fixtures.headNurse, reason: "r")
        }
        #expect(incomplete?.code == .incomplete)
        var clean = try Session(Fixtures.deviating())
        try clean.answerCompliantly()
        try clean.run(.sign(item: "signed"), as: Fixtures.scrub)
        try clean.run(.sign(item: "signed"))
        let none = #expect(throws: EngineError.self) {
            try clean.run(.completeWithDeviation(items: []), as: Fixtures.headNurse, reason: "r")
        }
        #expect(none?.code == .invalidDeviation)
    }

    @Test func aProtocolWithoutADeviationClauseRefusesIt() throws {
        var s = try Self.failedFinalCount(Fixtures.counts())
        let error = #expect(throws: EngineError.self) {
            try s.run(.completeWithDeviation(items: ["final"]), as: Fixtures.headNurse, reason: "r")
        }
        #expect(error?.code == .invalidDeviation)
    }

    @Test func validationChecksTheSignOffRolesAndTheHashStays() {
        var spec = Fixtures.deviating()
        spec.deviation = DeviationSpec(signOff: ["head_nurse", "matron"])
        #expect(
            spec.validate().map(\.description).contains { $0.hasPrefix("deviation.sign_off[1]: unknown role 'matron'") }
        )
        spec.deviation = DeviationSpec(signOff: [])
        #expect(spec.validate().map(\.description).contains { $0.hasPrefix("deviation.sign_off:") })
        #expect(Fixtures.deviating().validate().isEmpty)
        #expect(!String(decoding: CanonicalJSON.encode(Fixtures.counts()), as: UTF8.self).contains("deviation"))
    }

    @Test func aRunMigratedToAVersionWithAGateAndADeviationClauseFollowsBoth() throws {
        var s = try Session(Fixtures.counts())
        try s.record("identity", .check(true))
        try s.record("baseline", .count(10))
        var v2 = Fixtures.counts(version: 2)
        v2.phases[0].items[0].gate = true
        v2.phases[2].items[0].id = "closing_count"
        v2.phases[2].items[0].passIf = Fixtures.rule("closing_count == baseline + added")
        v2.triggers = []
        v2.deviation = DeviationSpec(signOff: ["head_nurse"])
        let events = try Engine.migrate(
            s.state, from: s.spec, to: v2, itemMap: ["final": "closing_count"], context: Fixtures.context(reason: "v2"))
        for e in events { try s.state.apply(e) }
        s.log += events
        s.spec = v2
        // The gate of v2 now holds: identity re-answered no refuses the later phases.
        try s.record("identity", .check(false))
        #expect((try? s.record("added", .count(1))) == nil)
        try s.record("identity", .check(true))
        try s.record("position", .choice("supine"))
        try s.record("added", .count(0))
        try s.record("cavity_needed", .check(false))
        try s.record("antibiotic", .notApplicable)
        try s.record("closing_count", .count(9))
        try s.run(.sign(item: "signed"), as: Fixtures.scrub)
        try s.run(.sign(item: "signed"))
        try s.run(.completeWithDeviation(items: ["closing_count"]), as: Fixtures.headNurse, reason: "X-ray clear")
        #expect(s.state.deviation?.items == ["closing_count"])
        #expect(try RunState.fold(s.log) == s.state)
    }
}
