import Foundation
import QFlowEngine
import QFlowProtocolFile
import Testing

@testable import QFlowBPMN

/// Protocol → BPMN: one user task per item in lanes per role, gateways for `show_if`, a diagram for every element;
/// SpiffWorkflow runs the export and visits the same tasks in the same order as qflow's engine.
@Suite("BPMN export")
struct ExportTests {
    /// Shipped protocols with `show_if` branches (one on a subject fact), exported as they are.
    static let shipped = ["electrosurgical_unit", "preop_visit", "count_discrepancy", "specimen_submission"]

    @Test(arguments: shipped)
    func everyElementHasADiagramShape(id: String) throws {
        let spec = try Support.shipped(id)
        let xml = try BPMNExporter.export(spec)
        let root = try SafeXML.parse(Array(xml.utf8), file: "\(id).bpmn")
        let process = try #require(root.child(named: "process"))
        let tasks = process.children(named: "userTask").compactMap { $0.attributes["id"] }
        #expect(tasks == spec.items.map(\.id))
        let plane = try #require(root.child(named: "BPMNDiagram")?.child(named: "BPMNPlane"))
        let shaped = Set(plane.children(named: "BPMNShape").compactMap { $0.attributes["bpmnElement"] })
        let edged = Set(plane.children(named: "BPMNEdge").compactMap { $0.attributes["bpmnElement"] })
        let flowNodes = process.children.filter {
            ["userTask", "exclusiveGateway", "startEvent", "endEvent", "scriptTask", "boundaryEvent"].contains($0.name)
        }.compactMap { $0.attributes["id"] }
        #expect(Set(flowNodes).isSubset(of: shaped))
        #expect(Set(process.children(named: "sequenceFlow").compactMap { $0.attributes["id"] }) == edged)
        let lanes = process.child(named: "laneSet")?.children(named: "lane") ?? []
        #expect(lanes.count == spec.roles.count)
        // Every flow node sits in exactly one lane.
        let refs = lanes.flatMap { $0.children(named: "flowNodeRef").map(\.text) }
        #expect(refs.sorted() == flowNodes.sorted())
        // Shapes go left to right in flow order.
        let xs = plane.children(named: "BPMNShape").filter { tasks.contains($0.attributes["bpmnElement"] ?? "") }
            .compactMap { $0.child(named: "Bounds")?.attributes["x"].flatMap(Int.init) }
        #expect(xs == xs.sorted() && Set(xs).count == xs.count)
        let gateways = process.children(named: "exclusiveGateway").filter { $0.attributes["default"] != nil }
        #expect(gateways.count == spec.items.filter { $0.showIf != nil }.count)
    }

    @Test func theExportOfAnImportImportsAgainToTheSameChecklist() throws {
        let bytes = try [UInt8](Data(contentsOf: Support.checklist30))
        let first = try BPMNImporter.importBPMN(bytes, file: "checklist30.bpmn").spec
        let xml = try BPMNExporter.export(first)
        let second = try BPMNImporter.importBPMN(Array(xml.utf8), file: "again.bpmn").spec
        #expect(second.items.map(\.id) == first.items.map(\.id))
        for answer in ["yes", "no"] {
            #expect(
                try Support.qflowOrder(second, answers: ["task_12": answer])
                    == Support.qflowOrder(first, answers: ["task_12": answer]))
        }
    }

    @Test func repeatingGroupsAndLaterReadsAreRefusedByName() throws {
        let counts = try Support.shipped("surgical_counts")
        do {
            _ = try BPMNExporter.export(counts)
            Issue.record("a protocol with repeating groups should not export")
        } catch {
            #expect(error.code == .notExportable)
            #expect(error.diagnostics.contains { $0.message.contains("repeating group") })
        }
        var spec = try Support.shipped("preop_visit")
        let last = spec.phases[spec.phases.count - 1].items.count - 1
        spec.phases[spec.phases.count - 1].items[last].showIf = nil
        spec.phases[0].items[0].showIf = try RuleExpression(parsing: "answered(\(spec.items.last!.id))")
        do {
            _ = try BPMNExporter.export(spec)
            Issue.record("a show_if that reads a later item should not export")
        } catch {
            #expect(error.diagnostics.contains { $0.message.contains("come later") })
        }
    }

    @Test(
        "conditions keep qflow's three-valued meaning in Python",
        arguments: [
            ("a == 1", "(a is not None and a == 1)"),
            ("not (f and g)", "((f is False) or (g is False))"),
            (
                "not (x > 2 or s.t in [\"a\"])",
                "((x is not None and x <= 2) and (s__t is not None and s__t not in [\"a\"]))"
            ),
            ("subject.emergency", "(subject__emergency is True)"),
            ("answered(a.b) and a.b + 1 >= 2", "((a__b is not None) and (a__b is not None and (a__b + 1) >= 2))"),
        ])
    func pythonConditions(rule: String, python: String) throws {
        #expect(try PythonCondition.python(RuleExpression(parsing: rule)) == python)
    }
}
