import Foundation
import Testing

@testable import QFlowEngine

struct Env: RuleEnvironment {
    var values: [String: Value] = [:]
    var na: Set<String> = []
    var subject: [String: Value] = [:]
    func value(ofItem id: String) -> Value? { values[id] }
    func isAnswered(_ id: String) -> Bool { values[id] != nil }
    func isNotApplicable(_ id: String) -> Bool { na.contains(id) }
    func subjectValue(_ field: String) -> Value? { subject[field] }
}

@Suite("Rule language")
struct RuleTests {
    let scope = RuleScope(Fixtures.counts())

    @Test(arguments: [
        ("final == baseline + added", true),
        ("final == baseline + added and not identity", false),
        ("final > 3 * 2 - 1 / 1", true),
        ("position in [\"supine\", \"prone\"]", true),
        ("-baseline < 0 or identity", true),
        ("abs(baseline - final) <= 2", true),
        ("answered(note) or is_na(antibiotic)", true),
    ])
    func evaluates(source: String, expected: Bool) throws {
        let rule = try RuleExpression(parsing: source)
        try rule.checkCondition(in: scope)
        let env = Env(
            values: [
                "final": .number(22), "baseline": .number(20), "added": .number(2),
                "identity": .bool(true), "position": .text("supine"),
            ], na: ["antibiotic"])
        #expect(rule.holds(in: env) == expected)
    }

    @Test func unknownInputsFollowThreeValuedLogic() throws {
        let env = Env(values: ["identity": .bool(false)])
        #expect(try RuleExpression(parsing: "final == 3").holds(in: env) == nil)
        #expect(try RuleExpression(parsing: "identity and final == 3").holds(in: env) == false)
        #expect(try RuleExpression(parsing: "not identity or final == 3").holds(in: env) == true)
        #expect(
            try RuleExpression(parsing: "minutes_between(antibiotic, antibiotic) == 0").holds(
                in: Env(na: ["antibiotic"])) == nil)
        #expect(
            try RuleExpression(parsing: "baseline / 0 == 1").holds(in: Env(values: ["baseline": .number(1)])) == nil)
    }

    @Test(arguments: [
        ("final ==", 8, "expected a value"),
        ("final = 3", 6, "use '=='"),
        ("(final == 3", 11, "expected ')'"),
        ("final == 3 3", 11, "unexpected"),
        ("final && added", 6, "use 'and'"),
        ("\"open", 0, "unterminated"),
        ("1 < 2 < 3", 6, "cannot be chained"),
        ("launch(1)", 0, "unknown function"),
        ("12.3.4 == 1", 0, "malformed number"),
    ])
    func syntaxErrorsPointAtTheProblem(source: String, offset: Int, message: String) {
        let error = #expect(throws: ExpressionError.self) { try RuleExpression(parsing: source) }
        #expect(error?.offset == offset)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }

    @Test(arguments: [
        ("final == \"ten\"", "cannot compare 'final' (number) with \"ten\" (text)"),
        ("finl == 3", "unknown item 'finl' (did you mean 'final'?)"),
        ("position == \"lateral\"", "not an option of 'position'"),
        ("identity < true", "needs numbers, times or dates"),
        ("final + 1", "must be true or false"),
        ("subject.room == 3", "unknown subject field 'room'"),
        ("minutes_between(final, antibiotic) > 1", "needs time"),
        ("answered(1)", "takes one item name"),
    ])
    func typeErrorsAreFoundAtValidation(source: String, message: String) throws {
        let rule = try RuleExpression(parsing: source)
        let error = #expect(throws: ExpressionError.self) { try rule.checkCondition(in: scope) }
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }

    @Test func deepNestingAndLongTextAreRefused() {
        let deep = String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500) + " == 1"
        #expect(throws: ExpressionError.self) { try RuleExpression(parsing: deep) }
        let nots = String(repeating: "not ", count: 500) + "true"
        #expect(throws: ExpressionError.self) { try RuleExpression(parsing: nots) }
        #expect(throws: ExpressionError.self) {
            try RuleExpression(parsing: String(repeating: "1 + ", count: 600) + "1 == 1")
        }
    }
}

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

@Suite("SHA-256 and PBKDF2")
struct HashTests {
    func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func pbkdf2MatchesPublishedVectors() {
        // RFC 7914 §11 (PBKDF2-HMAC-SHA256 test vectors), first 32 bytes.
        #expect(
            hex(SHA256.pbkdf2(password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1))
                == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc")
        // Widely published vectors (e.g. Python hashlib.pbkdf2_hmac('sha256', b'password', b'salt', n)).
        #expect(
            hex(SHA256.pbkdf2(password: Array("password".utf8), salt: Array("salt".utf8), iterations: 1))
                == "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b")
        #expect(
            hex(SHA256.pbkdf2(password: Array("password".utf8), salt: Array("salt".utf8), iterations: 4096))
                == "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a")
        let long = [UInt8](repeating: 0x61, count: 100)  // a key longer than one block is hashed first
        #expect(
            hex(SHA256.pbkdf2(password: long, salt: Array("s".utf8), iterations: 2))
                == "b88ffe32d40e233c788b33504ee05d4204746da7de230035c70f892325ec984f")
    }
}
