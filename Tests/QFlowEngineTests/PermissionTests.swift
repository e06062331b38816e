import Foundation
import QFlowEngine
import Testing

/// Who may do what on a run: verb permissions, one person per signature, subject-bound roles.
@Suite struct PermissionTests {
    static let surgeon = Actor(id: "d1", role: "surgeon")
    static let anaesthetist = Actor(id: "d2", role: "anesthetist")
    static let headNurse = Actor(id: "h1", role: "head_nurse")

    /// A three-party check (surgeon, anaesthetist, circulating nurse), and counts where only the circulating nurse
    /// and the head nurse may return, and anyone named may complete.
    static func timeOut(permissions: [String: [String]]? = nil) -> ProtocolSpec {
        ProtocolSpec(
            id: "time_out", version: 1, title: Fixtures.text("Time out"), kind: .core, subject: "surgical-case",
            roles: [
                RoleSpec(id: "circulating_nurse", title: Fixtures.text("Circulator")),
                RoleSpec(id: "scrub_nurse", title: Fixtures.text("Scrub")),
                RoleSpec(id: "surgeon", title: Fixtures.text("Surgeon")),
                RoleSpec(id: "anesthetist", title: Fixtures.text("Anaesthetist")),
            ],
            phases: [
                PhaseSpec(
                    id: "time_out", title: Fixtures.text("Time out"),
                    items: [
                        ItemSpec(id: "count", title: Fixtures.text("Count"), type: .count),
                        ItemSpec(
                            id: "three_party", title: Fixtures.text("Three-party check"),
                            type: .signature(signers: ["surgeon", "anesthetist", "circulating_nurse"])),
                    ])
            ],
            permissions: permissions)
    }

    @Test func aThreePartyCheckNeedsThreePeople() throws {
        var s = try Session(Self.timeOut())
        try s.run(.sign(item: "three_party"), as: Self.surgeon)
        // The same person, signed in again as anaesthetist, may not sign the second part.
        let sameUser = Actor(id: Self.surgeon.id, role: "anesthetist")
        let error = #expect(throws: EngineError.self) { try s.run(.sign(item: "three_party"), as: sameUser) }
        #expect(error?.code == .duplicateSigner)
        #expect(error?.message.contains("as surgeon") == true)
        #expect(error?.item == "three_party")
        try s.run(.sign(item: "three_party"), as: Self.anaesthetist)
        let third = Actor(id: Self.anaesthetist.id, role: "circulating_nurse")
        #expect(throws: EngineError.self) { try s.run(.sign(item: "three_party"), as: third) }
        try s.run(.sign(item: "three_party"), as: Fixtures.circulator)
        // Each role's signature records its own person.
        let signed = try #require(s.state.signatures["three_party"])
        #expect(signed.mapValues(\.actor.id) == ["surgeon": "d1", "anesthetist": "d2", "circulating_nurse": "n1"])
        #expect(try RunState.fold(s.log) == s.state)
    }

    @Test func aSignerOutsideTheSigningRolesIsRefused() throws {
        var s = try Session(Self.timeOut())
        let error = #expect(throws: EngineError.self) { try s.run(.sign(item: "three_party"), as: Fixtures.scrub) }
        #expect(error?.code == .roleNotAllowed)
        #expect(error?.message.contains("scrub_nurse") == true)
    }

    @Test(arguments: [
        (RunCommand.suspend, "suspend"), (.stop, "stop"), (.returnTo(item: nil), "return"),
        (.jump(to: "three_party"), "jump"), (.complete, "complete"),
    ])
    func byDefaultOnlyTheOwnerRoleAndTheHeadNurseControlARun(command: RunCommand, verb: String) throws {
        var s = try Session(Self.timeOut())
        try s.run(.record(item: "count", value: .count(3)))
        // The scrub nurse takes part, but does not own the run: she may not suspend the circulator's checklist.
        let error = #expect(throws: EngineError.self) { try s.run(command, as: Fixtures.scrub, reason: "why") }
        #expect(error?.code == .roleNotAllowed)
        #expect(error?.message.contains("may not \(verb)") == true)
        #expect(error?.message.contains("circulating_nurse, head_nurse") == true)
        #expect(throws: EngineError.self) { try s.run(command, as: Self.surgeon, reason: "why") }
    }

    @Test func theOwnerAndTheHeadNurseMaySuspendAndResume() throws {
        var s = try Session(Self.timeOut())
        try s.run(.suspend, as: Fixtures.circulator, reason: "patient not ready")
        try s.run(.resume, as: Self.headNurse, reason: "ready")
        #expect(s.state.status == .active)
    }

