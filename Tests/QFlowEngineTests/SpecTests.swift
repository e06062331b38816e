import Foundation
import QFlowCrypto
import Testing

@testable import QFlowEngine

@Suite("Definitions")
struct SpecTests {
    @Test(arguments: [
        ("PT60M", 3600), ("PT72H", 259_200), ("P1DT2H", 93_600), ("P2W", 1_209_600), ("PT0M", 0), ("PT1H30M15S", 5415),
    ])
    func durationsParse(text: String, seconds: Int) throws {
        #expect(try ISODuration(parsing: text).seconds == seconds)
    }

    @Test(arguments: ["60M", "P", "PT", "P1M", "P1Y", "PT5", "P1H", "PT1M1H", "PT-5M", "P1DT", "PT99999999H"])
    func badDurationsAreRefused(text: String) {
        #expect(throws: ISODuration.ParseError.self) { try ISODuration(parsing: text) }
    }

    @Test func fixtureIsValid() {
        #expect(Fixtures.counts().validate().isEmpty)
    }

    @Test func validationFindsBrokenReferences() {
        var spec = Fixtures.counts()
        spec.phases[0].items.append(spec.phases[0].items[0])
        spec.phases[0].items[1].roles = ["surgeon"]
        spec.phases[2].items[2].type = .signature(signers: ["anaesthetist"])
        spec.phases[1].items[2].showIf = Fixtures.rule("cavity > 0")
        spec.phases[0].items[1].deadline?.anchor = .subjectField("nope")
        let messages = spec.validate().map(\.description)
        #expect(messages.contains { $0.contains("duplicate item id 'identity'") })
        #expect(
            messages.contains { $0.hasPrefix("phases[0].items[1].roles[0]") && $0.contains("unknown role 'surgeon'") })
        #expect(messages.contains { $0.contains("unknown role 'anaesthetist'") })
        #expect(messages.contains { $0.contains("cannot depend on the item itself") })
        #expect(messages.contains { $0.contains("unknown subject field 'nope'") })
    }

    @Test func libraryFindsDuplicatesUnknownTargetsAndCycles() {
        var a = Fixtures.counts()
        a.triggers = [TriggerSpec(id: "t", protocolId: "b", when: Fixtures.rule("identity"))]
        var b = Fixtures.counts()
        b.id = "b"
        b.triggers = [
            TriggerSpec(id: "t", protocolId: "counts", when: Fixtures.rule("identity")),
            TriggerSpec(id: "u", protocolId: "nowhere", when: Fixtures.rule("identity")),
        ]
        let issues = ProtocolLibrary.validate([a, b, a])
        #expect(issues.contains { $0.message.contains("duplicate protocol counts@1") && $0.protocolIndex == 2 })
        #expect(issues.contains { $0.message.contains("unknown protocol 'nowhere'") })
        #expect(issues.contains { $0.message.contains("trigger cycle: counts → b → counts") })
        #expect(ProtocolLibrary.validate([Fixtures.counts()], otherIds: ["discrepancy", "special_infection"]).isEmpty)
    }

    @Test func contentHashIsStableAndSensitive() {
        let a = Fixtures.counts()
        var b = a
        #expect(a.contentHash == b.contentHash)
        b.phases[0].items[0].critical = false
        #expect(a.contentHash != b.contentHash)
        #expect(a.contentHash.count == 64)
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func sha256MatchesTheStandardVectors(input: String, hex: String) {
        #expect(SHA256.hex(of: Array(input.utf8)) == hex)
    }

    @Test(arguments: [
        ("2026-03-01T08:30:00+08:00", "2026-03-01T00:30:00.000Z"),
        ("2024-02-29T23:59:59.250Z", "2024-02-29T23:59:59.250Z"),
        ("1999-12-31T23:00-01:30", "2000-01-01T00:30:00.000Z"),
    ])
    func timestampsRoundTrip(input: String, utc: String) throws {
        let date = try #require(Timestamp.parse(input))
        #expect(Timestamp.format(date) == utc)
    }

    @Test(arguments: [
        "2026-02-30T08:00Z", "2026-03-01T08:00", "2026-03-01", "08:30", "2026-13-01T00:00Z", "2026-03-01T24:00Z",
    ])
    func badTimestampsAreRefused(input: String) {
        #expect(Timestamp.parse(input) == nil)
    }
}
