import Foundation
import QFlowEngine
import QFlowProtocolFile
import Testing

@testable import QFlowBPMN

/// BPMN → protocol: the subset maps as documented; what is outside it is refused with the element id and line.
@Suite("BPMN import")
struct ImportTests {
    static func bpmn(_ body: String, lanes: String = "") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" \
        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d">
          <bpmn:process id="Proc_1" name="Small flow" isExecutable="true">
        \(lanes)\(body)
          </bpmn:process>
        </bpmn:definitions>
        """
    }

    static func importing(_ text: String, options: BPMNImporter.Options = .init()) throws(BPMNError) -> BPMNImport {
        try BPMNImporter.importBPMN(Array(text.utf8), file: "t.bpmn", options: options)
    }

    /// The problems of a refused import.
    static func problems(_ text: String) -> [Diagnostic] {
        do {
            _ = try importing(text)
            return []
        } catch {
            return error.diagnostics
        }
    }

    static let linear = """
            <bpmn:startEvent id="S"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
            <bpmn:userTask id="Task_A" name="Check the room">
              <bpmn:documentation>Lights and suction</bpmn:documentation>
            </bpmn:userTask>
            <bpmn:manualTask id="Task_B" name="Sign the log" />
            <bpmn:endEvent id="E" />
            <bpmn:sequenceFlow id="f1" sourceRef="S" targetRef="Task_A" />
            <bpmn:sequenceFlow id="f2" sourceRef="Task_A" targetRef="Task_B" />
            <bpmn:sequenceFlow id="f3" sourceRef="Task_B" targetRef="E" />
        """

    @Test func checklist30ImportsValidatesAndRuns() throws {
        let bytes = try [UInt8](Data(contentsOf: Support.checklist30))
        let result = try BPMNImporter.importBPMN(bytes, file: "checklist30.bpmn")
        let spec = result.spec
        #expect(spec.id == "surgical_safety_checklist")
        #expect(spec.items.count == 33)
        #expect(spec.items.first?.id == "task_01")
        let screened = try #require(spec.items.first { $0.id == "task_12" })
        #expect(screened.passIf?.source == "answered(task_12)")
        let branch = spec.items.filter { $0.showIf != nil }
        #expect(branch.map(\.id) == ["task_x1", "task_x2", "task_x3"])
        #expect(branch.allSatisfy { $0.showIf?.source == "task_12 == true" })
        #expect(spec.validate().isEmpty)
        // The written file reads back as the same protocol through the protocol-file reader.
        let reread = ProtocolFile.load(bytes: Array(result.yaml.utf8), file: "checklist30.yaml")
        #expect(reread.isValid)
        #expect(reread.spec == spec)
        #expect(result.yaml.contains(BPMNImporter.untranslatedMark))
        // It runs: 33 steps with the infection branch, 30 without.
        #expect(try Support.qflowOrder(spec, answers: ["task_12": "yes"]).count == 33)
        let without = try Support.qflowOrder(spec, answers: ["task_12": "no"])
        #expect(without.count == 30 && !without.contains("task_x1"))
    }

    @Test func lanesTasksDocumentationAndTranslations() throws {
        let lanes = """
                <bpmn:laneSet id="ls"><bpmn:lane id="Lane_Nurse" name="Circulating nurse">
                  <bpmn:flowNodeRef>Task_A</bpmn:flowNodeRef><bpmn:flowNodeRef>Task_B</bpmn:flowNodeRef>
                </bpmn:lane></bpmn:laneSet>