    @Test func declaredPermissionsReplaceTheDefault() throws {
        let spec = Self.timeOut(permissions: ["return": ["surgeon"], "complete": ["anesthetist", "surgeon"]])
        var s = try Session(spec)
        try s.run(.record(item: "count", value: .count(3)))
        #expect(throws: EngineError.self) { try s.run(.returnTo(item: nil), reason: "recount") }
        try s.run(.returnTo(item: nil), as: Self.surgeon, reason: "recount")
        // Verbs not declared keep the default.
        try s.run(.suspend, as: Fixtures.circulator, reason: "pause")
        #expect(spec.roles(allowedTo: .complete) == ["anesthetist", "surgeon"])
        #expect(spec.roles(allowedTo: .stop) == ["circulating_nurse", "head_nurse"])
    }

    @Test func restartAndMigrateFollowThePermissions() throws {
        var s = try Session(Self.timeOut())
        try s.run(.stop, as: Fixtures.circulator, reason: "wrong patient")
        let scrubContext = Fixtures.context(Fixtures.scrub, reason: "again")
        #expect(throws: EngineError.self) {
            try Engine.restart(s.spec, state: s.state, newRunId: "r2", context: scrubContext)
        }
        _ = try Engine.restart(
            s.spec, state: s.state, newRunId: "r2", context: Fixtures.context(Self.headNurse, reason: "again"))
        let open = try Session(Self.timeOut())
        var next = Self.timeOut()
        next.version = 2
        let error = #expect(throws: EngineError.self) {
            try Engine.migrate(open.state, from: open.spec, to: next, context: scrubContext)
        }
        #expect(error?.code == .roleNotAllowed)
        _ = try Engine.migrate(open.state, from: open.spec, to: next, context: Fixtures.context(reason: "v2"))
    }

    @Test func unknownVerbsAndRolesInPermissionsAreRejected() {
        let spec = Self.timeOut(permissions: ["suspnd": ["surgeon"], "stop": ["porter"], "complete": []])
        let messages = spec.validate().map(\.description)
        #expect(messages.contains { $0.contains("unknown verb 'suspnd'") && $0.contains("suspend") })
        #expect(messages.contains { $0.contains("permissions.stop[0]") && $0.contains("unknown role 'porter'") })
        #expect(messages.contains { $0.contains("permissions.complete") && $0.contains("at least one role") })
        // The supervisor role may be named without being listed among the roles.
        #expect(Self.timeOut(permissions: ["stop": ["head_nurse"]]).validate().isEmpty)
    }

    /// A staff survey whose respondent is the subject.
    static func survey() -> ProtocolSpec {
        ProtocolSpec(
            id: "staff_survey", version: 1, title: Fixtures.text("Survey"), kind: .survey, subject: "respondent",
            roles: [RoleSpec(id: "respondent", title: Fixtures.text("Respondent"), isSubject: true)],
            phases: [
                PhaseSpec(
                    id: "q", title: Fixtures.text("Questions"),
                    items: [ItemSpec(id: "overall", title: Fixtures.text("Overall"), type: .check)])
            ])
    }

    @Test func aRespondentAnswersOnlyTheirOwnSurvey() throws {
        let spec = Self.survey()
        let events = try Engine.start(spec, runId: "r9", subjectId: "staff-07", context: Fixtures.context())
        let state = try RunState.fold(events)
        let record = RunCommand.record(item: "overall", value: .check(true))
        for actor in [
            Actor(id: "staff-08", role: "respondent", subject: "staff-08"),  // another respondent
            Actor(id: "staff-07", role: "respondent"),  // not bound to a subject
            Actor(id: "n1", role: "circulating_nurse", subject: "staff-08"),  // bound elsewhere
        ] {
            let error = #expect(throws: EngineError.self) {
                try Engine.execute(record, spec: spec, state: state, context: Fixtures.context(actor))
            }
            #expect(error?.code == .roleNotAllowed)
        }
        let own = Actor(id: "staff-07", role: "respondent", subject: "staff-07")
        let answered = try Engine.execute(record, spec: spec, state: state, context: Fixtures.context(own))
        #expect(answered.count == 1)
        // The binding is part of the event, and survives its canonical encoding.
        #expect(answered[0].canonicalJSON == String(decoding: CanonicalJSON.encode(answered[0]), as: UTF8.self))
        #expect(try CanonicalJSON.decode(RunEvent.self, from: Array(answered[0].canonicalJSON.utf8)) == answered[0])
    }

    @Test func definitionsWithoutTheNewFieldsKeepTheirContentHash() throws {
        // Optional fields left out of the canonical form: a definition published before them hashes the same.
        let json = String(decoding: CanonicalJSON.encode(Fixtures.counts()), as: UTF8.self)
        #expect(!json.contains("permissions"))
        #expect(!json.contains("isSubject"))
        #expect(String(decoding: CanonicalJSON.encode(Self.survey()), as: UTF8.self).contains("\"isSubject\":true"))
    }
}
