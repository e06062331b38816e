import Foundation
import QFlowEngine
import QFlowProtocolFile

/// Paths and helpers shared by the BPMN tests.
enum Support {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `Fixtures/checklist30.bpmn`: a copy of the peer benchmark's BPMN file (`../shared/bench/checklist30.bpmn`,
    /// which SpiffWorkflow runs as it is), kept in the repository because CI's clone has no `../shared`.
    static let checklist30 = root.appendingPathComponent("Tests/QFlowBPMNTests/Fixtures/checklist30.bpmn")

    /// Every shipped protocol file's id.
    static var shippedIds: [String] {
        let names =
            (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Protocols").path))
            ?? []
        return names.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// A small process with a sub-process and a timer boundary event (a deadline after the task before).
    static let timedBPMN = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
          <bpmn:process id="Timed" name="Timed steps" isExecutable="true">
            <bpmn:startEvent id="S" />
            <bpmn:subProcess id="Sign_In" name="Sign In">
              <bpmn:startEvent id="S2" />
              <bpmn:userTask id="T1" name="Identity" />
              <bpmn:userTask id="T2" name="Antibiotic given" />
              <bpmn:endEvent id="E2" />
              <bpmn:sequenceFlow id="g1" sourceRef="S2" targetRef="T1" />
              <bpmn:sequenceFlow id="g2" sourceRef="T1" targetRef="T2" />
              <bpmn:sequenceFlow id="g3" sourceRef="T2" targetRef="E2" />
              <bpmn:boundaryEvent id="Timer_1" attachedToRef="T2" cancelActivity="false">
                <bpmn:timerEventDefinition><bpmn:timeDuration>PT60M</bpmn:timeDuration></bpmn:timerEventDefinition>
              </bpmn:boundaryEvent>
            </bpmn:subProcess>
            <bpmn:userTask id="T3" name="Debrief" />
            <bpmn:endEvent id="E" />
            <bpmn:sequenceFlow id="f1" sourceRef="S" targetRef="Sign_In" />
            <bpmn:sequenceFlow id="f2" sourceRef="Sign_In" targetRef="T3" />
            <bpmn:sequenceFlow id="f3" sourceRef="T3" targetRef="E" />
          </bpmn:process>
        </bpmn:definitions>
        """

    /// Default subject facts for a protocol's declared fields (false, 0, empty text; times are left unknown).
    static func defaultSubject(_ spec: ProtocolSpec) -> [String: Value] {
        var out: [String: Value] = [:]
        for field in spec.subjectFields {
            switch field.type {
            case .bool: out[field.name] = .bool(false)
            case .number: out[field.name] = .number(0)
            case .text: out[field.name] = .text("")
            case .time, .date: break
            }
        }
        return out
    }

    /// A shipped protocol, read and validated like every protocol file.
    static func shipped(_ id: String) throws -> ProtocolSpec {
        let result = ProtocolFile.load(path: root.appendingPathComponent("Protocols/\(id).yaml").path)
        guard result.isValid, let spec = result.spec else {
            throw TestFailure("Protocols/\(id).yaml: \(result.diagnostics)")
        }
        return spec
    }

    struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// The answer a test gives an item: `answers[id]` when set, else a passing default for its type.
    static func answer(_ item: ItemSpec, _ answers: [String: String]) -> String {
        if let given = answers[item.id] { return given }
        switch item.type {
        case .check: return "yes"
        case .count: return "0"
        case .number(_, let min, _): return Value.number(min ?? 0).description
        case .time: return "2026-03-01T08:30+08:00"
        case .choice(let options): return options[0].id
        case .text: return "noted"
        case .signature: return ""
        }
    }

    /// The items qflow's engine has the run answer, in order: each time, the first open item of the checklist is
    /// answered (or signed by each signer) with the test's answer, until none is open.
    static func qflowOrder(_ spec: ProtocolSpec, answers: [String: String], subject: SubjectFacts = SubjectFacts())
        throws -> [String]
    {
        let at = Date(timeIntervalSince1970: 1_772_000_000)
        func context(_ role: String) -> CommandContext {
            CommandContext(actor: Actor(id: "u-\(role)", role: role, subject: "s1"), at: at, subject: subject)
        }
        var state = try RunState.fold(
            try Engine.start(spec, runId: "r1", subjectId: "s1", context: context(spec.roles[0].id)))
        var order: [String] = []
        for _ in 0..<(spec.items.count + 1) {
            let sheet = RunSheet(spec: spec, state: state, subject: subject)
            guard let item = spec.items.first(where: { sheet.status(of: $0) == .open }) else { return order }
            var events: [RunEvent] = []
            if case .signature(let signers) = item.type {
                var next = state
                for signer in signers {
                    let more = try Engine.execute(
                        .sign(item: item.id), spec: spec, state: next, context: context(signer))
                    for e in more { try next.apply(e) }
                    events += more
                }
            } else {
                let value = try item.parseAnswer(answer(item, answers))
                let role = item.roles.first ?? spec.roles[0].id
                events = try Engine.execute(
                    .record(item: item.id, value: value), spec: spec, state: state, context: context(role))
            }
            for e in events { try state.apply(e) }
            order.append(item.id)
        }
        throw TestFailure("the run never ran out of open items")
    }

    /// The value SpiffWorkflow's task data holds for an answer (JSON: bool, number or text).
    static func spiffValue(_ item: ItemSpec, _ answers: [String: String]) throws -> Any {
        if case .signature = item.type { return true }
        switch try item.parseAnswer(answer(item, answers)) {
        case .check(let b): return b
        case .count(let n): return n
        case .number(let x): return x
        case .time(let d): return Timestamp.format(d)
        case .choice(let s), .text(let s): return s
        case .notApplicable: return NSNull()
        }
    }
}
