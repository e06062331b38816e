import QFlowEngine
import QFlowProtocolFile

/// Writes a protocol as BPMN 2.0 XML with diagram interchange, runnable by SpiffWorkflow and readable in bpmn.io
/// and Camunda Modeler.
///
/// One pool with a lane per role; a script task `qflow_init` that declares every answer (`None`); one user task per
/// item in checklist order (documentation = guidance); each `show_if` as an exclusive gateway whose condition flow
/// runs through the item and whose default flow goes round it; an `after` deadline measured from the item just
/// before as a non-interrupting timer boundary event; each phase as a group around its items.
///
/// ```swift
/// let xml = try BPMNExporter.export(spec)
/// ```
public enum BPMNExporter {
    /// Lays out and writes `spec`; refuses (``BPMNError/Code/notExportable``) what has no BPMN mapping.
    public static func export(_ spec: ProtocolSpec) throws(BPMNError) -> String {
        var writer = ExportWriter(spec: spec)
        try writer.check()
        return writer.write()
    }

    /// The Python variable SpiffWorkflow reads for an item's answer (`cn.si.identity` → `cn__si__identity`).
    public static func variable(item id: String) -> String { PythonCondition.variable(item: id) }

    /// The Python variable SpiffWorkflow reads for a subject fact (`infected` → `subject__infected`).
    public static func variable(subject field: String) -> String { PythonCondition.variable(subject: field) }
}

struct ExportWriter {
    let spec: ProtocolSpec
    var problems: [String] = []
    var conditions: [String: String] = [:]  // item id → Python condition

    init(spec: ProtocolSpec) {
        self.spec = spec
    }

    func fail(_ messages: [String]) -> BPMNError {
        BPMNError(
            .notExportable,
            messages.map { Diagnostic(file: spec.reference, line: 1, column: 1, message: $0) })
    }

    mutating func check() throws(BPMNError) {
        var variables: [String: String] = [:]
        var seen: Set<String> = []
        for phase in spec.phases {
            for group in phase.groups ?? [] {
                problems.append("phase '\(phase.id)': the repeating group '\(group.id)' has no BPMN mapping")
            }
            for item in phase.items {
                let v = PythonCondition.variable(item: item.id)
                if let other = variables[v] {
                    problems.append("items '\(other)' and '\(item.id)' would share the Python variable '\(v)'")
                }
                variables[v] = item.id
                if let rule = item.showIf {
                    let later = rule.referencedItems.filter { !seen.contains($0) }
                    if !later.isEmpty {
                        problems.append(
                            "item '\(item.id)': show_if reads \(later.sorted().joined(separator: ", ")), which come "
                                + "later; a BPMN gateway can only read answers given before it")
                    }
                    do {
                        conditions[item.id] = try PythonCondition.python(rule)
                    } catch {
                        problems.append("item '\(item.id)': show_if '\(rule.source)': \(error.message)")
                    }
                }
                seen.insert(item.id)
            }
        }
        if !problems.isEmpty { throw fail(problems) }
    }

    // MARK: Layout

    struct Shape {
        var id: String
        var x: Int
        var y: Int
        var width: Int
        var height: Int
        var isGateway = false
        var isHorizontal = false
    }

    struct Edge {
        var id: String
        var points: [(Int, Int)]
    }

    static let laneHeight = 160
    static let laneLeft = 160
    static let poolLeft = 130
    static let top = 60
    static let gap = 50

    func laneIndex(_ item: ItemSpec) -> Int {
        let role: String? =
            switch item.type {
            case .signature(let signers): signers.first
            default: item.roles.first
            }
        return role.flatMap { r in spec.roles.firstIndex { $0.id == r } } ?? 0
    }

    func laneTop(_ lane: Int) -> Int { Self.top + lane * Self.laneHeight }

    static func xml(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n": out += "&#10;"
            default:
                // XML 1.0 refuses most control characters even as references.
                if c.value < 0x20 && c != "\t" { out += " " } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }

