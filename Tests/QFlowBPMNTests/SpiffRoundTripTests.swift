import Foundation
import QFlowEngine
import QFlowProtocolFile
import Testing

@testable import QFlowBPMN

/// The exported BPMN runs in SpiffWorkflow, a real BPMN engine, and with the same answers it completes the same
/// user tasks in the same order as qflow's engine offers and records the items.
@Suite("Spiff round trip")
struct SpiffRoundTripTests {
    /// The venv `make test` prepares (`make pyenv`: SpiffWorkflow from PyPI), or `$QFLOW_PYTHON`.
    static var python: String {
        ProcessInfo.processInfo.environment["QFLOW_PYTHON"]
            ?? Support.root.appendingPathComponent(".build/pyenv/bin/python").path
    }

    struct Case {
        var name: String
        var spec: ProtocolSpec
        var answers: [String: String]
        var subject: [String: Value] = [:]
    }

    /// Runs the cases through Spiff; returns case name → the task ids it completed, in order.
    static func spiff(_ cases: [Case]) throws -> [String: [String]] {
        try #require(
            FileManager.default.isExecutableFile(atPath: python),
            "no Python at \(python): run `make pyenv` (it installs SpiffWorkflow into .build/pyenv)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-spiff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var job: [String: Any] = [:]
        for c in cases {
            let file = folder.appendingPathComponent("\(c.name).bpmn")
            try Data(try BPMNExporter.export(c.spec).utf8).write(to: file)
            var answers: [String: Any] = [:]
            for item in c.spec.items {
                answers[item.id] = [BPMNExporter.variable(item: item.id), try Support.spiffValue(item, c.answers)]
            }
            var subject: [String: Any] = [:]
            for (name, value) in c.subject {
                let json: Any =
                    switch value {
                    case .bool(let b): b
                    case .number(let n): n
                    case .text(let s): s
                    case .time(let d): Timestamp.format(d)
                    case .date(let d): d.description
                    }
                subject[BPMNExporter.variable(subject: name)] = json
            }
            job[c.name] = ["bpmn": file.path, "process": c.spec.id, "answers": answers, "subject": subject]
        }
        let input = folder.appendingPathComponent("job.json")
        try JSONSerialization.data(withJSONObject: job).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            Support.root.appendingPathComponent("Tests/QFlowBPMNTests/spiff_roundtrip.py").path, input.path,
        ]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "spiff_roundtrip.py failed: \(errors)")
        let parsed = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var result: [String: [String]] = [:]
        for (name, value) in parsed {
            guard let order = value as? [String] else {
                Issue.record("Spiff could not run \(name): \(value)")
                continue
            }
            result[name] = order
        }
        return result
    }

    /// Shipped protocols, each with answers that take their branches both ways, and checklist30 imported then
    /// re-exported with and without the infection branch.
    static func cases() throws -> [Case] {
        let checklist = try BPMNImporter.importBPMN(
            [UInt8](Data(contentsOf: Support.checklist30)), file: "checklist30.bpmn"
        ).spec
        let esu = try Support.shipped("electrosurgical_unit")
        let preop = try Support.shipped("preop_visit")
        let discrepancy = try Support.shipped("count_discrepancy")
        let specimen = try Support.shipped("specimen_submission")
        func options(_ spec: ProtocolSpec, _ id: String) -> [String] {
            guard case .choice(let o)? = spec.items.first(where: { $0.id == id })?.type else { return [] }
            return o.map(\.id)
        }
        var out = [
            Case(name: "checklist30_infection", spec: checklist, answers: ["task_12": "yes"]),
            Case(name: "checklist30_plain", spec: checklist, answers: ["task_12": "no"]),
            Case(name: "esu_default", spec: esu, answers: [:]),
            Case(name: "esu_no_monopolar", spec: esu, answers: ["esu.monopolar": "no"]),
            Case(name: "preop_elective", spec: preop, answers: [:], subject: ["emergency": .bool(false)]),
            Case(name: "preop_emergency", spec: preop, answers: [:], subject: ["emergency": .bool(true)]),
            Case(
                name: "discrepancy_found", spec: discrepancy,
                answers: ["disc.found": "yes", "disc.recount_match": "yes"]),
            Case(name: "discrepancy_lost", spec: discrepancy, answers: ["disc.found": "no"]),
            Case(name: "specimen_default", spec: specimen, answers: [:]),
        ]
        for (k, option) in options(esu, "esu.cied").enumerated() {
            out.append(Case(name: "esu_cied_\(k)", spec: esu, answers: ["esu.cied": option, "esu.monopolar": "yes"]))
        }
        for (k, option) in options(discrepancy, "disc.xray").enumerated() {
            out.append(
                Case(
                    name: "discrepancy_xray_\(k)", spec: discrepancy,
                    answers: ["disc.found": "no", "disc.xray": option]))
        }
        for (k, option) in options(specimen, "spc.type").enumerated() {
            out.append(Case(name: "specimen_type_\(k)", spec: specimen, answers: ["spc.type": option]))
        }
        return out
    }

    @Test func spiffVisitsTheSameTasksInTheSameOrderAsQFlow() throws {
        let cases = try Self.cases()
        let spiff = try Self.spiff(cases)
        var branchesTaken: Set<Int> = []
        for c in cases {
            let qflow = try Support.qflowOrder(c.spec, answers: c.answers, subject: SubjectFacts(c.subject))
            #expect(spiff[c.name] == qflow, "\(c.name): Spiff and qflow differ")
            if c.spec.id == "surgical_safety_checklist" { branchesTaken.insert(qflow.count) }
        }
        // The answers do change the path: both checklist30 branches were run.
        #expect(branchesTaken == [30, 33])
    }

    /// Every shipped protocol that exports (all but those with repeating groups), with passing default answers and
    /// default subject facts, and the timed sub-process fixture (its export has a timer boundary event).
    @Test func everyExportableShippedProtocolRunsTheSameInSpiff() throws {
        var cases: [Case] = []
        for id in Support.shippedIds {
            let spec = try Support.shipped(id)
            guard (try? BPMNExporter.export(spec)) != nil else {
                #expect(spec.phases.contains { $0.groups != nil }, "\(id) should export")
                continue
            }
            cases.append(Case(name: id, spec: spec, answers: [:], subject: Support.defaultSubject(spec)))
        }
        let timed = try BPMNImporter.importBPMN(Array(Support.timedBPMN.utf8), file: "timed.bpmn").spec
        #expect(try BPMNExporter.export(timed).contains("<bpmn:boundaryEvent id=\"t2-timer\""))
        cases.append(Case(name: "timed", spec: timed, answers: [:]))
        #expect(cases.count >= 20)
        let spiff = try Self.spiff(cases)
        for c in cases {
            let qflow = try Support.qflowOrder(c.spec, answers: c.answers, subject: SubjectFacts(c.subject))
            #expect(spiff[c.name] == qflow, "\(c.name): Spiff and qflow differ")
        }
    }

    /// The comparison can fail: an export whose gateway reads the opposite condition takes the other branch in
    /// Spiff, and the orders differ.
    @Test func aWrongGatewayIsCaught() throws {
        var spec = try BPMNImporter.importBPMN(
            [UInt8](Data(contentsOf: Support.checklist30)), file: "checklist30.bpmn"
        ).spec
        let original = spec
        for p in spec.phases.indices {
            for i in spec.phases[p].items.indices where spec.phases[p].items[i].showIf != nil {
                spec.phases[p].items[i].showIf = try RuleExpression(parsing: "task_12 == false")
            }
        }
        let spiff = try Self.spiff([Case(name: "flipped", spec: spec, answers: ["task_12": "yes"])])
        let qflow = try Support.qflowOrder(original, answers: ["task_12": "yes"])
        #expect(spiff["flipped"] != nil)
        #expect(spiff["flipped"] != qflow)
        #expect(spiff["flipped"]?.count == 30 && qflow.count == 33)
    }
}
