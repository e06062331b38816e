import Foundation
import QFlowEngine
import Testing

@testable import QFlowProtocolFile

/// A valid protocol to break in small ways.
let validYAML = """
    id: demo
    version: 1
    title: { zh: 演示, en: Demo }
    kind: core
    subject: surgical-case
    subject_fields:
      scheduled_start: time
    roles:
      - id: nurse
        title: { zh: 护士, en: Nurse }
    phases:
      - id: only
        title: { zh: 唯一, en: Only }
        items:
          - id: base
            title: { zh: 基数, en: Baseline }
            type: count
            required: true
            deadline: { before: PT30M, of: subject.scheduled_start, escalate_to: nurse }
          - id: final
            title: { zh: 终数, en: Final }
            type: count
            critical: true
            pass_if: final == base
          - id: note
            title: { zh: 备注, en: Note }
            type: text
            required: false

    """

func load(_ text: String, file: String = "p.yaml") -> ProtocolFile.LoadResult {
    ProtocolFile.load(bytes: Array(text.utf8), file: file)
}

/// The single diagnostic of a file that has exactly one problem.
func onlyProblem(_ text: String) throws -> Diagnostic {
    let result = load(text)
    #expect(result.diagnostics.count == 1, "\(result.diagnostics)")
    return try #require(result.diagnostics.first)
}

@Suite("Protocol files")
struct ProtocolFileTests {
    @Test func validFileLoads() throws {
        let result = load(validYAML)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let spec = try #require(result.spec)
        #expect(spec.items.map(\.id) == ["base", "final", "note"])
        #expect(spec.items[1].critical)
        #expect(spec.items[2].required == false)
        #expect(spec.items[0].deadline?.offset.seconds == 1800)
    }

    @Test func yamlSyntaxErrorIsLocated() throws {
        let problem = try onlyProblem(validYAML.replacingOccurrences(of: "version: 1", with: "version: [1"))
        #expect(problem.message.contains("YAML syntax error"))
        #expect(problem.line >= 2)
    }

    @Test func unknownKeySuggestsTheIntendedOne() throws {
        let problem = try onlyProblem(validYAML.replacingOccurrences(of: "required: true", with: "requierd: true"))
        #expect(problem.description == "p.yaml:18:9: unknown key 'requierd' in an item (did you mean 'required'?)")
    }

    @Test func missingRequiredFieldIsNamed() throws {
        let problem = try onlyProblem(validYAML.replacingOccurrences(of: "kind: core\n", with: ""))
        #expect(problem.message == "the protocol is missing required key 'kind'")
    }

    @Test func duplicateItemIdIsFound() throws {
        let problem = try onlyProblem(validYAML.replacingOccurrences(of: "id: note", with: "id: base"))
        #expect(problem.message.contains("duplicate item id 'base'"))
        #expect(problem.line == 25)
    }

    @Test func unknownItemTypeIsFound() throws {
        let problem = try onlyProblem(validYAML.replacingOccurrences(of: "type: text", with: "type: txt"))
        #expect(problem.message == "unknown item type 'txt' (did you mean 'text'?)")
        #expect((problem.line, problem.column) == (27, 15))
    }

    @Test(arguments: ["30M", "PT", "P1M", "PT30X"])
    func badDurationIsFound(duration: String) throws {
        let problem = try onlyProblem(validYAML.replacingOccurrences(of: "PT30M", with: duration))
        #expect(problem.message.contains("bad duration '\(duration)'"))
        #expect(problem.line == 19)
    }

    @Test func expressionSyntaxErrorPointsIntoTheExpression() throws {
        let problem = try onlyProblem(
            validYAML.replacingOccurrences(of: "pass_if: final == base", with: "pass_if: final = base"))
        #expect(problem.message.contains("use '=='"))
        #expect((problem.line, problem.column) == (24, 24))
    }

    @Test func expressionTypeErrorIsFound() throws {
        let problem = try onlyProblem(
            validYAML.replacingOccurrences(of: "pass_if: final == base", with: "pass_if: final == note"))
        #expect(problem.message == "cannot compare 'final' (number) with 'note' (text)")
        #expect(problem.line == 24)
    }

    @Test func unknownItemReferenceIsFound() throws {
        let problem = try onlyProblem(
            validYAML.replacingOccurrences(of: "pass_if: final == base", with: "pass_if: final == bsae"))
        #expect(problem.message == "unknown item 'bsae' (did you mean 'base'?)")
        #expect((problem.line, problem.column) == (24, 27))
    }

