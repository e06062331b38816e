import Foundation
import QFlowEngine
import Testing

@testable import QFlowProtocolFile

/// A protocol with a repeating group, as a file.
let repeatingYAML = """
    id: handovers
    version: 1
    title: { zh: 交接清点, en: Handover counts }
    kind: core
    subject: surgical-case
    roles:
      - { id: circulating_nurse, title: { zh: 巡回护士, en: Circulating nurse } }
    phases:
      - id: open
        title: { zh: 开始, en: Opening }
        items:
          - { id: base, title: { zh: 术前清点, en: Baseline }, type: count }
      - id: relief
        title: { zh: 交接, en: Relief }
        groups:
          - id: hand
            title: { zh: 每次交接, en: Each handover }
            min: 0
            max: 3
            items:
              - { id: hand.count, title: { zh: 交接清点数, en: Count at handover }, type: count, critical: true, pass_if:\
               hand.count == base }
      - id: close
        title: { zh: 关闭, en: Closing }
        items:
          - { id: handed, title: { zh: 交接次数, en: Handovers }, type: count, pass_if: handed == count(hand) }

    """

@Suite("Repeating groups in protocol files")
struct RepeatGroupFileTests {
    @Test func aGroupLoadsAndRunsItsInstances() throws {
        let result = load(repeatingYAML)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let spec = try #require(result.spec)
        #expect(spec.groups.map(\.id) == ["hand"] && spec.groups[0].max == 3)
        #expect(spec.resolvedItem("hand.count#2")?.passIf?.referencedItems == ["hand.count#2", "base"])
        #expect(spec.resolvedItem("hand.count#4") == nil, "beyond max")
    }

    @Test func aBadGroupIsLocatedInTheFile() throws {
        let noMax = load(repeatingYAML.replacingOccurrences(of: "        max: 3\n", with: "")).diagnostics
        #expect(noMax.count == 1 && noMax.first?.message.contains("max") == true, "\(noMax)")
        #expect(noMax.first?.line == 16, "\(noMax)")
        let tooMany = try onlyProblem(repeatingYAML.replacingOccurrences(of: "max: 3", with: "max: 99"))
        #expect(tooMany.message.contains("max must be from 1 to 50"), "\(tooMany)")
        #expect((tooMany.line, tooMany.column) == (19, 14), "\(tooMany)")
        let direct = try onlyProblem(
            repeatingYAML.replacingOccurrences(
                of: "pass_if: handed == count(hand)", with: "pass_if: handed == hand.count"))
        #expect(direct.message.contains("repeating group"), "\(direct)")
        #expect(direct.line == 25, "\(direct)")
        let unknownKey = try onlyProblem(repeatingYAML.replacingOccurrences(of: "min: 0", with: "minimum: 0"))
        #expect(unknownKey.message.contains("minimum"), "\(unknownKey)")
        #expect(unknownKey.line == 18, "\(unknownKey)")
    }
}