    func write() -> String {
        let pid = spec.id
        var shapes: [Shape] = []
        var edges: [Edge] = []
        var flows: [String] = []
        var nodes: [String] = []
        var laneNodes: [[String]] = spec.roles.map { _ in [] }
        var flowCount = 0
        var x = Self.laneLeft + 50

        func center(_ s: Shape) -> (Int, Int) { (s.x + s.width / 2, s.y + s.height / 2) }

        func place(_ id: String, lane: Int, width: Int, height: Int, gateway: Bool = false) -> Shape {
            let s = Shape(
                id: id, x: x, y: laneTop(lane) + (Self.laneHeight - height) / 2, width: width, height: height,
                isGateway: gateway)
            shapes.append(s)
            laneNodes[lane].append(id)
            x += width + Self.gap
            return s
        }

        func connect(_ a: Shape, _ b: Shape, condition: String? = nil, name: String? = nil, around: Bool = false)
            -> String
        {
            flowCount += 1
            let id = "flow-\(flowCount)"
            var attrs = "id=\"\(id)\" sourceRef=\"\(Self.xml(a.id))\" targetRef=\"\(Self.xml(b.id))\""
            if let name { attrs += " name=\"\(Self.xml(name))\"" }
            if let condition {
                flows.append(
                    "    <bpmn:sequenceFlow \(attrs)>\n"
                        + "      <bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\">"
                        + "\(Self.xml(condition))</bpmn:conditionExpression>\n    </bpmn:sequenceFlow>")
            } else {
                flows.append("    <bpmn:sequenceFlow \(attrs) />")
            }
            let (ax, ay) = (a.x + a.width, a.y + a.height / 2)
            let (bx, by) = (b.x, b.y + b.height / 2)
            if around {
                let over = min(a.y, b.y) - 25
                edges.append(
                    Edge(
                        id: id,
                        points: [
                            (a.x + a.width / 2, a.y), (a.x + a.width / 2, over), (b.x + b.width / 2, over),
                            (b.x + b.width / 2, b.y),
                        ]))
            } else if ay == by {
                edges.append(Edge(id: id, points: [(ax, ay), (bx, by)]))
            } else {
                let mid = ax + (bx - ax) / 2
                edges.append(Edge(id: id, points: [(ax, ay), (mid, ay), (mid, by), (bx, by)]))
            }
            return id
        }

        var incoming: [String: [String]] = [:]
        var outgoing: [String: [String]] = [:]
        func link(_ a: Shape, _ b: Shape, condition: String? = nil, name: String? = nil, around: Bool = false) -> String
        {
            let id = connect(a, b, condition: condition, name: name, around: around)
            outgoing[a.id, default: []].append(id)
            incoming[b.id, default: []].append(id)
            return id
        }

        let items = spec.items
        let firstLane = items.first.map(laneIndex) ?? 0
        let start = place("start-event", lane: firstLane, width: 36, height: 36)
        let initShape = place(BPMNImporter.initScriptId, lane: firstLane, width: 100, height: 80)
        _ = link(start, initShape)
        var previous = initShape
        var previousItem: String?
        var groupRanges: [(phase: PhaseSpec, from: Int, to: Int)] = []
        var timers: [(id: String, task: String, duration: String, shape: Shape)] = []
        var defaults: [String: String] = [:]

        for phase in spec.phases {
            let phaseStart = x - Self.gap / 2
            for item in phase.items {
                let lane = laneIndex(item)
                var joinAfter: Shape?
                if let condition = conditions[item.id] {
                    let split = place("\(item.id)-if", lane: lane, width: 50, height: 50, gateway: true)
                    _ = link(previous, split)
                    let task = place(item.id, lane: lane, width: 100, height: 80)
                    _ = link(split, task, condition: condition, name: "show")
                    let join = place("\(item.id)-join", lane: lane, width: 50, height: 50, gateway: true)
                    _ = link(task, join)
                    defaults[split.id] = link(split, join, name: "hidden", around: true)
                    joinAfter = join
                    previous = task
                } else {
                    let task = place(item.id, lane: lane, width: 100, height: 80)
                    _ = link(previous, task)
                    previous = task
                }
                if let deadline = item.deadline, !deadline.before, case .item(let anchor) = deadline.anchor,
                    anchor == previousItem, item.showIf == nil,
                    spec.items.first(where: { $0.id == anchor })?.showIf == nil
                {
                    let task = previous
                    let timer = Shape(id: "\(item.id)-timer", x: task.x + 20, y: task.y + 62, width: 36, height: 36)
                    timers.append((timer.id, item.id, deadline.offset.text, timer))
                }
                if let join = joinAfter { previous = join }
                previousItem = item.id
            }
            groupRanges.append((phase, phaseStart, x - Self.gap / 2))
        }
        let end = place("end-event", lane: laneIndex(items.last ?? items[0]), width: 36, height: 36)
        _ = link(previous, end)

        // Process elements.
        let byId = Dictionary(items.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        func refs(_ id: String) -> String {
            (incoming[id] ?? []).map { "      <bpmn:incoming>\($0)</bpmn:incoming>\n" }.joined()
                + (outgoing[id] ?? []).map { "      <bpmn:outgoing>\($0)</bpmn:outgoing>\n" }.joined()
        }
        nodes.append(
            "    <bpmn:startEvent id=\"start-event\" name=\"Start\">\n\(refs("start-event"))    </bpmn:startEvent>")
        let declare = items.map { "\(PythonCondition.variable(item: $0.id)) = None" }.joined(separator: "\n")
        nodes.append(
            "    <bpmn:scriptTask id=\"\(BPMNImporter.initScriptId)\" name=\"Declare the answers\" "
                + "scriptFormat=\"python\">\n"
                + refs(BPMNImporter.initScriptId)
                + "      <bpmn:script>\(Self.xml(declare))</bpmn:script>\n    </bpmn:scriptTask>")
        for shape in shapes {
            if shape.isGateway {
                let isSplit = shape.id.hasSuffix("-if")
                let defaultAttr = defaults[shape.id].map { " default=\"\($0)\"" } ?? ""
                let name = isSplit ? " name=\"Shown?\"" : ""
                nodes.append(
                    "    <bpmn:exclusiveGateway id=\"\(Self.xml(shape.id))\"\(name)\(defaultAttr) "
                        + "gatewayDirection=\"\(isSplit ? "Diverging" : "Converging")\">\n"
                        + refs(shape.id) + "    </bpmn:exclusiveGateway>")
            } else if let item = byId[shape.id] {
                var doc: [String] = []
                if let guidance = item.guidance { doc.append(guidance.en) }
                doc.append("\(item.title.zh) (qflow \(item.type.name) item\(item.critical ? ", critical" : ""))")
                if let deadline = item.deadline, !timers.contains(where: { $0.task == item.id }) {
                    let anchor =
                        switch deadline.anchor {
                        case .item(let id): id
                        case .subjectField(let f): "subject.\(f)"
                        }
                    doc.append("Due \(deadline.offset.text) \(deadline.before ? "before" : "after") \(anchor).")
                }
                let documentation = doc.map { "      <bpmn:documentation>\(Self.xml($0))</bpmn:documentation>\n" }
                    .joined()
                nodes.append(
                    "    <bpmn:userTask id=\"\(Self.xml(item.id))\" name=\"\(Self.xml(item.title.en))\">\n"
                        + documentation + refs(item.id) + "    </bpmn:userTask>")
            }
        }
        for timer in timers {
            nodes.append(
                "    <bpmn:boundaryEvent id=\"\(Self.xml(timer.id))\" name=\"\(timer.duration)\" "
                    + "attachedToRef=\"\(Self.xml(timer.task))\" cancelActivity=\"false\">\n"
                    + "      <bpmn:timerEventDefinition id=\"\(Self.xml(timer.id))-definition\">\n"
                    + "        <bpmn:timeDuration xsi:type=\"bpmn:tFormalExpression\">"
                    + "\"\(timer.duration)\"</bpmn:timeDuration>\n"
                    + "      </bpmn:timerEventDefinition>\n    </bpmn:boundaryEvent>")
        }
        nodes.append("    <bpmn:endEvent id=\"end-event\" name=\"Done\">\n\(refs("end-event"))    </bpmn:endEvent>")

        let width = x - Self.laneLeft
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" \
            xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" \
            xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
            id="definitions-\(Self.xml(pid))" targetNamespace="http://bpmn.io/schema/bpmn" exporter="qflow" \
            exporterVersion="1">

            """
        out += "  <bpmn:category id=\"phases\">\n"
        for (phase, _, _) in groupRanges {
            out +=
                "    <bpmn:categoryValue id=\"phase-\(Self.xml(phase.id))\" value=\"\(Self.xml(phase.title.en))\" />\n"
        }
        out += "  </bpmn:category>\n"
        out += "  <bpmn:collaboration id=\"collaboration-\(Self.xml(pid))\">\n"
        out += "    <bpmn:participant id=\"pool-\(Self.xml(pid))\" name=\"\(Self.xml(spec.title.en))\" "
        out += "processRef=\"\(Self.xml(pid))\" />\n"
        out += "  </bpmn:collaboration>\n"
        out += "  <bpmn:process id=\"\(Self.xml(pid))\" name=\"\(Self.xml(spec.title.en))\" isExecutable=\"true\">\n"
        let about = "qflow protocol \(spec.reference) (\(spec.title.zh)); content hash \(spec.contentHash)"
        out += "    <bpmn:documentation>\(Self.xml(about))</bpmn:documentation>\n"
        out += "    <bpmn:laneSet id=\"lanes-\(Self.xml(pid))\">\n"
        for (k, role) in spec.roles.enumerated() {
            out += "      <bpmn:lane id=\"lane-\(Self.xml(role.id))\" name=\"\(Self.xml(role.title.en))\">\n"
            for id in laneNodes[k] { out += "        <bpmn:flowNodeRef>\(Self.xml(id))</bpmn:flowNodeRef>\n" }
            for timer in timers where laneNodes[k].contains(timer.task) {
                out += "        <bpmn:flowNodeRef>\(Self.xml(timer.id))</bpmn:flowNodeRef>\n"
            }
            out += "      </bpmn:lane>\n"
        }
        out += "    </bpmn:laneSet>\n"
        out += nodes.joined(separator: "\n") + "\n"
        out += flows.joined(separator: "\n") + "\n"
        for (phase, _, _) in groupRanges {
            let group = Self.xml(phase.id)
            out += "    <bpmn:group id=\"group-\(group)\" categoryValueRef=\"phase-\(group)\" />\n"
        }
        out += "  </bpmn:process>\n"

        // Diagram.
        out += "  <bpmndi:BPMNDiagram id=\"diagram-\(Self.xml(pid))\">\n"
        out += "    <bpmndi:BPMNPlane id=\"plane-\(Self.xml(pid))\" bpmnElement=\"collaboration-\(Self.xml(pid))\">\n"
        func shape(_ element: String, _ x: Int, _ y: Int, _ w: Int, _ h: Int, _ extra: String = "") -> String {
            "      <bpmndi:BPMNShape id=\"\(Self.xml(element))-di\" bpmnElement=\"\(Self.xml(element))\"\(extra)>\n"
                + "        <dc:Bounds x=\"\(x)\" y=\"\(y)\" width=\"\(w)\" height=\"\(h)\" />\n"
                + "      </bpmndi:BPMNShape>\n"
        }
        let horizontal = " isHorizontal=\"true\""
        let poolHeight = max(1, spec.roles.count) * Self.laneHeight
        out += shape(
            "pool-\(pid)", Self.poolLeft, Self.top, width + Self.laneLeft - Self.poolLeft, poolHeight, horizontal)
        for (k, role) in spec.roles.enumerated() {
            out += shape("lane-\(role.id)", Self.laneLeft, laneTop(k), width, Self.laneHeight, horizontal)
        }
        for s in shapes + timers.map(\.shape) {
            let marker = s.isGateway ? " isMarkerVisible=\"true\"" : ""
            out += shape(s.id, s.x, s.y, s.width, s.height, marker)
        }
        for (phase, from, to) in groupRanges {
            out += shape("group-\(phase.id)", from, Self.top + 5, max(10, to - from), poolHeight - 10)
        }
        for e in edges {
            out += "      <bpmndi:BPMNEdge id=\"\(e.id)-di\" bpmnElement=\"\(e.id)\">\n"
            for (px, py) in e.points { out += "        <di:waypoint x=\"\(px)\" y=\"\(py)\" />\n" }
            out += "      </bpmndi:BPMNEdge>\n"
        }
        out += "    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>\n</bpmn:definitions>\n"
        return out
    }
}
