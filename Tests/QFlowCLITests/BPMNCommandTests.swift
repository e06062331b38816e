import Foundation
import Testing

/// `qflow protocol import-bpmn` and `export-bpmn`, as whole command lines.
@Suite("qflow protocol import-bpmn / export-bpmn")
struct BPMNCommandTests {
    static func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-bpmn-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The BPMN tests' copy of the peer benchmark's file (CI's clone has no `../shared`).
    static let checklist30 = QFlow.packageRoot.appendingPathComponent("Tests/QFlowBPMNTests/Fixtures/checklist30.bpmn")

    @Test func importedFileValidatesAndExportsAgain() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("checklist30.bpmn")
        try FileManager.default.copyItem(at: Self.checklist30, to: source)
        try "Task_01: 确认患者身份\n".write(
            to: dir.appendingPathComponent("checklist30.zh.yaml"), atomically: true, encoding: .utf8)
        // The protocol goes into a library folder of its own: the side file is YAML too, but not a protocol.
        let library = dir.appendingPathComponent("Protocols")
        try FileManager.default.createDirectory(at: library, withIntermediateDirectories: true)
        let yaml = library.appendingPathComponent("checklist30.yaml").path
        let imported = try QFlow.run(["protocol", "import-bpmn", source.path, "--out", yaml, "--kind", "core"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("33 items"))
        #expect(imported.stderr.contains("【待译】") && !imported.stderr.contains("Task_01,"))
        let text = try String(contentsOfFile: yaml, encoding: .utf8)
        #expect(text.contains(#"title: { zh: "确认患者身份", en: "Confirm patient identity" }"#))
        let validated = try QFlow.run(["protocol", "validate", yaml])
        #expect(validated.status == 0, "\(validated.stdout)")
        let exported = try QFlow.run(["protocol", "export-bpmn", "surgical_safety_checklist", "--from", library.path])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout.hasPrefix("<?xml") && exported.stdout.contains("<bpmndi:BPMNDiagram"))
    }

    @Test func refusalsNameTheElementAndLineAndExitOne() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = try String(contentsOf: Self.checklist30, encoding: .utf8)
            .replacingOccurrences(
                of: "<bpmn:exclusiveGateway id=\"Gateway_InfectionSplit\"",
                with: "<bpmn:parallelGateway id=\"Gateway_InfectionSplit\""
            )
            .replacingOccurrences(
                of: "</bpmn:exclusiveGateway>\n    <bpmn:userTask id=\"Task_X1\"",
                with: "</bpmn:parallelGateway>\n    <bpmn:userTask id=\"Task_X1\"")
        let file = dir.appendingPathComponent("bad.bpmn")
        try source.write(to: file, atomically: true, encoding: .utf8)
        let result = try QFlow.run(["protocol", "import-bpmn", file.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(file.path):68:"), "\(result.stderr)")
        #expect(result.stderr.contains("parallelGateway 'Gateway_InfectionSplit'"))
        #expect(result.stdout.isEmpty)
    }

    @Test func hostileXMLIsRefusedQuickly() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("xxe.bpmn")
        try "<?xml version=\"1.0\"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<d>&x;</d>\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let result = try QFlow.run(["protocol", "import-bpmn", file.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(file.path):2:1: DOCTYPE declarations are refused"), "\(result.stderr)")
        #expect(!result.stderr.contains("root:"))
    }

    @Test func aProtocolWithoutMappingIsRefusedByName() throws {
        let result = try QFlow.run(["protocol", "export-bpmn", "surgical_counts"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("surgical_counts@3: phase 'during': the repeating group 'cnt.add'"))
        #expect(result.stdout.isEmpty)
    }
}
