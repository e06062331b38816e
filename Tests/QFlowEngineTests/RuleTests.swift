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