    /// A text note cannot fail, so `critical` on it would promise a hard stop the engine never makes.
    @Test func criticalItemThatCannotFailIsRefused() throws {
        let problem = try onlyProblem(
            validYAML.replacingOccurrences(
                of: "type: text\n        required: false", with: "type: text\n        critical: true"))
        #expect(
            problem.description
                == "p.yaml:28:19: 'note' is a text item without pass_if: it can never fail, so it cannot be critical"
                + " (make it a check, give it a pass_if rule, or drop 'critical')")
        // With a rule that can fail, a text item may be critical; so may a check.
        let ruled = load(
            validYAML.replacingOccurrences(
                of: "type: text\n        required: false",
                with: "type: text\n        critical: true\n        pass_if: answered(note)"))
        #expect(ruled.diagnostics.isEmpty, "\(ruled.diagnostics)")
        // A count without a rule never fails either: it is a gate if jump must not pass it, not critical.
        let count = try onlyProblem(
            validYAML.replacingOccurrences(
                of: "type: count\n        required: true", with: "type: count\n        critical: true"))
        #expect(count.message.hasPrefix("'base' is a count item without pass_if: it can never fail"), "\(count)")
    }

    @Test func everyProblemIsReportedNotJustTheFirst() {
        let text =
            validYAML
            .replacingOccurrences(of: "required: true", with: "requierd: true")
            .replacingOccurrences(of: "type: text", with: "type: txt")
            .replacingOccurrences(of: "kind: core", with: "kind: cor")
        #expect(load(text).diagnostics.count == 3)
    }

    @Test func aliasBombIsRefusedQuickly() throws {
        var text = validYAML + "x0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for i in 1...12 {
            text += "x\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ",") + "]\n"
        }
        text += "triggers: *a12\n"
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            let result = load(text)
            #expect(!result.isValid)
            #expect(result.diagnostics.contains { $0.message.contains("anchors and aliases") })
        }
        #expect(elapsed < .seconds(5))
    }

    @Test func hugeFileIsRefusedBeforeParsing() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-big-\(UUID()).yaml")
        defer { try? FileManager.default.removeItem(at: url) }
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        let chunk = Data(repeating: UInt8(ascii: "a"), count: 1 << 20)
        for _ in 0..<50 { handle.write(chunk) }
        try handle.close()
        let result = ProtocolFile.load(path: url.path)
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.message.contains("50 MB") == true)
    }

    @Test(arguments: [
        String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000),
        (0..<1000).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n"),
        String(repeating: "- ", count: 5000) + "x",
    ])
    func deepNestingIsRefused(body: String) throws {
        let problem = try onlyProblem("a:\n" + body)
        #expect(problem.message.contains("nesting is deeper than"))
    }

    @Test func invalidUTF8IsLocated() throws {
        var bytes = Array(validYAML.utf8)
        let at = bytes.firstIndex(of: UInt8(ascii: "D"))!
        bytes[at] = 0xFF
        let result = ProtocolFile.load(bytes: bytes, file: "p.yaml")
        let problem = try #require(result.diagnostics.first)
        #expect(problem.message.contains("invalid UTF-8"))
        #expect(problem.line == 3)
    }

    @Test func anchorsAreRefused() throws {
        let text = validYAML.replacingOccurrences(
            of: "title: { zh: 演示, en: Demo }", with: "title: &t { zh: 演示, en: Demo }")
        let problem = try onlyProblem(text)
        #expect(problem.message.contains("anchors and aliases"))
    }
}

@Suite("Protocol libraries")
struct ProtocolLibraryLoaderTests {
    func folder(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-lib-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files {
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return dir.path
    }

    func withTrigger(_ id: String, to target: String) -> String {
        validYAML.replacingOccurrences(of: "id: demo", with: "id: \(id)") + """
            triggers:
              - id: go
                protocol: \(target)
                when: final != base

            """
    }

    @Test func shippedProtocolsAreValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let result = ProtocolLibraryLoader.load(paths: [root.appendingPathComponent("Protocols").path])
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.specs.count >= 3)
    }

    @Test func duplicateProtocolIdsAcrossFilesAreFound() throws {
        let dir = try folder(["a.yaml": validYAML, "b.yaml": validYAML])
        let result = ProtocolLibraryLoader.load(paths: [dir])
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.message.contains("duplicate protocol demo@1") == true)
        #expect(result.diagnostics.first?.file.hasSuffix("b.yaml") == true)
    }

    @Test func triggerToUnknownProtocolIsFound() throws {
        let dir = try folder(["a.yaml": withTrigger("a", to: "special_infection")])
        let result = ProtocolLibraryLoader.load(paths: [dir])
        #expect(result.diagnostics.map(\.message) == ["trigger 'go' starts unknown protocol 'special_infection'"])
        #expect(result.diagnostics.first?.line == 31)
    }

    @Test func triggerCycleIsFound() throws {
        let dir = try folder(["a.yaml": withTrigger("a", to: "b"), "b.yaml": withTrigger("b", to: "a")])
        let result = ProtocolLibraryLoader.load(paths: [dir])
        #expect(result.diagnostics.count == 2)
        #expect(result.diagnostics.allSatisfy { $0.message.hasPrefix("trigger cycle:") })
    }

    @Test func singleFileSeesItsSiblings() throws {
        let dir = try folder([
            "a.yaml": withTrigger("a", to: "b"),
            "b.yaml": validYAML.replacingOccurrences(of: "id: demo", with: "id: b"),
        ])
        #expect(ProtocolLibraryLoader.load(paths: [dir + "/a.yaml"]).isValid)
    }

    @Test func missingPathIsReported() {
        let result = ProtocolLibraryLoader.load(paths: ["/nonexistent/x.yaml"])
        #expect(result.diagnostics.first?.description == "/nonexistent/x.yaml:1:1: no such file or folder")
    }
}