            """
        let options = BPMNImporter.Options(
            id: "room_check", kind: .core, subject: "surgical-case",
            translations: [
                "Task_A": BPMNTranslation(title: "检查手术间", guidance: "灯光和吸引器"),
                "Proc_1": .init(title: "小流程"), "Task_Z": .init(title: "多余"),
            ])
        let result = try Self.importing(Self.bpmn(Self.linear, lanes: lanes), options: options)
        let spec = result.spec
        #expect(spec.id == "room_check" && spec.kind == .core && spec.title.zh == "小流程")
        #expect(spec.roles.map(\.id) == ["lane_nurse"])
        #expect(spec.items.map(\.id) == ["task_a", "task_b"])
        #expect(spec.items[0].title == LocalizedText(zh: "检查手术间", en: "Check the room"))
        #expect(spec.items[0].guidance == LocalizedText(zh: "灯光和吸引器", en: "Lights and suction"))
        #expect(spec.items[0].roles == ["lane_nurse"])
        #expect(spec.items[1].title.zh == BPMNImporter.untranslatedMark + "Sign the log")
        #expect(result.untranslated == ["Lane_Nurse", "Task_B"])
        #expect(result.unusedTranslations == ["Task_Z"])
    }

    @Test func subProcessesArePhasesAndTimersAreDeadlines() throws {
        let spec = try Self.importing(Support.timedBPMN).spec
        #expect(spec.phases.map(\.id) == ["sign_in", "steps"])
        #expect(spec.phases[0].title.en == "Sign In")
        #expect(spec.phases[0].items.map(\.id) == ["t1", "t2"])
        let deadline = try #require(spec.items[1].deadline)
        #expect(deadline.anchor == .item("t1") && deadline.offset.seconds == 3600 && !deadline.before)
    }

    static let choiceGateway = """
            <bpmn:startEvent id="S" />
            <bpmn:userTask id="Ask" name="Which specimen?" />
            <bpmn:exclusiveGateway id="G" default="fd" />
            <bpmn:userTask id="Fix" name="Fix in formalin" />
            <bpmn:userTask id="Fresh" name="Send fresh" />
            <bpmn:exclusiveGateway id="J" />
            <bpmn:endEvent id="E" />
            <bpmn:sequenceFlow id="f1" sourceRef="S" targetRef="Ask" />
            <bpmn:sequenceFlow id="f2" sourceRef="Ask" targetRef="G" />
            <bpmn:sequenceFlow id="fa" sourceRef="G" targetRef="Fix">
              <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">kind == 'formalin'</bpmn:conditionExpression>
            </bpmn:sequenceFlow>
            <bpmn:sequenceFlow id="fb" sourceRef="G" targetRef="Fresh">
              <bpmn:conditionExpression>${kind == "fresh" &amp;&amp; true}</bpmn:conditionExpression>
            </bpmn:sequenceFlow>
            <bpmn:sequenceFlow id="fd" sourceRef="G" targetRef="J" />
            <bpmn:sequenceFlow id="f5" sourceRef="Fix" targetRef="J" />
            <bpmn:sequenceFlow id="f6" sourceRef="Fresh" targetRef="J" />
            <bpmn:sequenceFlow id="f7" sourceRef="J" targetRef="E" />
        """

    @Test func gatewayConditionsBecomeShowIfAndTheDeciderAChoice() throws {
        let spec = try Self.importing(Self.bpmn(Self.choiceGateway)).spec
        let ask = try #require(spec.items.first)
        guard case .choice(let options) = ask.type else {
            Issue.record("the deciding task should be a choice, is \(ask.type.name)")
            return
        }
        #expect(options.map(\.id) == ["formalin", "fresh"])
        #expect(spec.items[1].showIf?.source == #"ask == "formalin""#)
        #expect(spec.items[2].showIf?.source == #"ask == "fresh" and true"#)
        #expect(try Support.qflowOrder(spec, answers: ["ask": "fresh"]) == ["ask", "fresh"])
        #expect(try Support.qflowOrder(spec, answers: ["ask": "formalin"]) == ["ask", "fix"])
    }

    @Test(
        "elements outside the subset are refused with their id and line",
        arguments: [
            (#"<bpmn:parallelGateway id="PG" />"#, "parallelGateway 'PG'"),
            (#"<bpmn:scriptTask id="Sc"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>"#, "scriptTask 'Sc'"),
            (#"<bpmn:eventBasedGateway id="EG" />"#, "eventBasedGateway 'EG'"),
            (#"<bpmn:serviceTask id="Svc" />"#, "serviceTask 'Svc'"),
            (
                #"<bpmn:intermediateCatchEvent id="M"><bpmn:messageEventDefinition /></bpmn:intermediateCatchEvent>"#,
                "intermediateCatchEvent 'M'"
            ),
        ])
    func outsideTheSubsetIsRefused(element: String, named: String) throws {
        let text = Self.bpmn(Self.linear + "\n    " + element)
        let problems = Self.problems(text)
        let problem = try #require(problems.first { $0.message.contains(named) })
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(element) }
        #expect(problem.line == (line ?? -1) + 1)
        #expect(problem.message.contains("outside the supported BPMN subset"))
    }

    @Test func messageFlowsAreRefused() throws {
        let text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
              <bpmn:collaboration id="C">
                <bpmn:participant id="P1" processRef="Proc_1" />
                <bpmn:messageFlow id="MF" sourceRef="P1" targetRef="P1" />
              </bpmn:collaboration>
              <bpmn:process id="Proc_1">\(Self.linear)</bpmn:process>
            </bpmn:definitions>
            """
        let problem = try #require(Self.problems(text).first)
        #expect(problem.line == 5 && problem.message.contains("messageFlow 'MF'"))
    }

    @Test(
        "conditions outside the expression subset are refused with the flow",
        arguments: ["len(kind) > 2", "kind.upper() == 'X'", "kind ** 2 > 1", "1 < kind < 3", "kind[0] == 'f'"])
    func conditionsOutsideTheSubsetAreRefused(condition: String) throws {
        let text = Self.bpmn(
            Self.choiceGateway.replacingOccurrences(of: "kind == 'formalin'", with: condition))
        let problems = Self.problems(text)
        #expect(!problems.isEmpty)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let line = (lines.firstIndex { $0.contains("<bpmn:conditionExpression xsi:type") } ?? -1) + 1
        #expect(problems.contains { $0.line == line }, "\(problems)")
    }

    @Test func aConditionCannotReadATaskAfterItsGateway() throws {
        let text = Self.bpmn(Self.choiceGateway.replacingOccurrences(of: "kind == 'formalin'", with: "Fresh == True"))
        let problems = Self.problems(text)
        #expect(
            problems.contains { $0.message.contains("'Fresh', which is answered after the gateway") }, "\(problems)")
    }

    @Test func loopsAndUnjoinedBranchesAreRefused() throws {
        let loop = Self.linear.replacingOccurrences(
            of: #"targetRef="E" />"#, with: #"targetRef="Task_A" />"#)
        #expect(Self.problems(Self.bpmn(loop)).contains { $0.message.contains("loops") })
        let twoWays = Self.linear + #"<bpmn:sequenceFlow id="f9" sourceRef="Task_A" targetRef="E" />"#
        #expect(Self.problems(Self.bpmn(twoWays)).contains { $0.message.contains("2 outgoing flows") })
    }

    @Test func aTimerOnTheFirstTaskIsRefused() throws {
        let body =
            Self.linear + """
                <bpmn:boundaryEvent id="Tm" attachedToRef="Task_A"><bpmn:timerEventDefinition>\
                <bpmn:timeDuration>PT5M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
                """
        let problem = try #require(Self.problems(Self.bpmn(body)).first)
        #expect(problem.message.contains("boundaryEvent 'Tm'") && problem.message.contains("just before"))
    }

    @Test func translationSideFileIsRead() throws {
        let yaml = "Task_A: 检查手术间\nTask_B: { title: 签名, guidance: 两人 }\n"
        let map = try BPMNImporter.readTranslations(Array(yaml.utf8), file: "t.zh.yaml")
        #expect(map["Task_A"]?.title == "检查手术间")
        #expect(map["Task_B"] == BPMNTranslation(title: "签名", guidance: "两人"))
        do {
            _ = try BPMNImporter.readTranslations(Array("Task_A: { titel: x }\n".utf8), file: "t.zh.yaml")
            Issue.record("an unknown field should be refused")
        } catch {
            #expect(error.diagnostics.first?.line == 1)
        }
    }
}
