import Foundation
import QFlowEngine
import QFlowProtocolFile

/// The outcome of importing a BPMN file: the protocol, its YAML text, and the texts still waiting for Chinese.
public struct BPMNImport: Sendable {
    /// The protocol definition (already validated).
    public var spec: ProtocolSpec
    /// The protocol file's text, in the format of `Protocols/README.md`.
    public var yaml: String
    /// The BPMN ids (with `/guidance` for a documentation text) whose Chinese text is the marked English.
    public var untranslated: [String]
    /// The translation ids that name no process, lane, sub-process or task of the file (a typo, or an old file).
    public var unusedTranslations: [String] = []
}

/// Chinese texts for an import, by BPMN element id (read from the side file `FILE.zh.yaml`).
public struct BPMNTranslation: Sendable, Hashable {
    /// The element's name in Chinese.
    public var title: String?
    /// The element's documentation in Chinese.
    public var guidance: String?

    /// Creates a translation.
    public init(title: String? = nil, guidance: String? = nil) {
        self.title = title
        self.guidance = guidance
    }
}

/// Imports a documented subset of BPMN 2.0 as a protocol (see `Protocols/BPMN.md`).
///
/// ```swift
/// let result = try BPMNImporter.importBPMN(bytes, file: "checklist.bpmn")
/// try result.yaml.write(toFile: "checklist.yaml", atomically: true, encoding: .utf8)
/// ```
///
/// Process → protocol; lanes → roles; `userTask`, `manualTask` and `task` → items (documentation → guidance);
/// `subProcess` → phase; an exclusive gateway's conditions → `show_if` of the items on each branch; a timer
/// boundary event with a duration → a deadline after the task before it. Anything else is refused with its element
/// id and line, never dropped.
public enum BPMNImporter {
    /// The BPMN 2.0 model namespace.
    public static let modelNamespace = "http://www.omg.org/spec/BPMN/20100524/MODEL"
    /// The prefix put before an English text standing in for a missing Chinese one.
    public static let untranslatedMark = "【待译】"
    /// The id of the script task qflow's export puts first to declare every answer (recognised, not an item).
    public static let initScriptId = "qflow_init"

    /// What to call the imported protocol.
    public struct Options: Sendable {
        /// The protocol id (default: the process id, sanitised).
        public var id: String?
        /// The protocol kind.
        public var kind: ProtocolKind
        /// What a run is about.
        public var subject: String
        /// Chinese texts by element id.
        public var translations: [String: BPMNTranslation]

        /// Creates options.
        public init(
            id: String? = nil, kind: ProtocolKind = .other, subject: String = "case",
            translations: [String: BPMNTranslation] = [:]
        ) {
            self.id = id
            self.kind = kind
            self.subject = subject
            self.translations = translations
        }
    }

    /// Reads, checks and translates a BPMN document; every problem is located by line and column.
    public static func importBPMN(
        _ bytes: [UInt8], file: String, options: Options = Options()
    ) throws(BPMNError) -> BPMNImport {
        let root = try SafeXML.parse(bytes, file: file)
        var session = ImportSession(file: file, options: options)
        return try session.run(root)
    }
}

/// One import: the walk over the process graph, collecting items and problems.
struct ImportSession {
    let file: String
    let options: BPMNImporter.Options
    var problems: [Diagnostic] = []

    init(file: String, options: BPMNImporter.Options) {
        self.file = file
        self.options = options
    }

    mutating func problem(_ node: XMLElementNode?, _ message: String) {
        let diagnostic = Diagnostic(file: file, line: node?.line ?? 1, column: node?.column ?? 1, message: message)
        if !problems.contains(diagnostic) { problems.append(diagnostic) }
    }

    static func describe(_ node: XMLElementNode) -> String {
        "\(node.name)\(node.attributes["id"].map { " '\($0)'" } ?? "")"
    }

    // MARK: Subset check

    static let flowNodes: Set<String> = [
        "startEvent", "endEvent", "userTask", "manualTask", "task", "exclusiveGateway", "subProcess",
    ]
    static let taskNames: Set<String> = ["userTask", "manualTask", "task"]

    /// Refuses every element outside the subset, with its id and line.
    mutating func checkSubset(_ node: XMLElementNode, in parent: String) {
        let allowed: Set<String>
        switch parent {
        case "definitions":
            allowed = ["process", "collaboration", "BPMNDiagram", "category", "extensionElements", "documentation"]
        case "collaboration": allowed = ["participant", "documentation", "extensionElements"]
        case "process", "subProcess":
            allowed = Self.flowNodes.union([
                "sequenceFlow", "boundaryEvent", "laneSet", "documentation", "extensionElements", "textAnnotation",
                "association", "group", "scriptTask",
            ])
        case "startEvent", "endEvent", "userTask", "manualTask", "task", "exclusiveGateway":
            allowed = ["incoming", "outgoing", "documentation", "extensionElements"]
        case "sequenceFlow": allowed = ["conditionExpression", "documentation", "extensionElements"]
        case "boundaryEvent": allowed = ["timerEventDefinition", "documentation", "extensionElements", "outgoing"]
        case "timerEventDefinition": allowed = ["timeDuration", "documentation"]
        case "laneSet", "childLaneSet": allowed = ["lane"]
        case "lane": allowed = ["flowNodeRef", "childLaneSet", "documentation", "extensionElements"]
        case "textAnnotation": allowed = ["text"]
        case "category": allowed = ["categoryValue"]
        case "participant": allowed = ["documentation", "extensionElements"]
        case "scriptTask": allowed = ["incoming", "outgoing", "script", "documentation", "extensionElements"]
        default: allowed = []
        }
        for child in node.children {
            // Tool metadata and the diagram carry no process semantics.
            if ["extensionElements", "BPMNDiagram"].contains(child.name) { continue }
            guard child.namespace == BPMNImporter.modelNamespace else {
                problem(child, "element \(Self.describe(child)) is not BPMN 2.0 (namespace '\(child.namespace)')")
                continue
            }
            guard allowed.contains(child.name) else {
                problem(
                    child, "\(Self.describe(child)) is outside the supported BPMN subset (\(Self.hint(child.name)))")
                continue
            }
            if child.name == "scriptTask", !Self.isInitScript(child) {
                problem(child, "\(Self.describe(child)) is outside the supported BPMN subset (scripts are not run)")
                continue
            }
            if child.name == "subProcess", child.attributes["triggeredByEvent"] == "true" {
                problem(child, "\(Self.describe(child)): event sub-processes are outside the supported subset")
                continue
            }
            if child.name == "boundaryEvent", child.child(named: "outgoing") != nil {
                problem(
                    child,
                    "\(Self.describe(child)): a timer with an outgoing flow (an escalation path) is outside the subset")
                continue
            }
            checkSubset(child, in: child.name)
        }
    }

    static func hint(_ name: String) -> String {
        switch name {
        case "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway":
            "only exclusive gateways are supported: qflow's items are answered in one order"
        case "messageFlow", "message": "messages are not supported"
        case "scriptTask", "script", "serviceTask", "businessRuleTask", "sendTask", "receiveTask":
            "qflow runs no code"
        case "multiInstanceLoopCharacteristics", "standardLoopCharacteristics": "loops are not supported"
        default: "see Protocols/BPMN.md for what maps"
        }
    }

    /// Whether a script task is qflow's own answer declaration (`name = None` lines only).
    static func isInitScript(_ node: XMLElementNode) -> Bool {
        guard node.attributes["id"] == BPMNImporter.initScriptId, let script = node.child(named: "script") else {
            return false
        }
        return script.text.split(whereSeparator: \.isNewline).allSatisfy { line in
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            return parts.count == 2 && parts[1] == "None" && !parts[0].isEmpty
                && parts[0].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        }
    }

    // MARK: Graph

    struct Flow {
        var element: XMLElementNode
        var id: String
        var source: String
        var target: String
    }

    struct Graph {
        var container: XMLElementNode
        var nodes: [String: XMLElementNode] = [:]
        var outgoing: [String: [Flow]] = [:]
        var incoming: [String: [Flow]] = [:]
        var starts: [XMLElementNode] = []
    }

    func graph(of container: XMLElementNode) -> Graph {
        var g = Graph(container: container)
        for child in container.children {
            guard let id = child.attributes["id"] else { continue }
            if Self.flowNodes.contains(child.name) || child.name == "scriptTask" { g.nodes[id] = child }
            if child.name == "startEvent" { g.starts.append(child) }
            if child.name == "sequenceFlow", let s = child.attributes["sourceRef"],
                let t = child.attributes["targetRef"]
            {
                let flow = Flow(element: child, id: id, source: s, target: t)
                g.outgoing[s, default: []].append(flow)
                g.incoming[t, default: []].append(flow)
            }
        }
        return g
    }

    // MARK: Walk

    /// A condition on a branch: a flow's expression, or the default flow (none of the others).
    indirect enum Condition {
        /// `before`: how many items precede the gateway (a condition may read only those).
        case flow(ConditionTranslator, XMLElementNode, decider: String?, before: Int)
        case none([Condition])
    }

    struct PendingItem {
        var element: XMLElementNode
        var id: String
        var conditions: [Condition]
        var phase: Int
        var deadline: (ISODuration, String)?
    }

    struct PendingPhase {
        var id: String
        var title: LocalizedText
    }

    var items: [PendingItem] = []
    var phases: [PendingPhase] = []
    var currentPhase: Int?
    var itemIds: [String: String] = [:]
    var usedIds: Set<String> = []
    var visited: Set<String> = []
    var boundaries: [String: [XMLElementNode]] = [:]
    var processTitle = LocalizedText(zh: "", en: "")
    var untranslated: [String] = []
    var laneIds: [String] = []
    var phaseElements: [String] = []

    /// A sanitised, unique item id for an element id (lower-case names joined by '.').
    mutating func itemId(for elementId: String) -> String {
        if let id = itemIds[elementId] { return id }
        let base = Self.sanitiseItemId(elementId)
        var id = base
        var n = 2
        while usedIds.contains(id) {
            id = "\(base.prefix(60))_\(n)"
            n += 1
        }
        usedIds.insert(id)
        itemIds[elementId] = id
        return id
    }

    static func sanitisePart(_ text: String) -> String {
        var out = ""
        for c in text.lowercased() {
            if c.isASCII, c.isLetter || c.isNumber || c == "_" {
                out.append(c)
            } else if out.last != "_" {
                out.append("_")
            }
        }
        while out.hasSuffix("_"), out.count > 1 { out.removeLast() }
        if out.isEmpty || !(out.first!.isASCII && out.first!.isLetter) { out = "x" + out }
        return String(out.prefix(64))
    }

    static func sanitiseItemId(_ text: String) -> String {
        var parts = text.split(separator: ".", omittingEmptySubsequences: true).map { sanitisePart(String($0)) }
        if parts.isEmpty { parts = ["x"] }
        if parts[0] == "subject" { parts[0] = "x_subject" }
        let joined = parts.joined(separator: ".")
        return joined.count <= 64 ? joined : sanitisePart(text)
    }

    func localized(_ elementId: String, en: String, guidance: Bool = false) -> (LocalizedText, Bool) {
        let t = options.translations[elementId]
        if let zh = guidance ? t?.guidance : t?.title, !zh.trimmingCharacters(in: .whitespaces).isEmpty {
            return (LocalizedText(zh: zh, en: en), true)
        }
        return (LocalizedText(zh: BPMNImporter.untranslatedMark + en, en: en), false)
    }

    static func name(of node: XMLElementNode) -> String {
        let raw = node.attributes["name"] ?? ""
        let flat = raw.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return flat.isEmpty ? (node.attributes["id"] ?? node.name) : flat
    }

    mutating func beginPhase(id elementId: String?, title: String) {
        let base = elementId.map { Self.sanitisePart($0.replacingOccurrences(of: ".", with: "_")) } ?? "steps"
        var id = base
        var n = 2
        while phases.contains(where: { $0.id == id }) {
            id = "\(base)_\(n)"
            n += 1
        }
        var text = processTitle
        if let elementId {
            let (t, done) = localized(elementId, en: title)
            if !done { untranslated.append(elementId) }
            text = t
        }
        phases.append(PendingPhase(id: id, title: text))
        currentPhase = phases.count - 1
    }

    mutating func single(_ g: Graph, _ node: XMLElementNode) -> String? {
        let id = node.attributes["id"] ?? ""
        let out = g.outgoing[id] ?? []
        guard out.count == 1 else {
            problem(
                node,
                out.isEmpty
                    ? "\(Self.describe(node)) has no outgoing sequence flow"
                    : "\(Self.describe(node)) has \(out.count) outgoing flows; branch with an exclusive gateway")
            return nil
        }
        if out[0].element.child(named: "conditionExpression") != nil {
            problem(out[0].element, "sequenceFlow '\(out[0].id)': conditions belong on an exclusive gateway's flows")
        }
        return out[0].target
    }

    /// Walks from `start` until an end event (returns nil) or, in a branch, the joining gateway (returns its id).
    mutating func walk(_ g: Graph, from start: String, conditions: [Condition], inBranch: Bool, nested: Bool)
        -> String?
    {
        var current = start
        while true {
            guard let node = g.nodes[current] else {
                problem(g.container, "a sequence flow leads to '\(current)', which is not a flow node of this process")
                return nil
            }
            let ins = g.incoming[current]?.count ?? 0
            if node.name == "exclusiveGateway", ins > 1, inBranch { return current }
            guard visited.insert(current).inserted else {
                problem(node, "\(Self.describe(node)) is reached twice: loops are outside the supported subset")
                return nil
            }
            var next: String?
            switch node.name {
            case "startEvent":
                next = single(g, node)
            case "endEvent":
                if inBranch {
                    problem(node, "\(Self.describe(node)): a branch must join the others at an exclusive gateway")
                }
                return nil
            case "scriptTask":
                next = single(g, node)
            case "userTask", "manualTask", "task":
                if currentPhase == nil { beginPhase(id: nil, title: processTitle.en) }
                let id = itemId(for: current)
                var deadline: (ISODuration, String)?
                for event in boundaries[current] ?? [] {
                    deadline = timer(event, task: node, graph: g)
                }
                items.append(
                    PendingItem(element: node, id: id, conditions: conditions, phase: currentPhase!, deadline: deadline)
                )
                next = single(g, node)
            case "subProcess":
                if nested {
                    problem(node, "\(Self.describe(node)): a sub-process inside a sub-process is outside the subset")
                    return nil
                }
                beginPhase(id: current, title: Self.name(of: node))
                phaseElements.append(current)
                let inner = graph(of: node)
                collectBoundaries(node)
                if inner.starts.count != 1 {
                    problem(node, "\(Self.describe(node)) needs exactly one start event, not \(inner.starts.count)")
                } else if let s = inner.starts[0].attributes["id"] {
                    _ = walk(inner, from: s, conditions: conditions, inBranch: false, nested: true)
                }
                currentPhase = nil
                next = single(g, node)
            case "exclusiveGateway":
                let out = g.outgoing[current] ?? []
                if ins > 1 {
                    problem(node, "\(Self.describe(node)) joins flows that no gateway split")
                    return nil
                }
                if out.count <= 1 {
                    next = single(g, node)
                    break
                }
                next = split(g, node, out, conditions: conditions, nested: nested)
            default:
                problem(node, "\(Self.describe(node)) is outside the supported BPMN subset")
                return nil
            }
            guard let following = next else { return nil }
            current = following
        }
    }

    /// Walks each branch of a split; returns the node after the joining gateway.
    mutating func split(
        _ g: Graph, _ node: XMLElementNode, _ out: [Flow], conditions: [Condition], nested: Bool
    ) -> String? {
        let id = node.attributes["id"] ?? ""
        let before = g.incoming[id]?.first.flatMap { g.nodes[$0.source] }
        let decider = before.flatMap { Self.taskNames.contains($0.name) ? $0.attributes["id"] : nil }.map {
            itemId(for: $0)
        }
        var explicit: [Condition] = []
        var defaultFlow: Flow?
        var branches: [(Flow, Condition?)] = []
        for flow in out {
            if let expression = flow.element.child(named: "conditionExpression") {
                do {
                    let translator = try ConditionTranslator(expression.text)
                    let c = Condition.flow(translator, expression, decider: decider, before: items.count)
                    explicit.append(c)
                    branches.append((flow, c))
                } catch {
                    problem(
                        expression,
                        "sequenceFlow '\(flow.id)': condition refused: \(error.message) "
                            + "(at character \(error.offset + 1))"
                    )
                    branches.append((flow, nil))
                }
            } else if node.attributes["default"] == flow.id || defaultFlow == nil {
                if defaultFlow != nil {
                    problem(flow.element, "sequenceFlow '\(flow.id)' from \(Self.describe(node)) has no condition")
                }
                defaultFlow = flow
                branches.append((flow, nil))
            } else {
                problem(flow.element, "sequenceFlow '\(flow.id)' from \(Self.describe(node)) has no condition")
            }
        }
        var joins: Set<String> = []
        var joinOrder: [String] = []
        for (flow, condition) in branches {
            let c = condition ?? (flow.id == defaultFlow?.id ? Condition.none(explicit) : nil)
            guard let c else { continue }
            if let join = walk(g, from: flow.target, conditions: conditions + [c], inBranch: true, nested: nested) {
                if joins.insert(join).inserted { joinOrder.append(join) }
            } else {
                return nil
            }
        }
        guard joinOrder.count == 1, let join = joinOrder.first, let joinNode = g.nodes[join] else {
            problem(node, "the branches of \(Self.describe(node)) must join again at one exclusive gateway")
            return nil
        }
        visited.insert(join)
        if (g.outgoing[join]?.count ?? 0) > 1 {
            problem(
                joinNode, "\(Self.describe(joinNode)) both joins and splits; give the next decision its own gateway")
            return nil
        }
        return single(g, joinNode)
    }

    mutating func collectBoundaries(_ container: XMLElementNode) {
        for child in container.children(named: "boundaryEvent") {
            guard let task = child.attributes["attachedToRef"] else {
                problem(child, "\(Self.describe(child)) is attached to nothing")
                continue
            }
            boundaries[task, default: []].append(child)
        }
    }

    /// A deadline from a timer boundary event: its duration after the task before the timed one.
    mutating func timer(_ event: XMLElementNode, task: XMLElementNode, graph g: Graph) -> (ISODuration, String)? {
        guard let definition = event.child(named: "timerEventDefinition") else {
            problem(event, "\(Self.describe(event)): only timer boundary events are supported")
            return nil
        }
        guard let duration = definition.child(named: "timeDuration") else {
            problem(
                definition, "\(Self.describe(event)): only a timer with a duration (timeDuration) maps to a deadline")
            return nil
        }
        var text = duration.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count >= 2, let q = text.first, q == "\"" || q == "'", text.last == q {
            text = String(text.dropFirst().dropLast())
        }
        let parsed: ISODuration
        do {
            parsed = try ISODuration(parsing: text)
        } catch {
            problem(duration, "\(Self.describe(event)): \(error.message)")
            return nil
        }
        let taskId = task.attributes["id"] ?? ""
        let into = g.incoming[taskId] ?? []
        guard into.count == 1, let before = g.nodes[into[0].source], Self.taskNames.contains(before.name),
            let beforeId = before.attributes["id"]
        else {
            problem(
                event,
                "\(Self.describe(event)): a deadline is measured from the task just before '\(taskId)', and it has none"
            )
            return nil
        }
        return (parsed, itemId(for: beforeId))
    }

    // MARK: Run

    mutating func run(_ root: XMLElementNode) throws(BPMNError) -> BPMNImport {
        guard root.name == "definitions", root.namespace == BPMNImporter.modelNamespace else {
            throw BPMNError(
                .unsupported, file: file, line: root.line, column: root.column,
                "the root element must be BPMN 2.0 'definitions', not '\(root.name)'")
        }
        checkSubset(root, in: "definitions")
        let processes = root.children(named: "process")
        guard processes.count == 1, let process = processes.first else {
            problem(root, "a BPMN file for qflow holds exactly one process, not \(processes.count)")
            throw BPMNError(.unsupported, problems)
        }
        guard problems.isEmpty else { throw BPMNError(.unsupported, problems) }
        let processId = process.attributes["id"] ?? "process"
        let participantName = root.child(named: "collaboration")?.children(named: "participant")
            .first { $0.attributes["processRef"] == processId }?.attributes["name"]
        let titleText = process.attributes["name"] ?? participantName ?? processId
        let (title, titled) = localized(processId, en: titleText)
        if !titled { untranslated.append(processId) }
        processTitle = title

        // Lanes → roles.
        var roles: [RoleSpec] = []
        var laneOf: [String: String] = [:]
        func lanes(_ set: XMLElementNode) {
            for lane in set.children(named: "lane") {
                let laneId = lane.attributes["id"] ?? "lane"
                laneIds.append(laneId)
                // qflow's own export names a role's lane `lane-ROLE`.
                let bare = laneId.hasPrefix("lane-") ? String(laneId.dropFirst(5)) : laneId
                let roleId = Self.sanitisePart(bare.replacingOccurrences(of: ".", with: "_"))
                if !roles.contains(where: { $0.id == roleId }) {
                    let (t, done) = localized(laneId, en: Self.name(of: lane))
                    if !done { untranslated.append(laneId) }
                    roles.append(RoleSpec(id: roleId, title: t))
                }
                for ref in lane.children(named: "flowNodeRef") {
                    laneOf[ref.text.trimmingCharacters(in: .whitespacesAndNewlines)] = roleId
                }
                if let child = lane.child(named: "childLaneSet") { lanes(child) }
            }
        }
        for set in process.children(named: "laneSet") { lanes(set) }
        if roles.isEmpty {
            roles = [RoleSpec(id: "participant", title: LocalizedText(zh: "参与者", en: "Participant"))]
        }

        let g = graph(of: process)
        collectBoundaries(process)
        if g.starts.count != 1 {
            problem(process, "process '\(processId)' needs exactly one start event, not \(g.starts.count)")
        } else if let s = g.starts[0].attributes["id"] {
            _ = walk(g, from: s, conditions: [], inBranch: false, nested: false)
        }
        for (taskId, events) in boundaries where !visited.contains(taskId) {
            for event in events {
                problem(event, "\(Self.describe(event)) is attached to '\(taskId)', which is not a task on the flow")
            }
        }
        for (id, node) in g.nodes where !visited.contains(id) {
            problem(node, "\(Self.describe(node)) is not reached from the start event")
        }
        guard problems.isEmpty else { throw BPMNError(.unsupported, problems.sorted()) }
        return try build(
            processId: processId, title: title, roles: roles, laneOf: laneOf, subProcessOf: subProcesses(process))
    }

    func subProcesses(_ process: XMLElementNode) -> [String: String] {
        var out: [String: String] = [:]
        for sub in process.children(named: "subProcess") {
            guard let sid = sub.attributes["id"] else { continue }
            for child in sub.children { if let id = child.attributes["id"] { out[id] = sid } }
        }
        return out
    }

    // MARK: Build

    mutating func build(
        processId: String, title: LocalizedText, roles: [RoleSpec], laneOf: [String: String],
        subProcessOf: [String: String]
    ) throws(BPMNError) -> BPMNImport {
        // Bind every name a condition reads to an item (or a subject field), and learn the item's type from what it is
        // compared with.
        var itemByElement: [String: String] = [:]
        for item in items { itemByElement[item.element.attributes["id"] ?? ""] = item.id }
        let itemSet = Set(items.map(\.id))
        let itemIndex = Dictionary(items.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var bound: [String: String] = [:]  // condition name → item id or subject.x
        var boundBy: [String: String] = [:]  // decider item → condition name
        var kinds: [String: ConditionTranslator.Reference] = [:]  // item id or subject.x → reference
        func bind(_ c: Condition) {
            switch c {
            case .none(let list): list.forEach(bind)
            case .flow(let translator, let element, let decider, let before):
                let refs: [ConditionTranslator.Reference]
                do { refs = try translator.references() } catch {
                    problem(element, "condition refused: \(error.message) (at character \(error.offset + 1))")
                    return
                }
                for ref in refs {
                    let target: String
                    if let b = bound[ref.name] {
                        target = b
                    } else if let id = itemByElement[ref.name] {
                        target = id
                    } else if itemSet.contains(ref.name.replacingOccurrences(of: "__", with: ".")) {
                        target = ref.name.replacingOccurrences(of: "__", with: ".")
                    } else if ref.name.hasPrefix("subject__"),
                        ProtocolSpec.isValidIdentifier(String(ref.name.dropFirst(9)))
                    {
                        target = "subject." + ref.name.dropFirst(9)
                    } else if let decider, boundBy[decider] == nil, !kinds.keys.contains(decider) {
                        target = decider
                        boundBy[decider] = ref.name
                    } else {
                        problem(
                            element,
                            "condition reads '\(ref.name)', which is neither a task id nor the answer of the task just "
                                + "before the gateway (each such task answers one variable)")
                        continue
                    }
                    if let index = itemIndex[target], index >= before {
                        problem(
                            element,
                            "condition reads '\(ref.name)', which is answered after the gateway; a gateway can only "
                                + "read the answers of tasks before it")
                        continue
                    }
                    bound[ref.name] = target
                    var merged = kinds[target] ?? ConditionTranslator.Reference(name: ref.name, kind: nil, texts: [])
                    if let k = ref.kind {
                        if let old = merged.kind, old != k {
                            problem(element, "'\(ref.name)' is compared with values of different types")
                        }
                        merged.kind = k
                    }
                    for t in ref.texts where !merged.texts.contains(t) { merged.texts.append(t) }
                    kinds[target] = merged
                }
            }
        }
        for item in items { item.conditions.forEach(bind) }
        guard problems.isEmpty else { throw BPMNError(.unsupported, problems.sorted()) }

        func render(_ c: Condition) -> String? {
            switch c {
            case .flow(let translator, let element, _, _):
                let text: String
                do {
                    text = try translator.rule { bound[$0] }
                } catch {
                    problem(element, "condition refused: \(error.message) (at character \(error.offset + 1))")
                    return nil
                }
                do {
                    _ = try RuleExpression(parsing: text)
                } catch {
                    problem(
                        element, "condition refused: \(error.message) (in '\(text)', at character \(error.offset + 1))")
                    return nil
                }
                return text
            case .none(let list):
                let parts = list.compactMap(render)
                guard parts.count == list.count else { return nil }
                return parts.isEmpty ? nil : "not (\(parts.map { "(\($0))" }.joined(separator: " or ")))"
            }
        }

        var subjectFields: [SubjectFieldSpec] = []
        for (target, ref) in kinds.sorted(by: { $0.key < $1.key }) where target.hasPrefix("subject.") {
            let type: ValueType =
                switch ref.kind {
                case .number?: .number
                case .text?: .text
                default: .bool
                }
            subjectFields.append(SubjectFieldSpec(name: String(target.dropFirst(8)), type: type))
        }

        var phaseItems: [[ItemSpec]] = phases.map { _ in [] }
        for pending in items {
            let elementId = pending.element.attributes["id"] ?? ""
            let (title, titled) = localized(elementId, en: Self.name(of: pending.element))
            if !titled { untranslated.append(elementId) }
            var guidance: LocalizedText?
            let doc = pending.element.children(named: "documentation").map(\.text).joined(separator: "\n")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if !doc.isEmpty {
                let (g, done) = localized(elementId, en: doc, guidance: true)
                if !done { untranslated.append("\(elementId)/guidance") }
                guidance = g
            }
            var type = ItemType.check
            var passIf: RuleExpression?
            if let ref = kinds[pending.id] {
                switch ref.kind {
                case .number?: type = .number(unit: nil, min: nil, max: nil)
                case .text?:
                    type = .choice(
                        options: ref.texts.map { ChoiceOption(id: $0, label: LocalizedText(zh: $0, en: $0)) })
                default:
                    // A decision (yes/no) read by a gateway: either answer is right, so it never fails.
                    passIf = try? RuleExpression(parsing: "answered(\(pending.id))")
                }
            }
            let showParts = pending.conditions.compactMap(render)
            var showIf: RuleExpression?
            if !showParts.isEmpty, showParts.count == pending.conditions.count {
                let text = showParts.count == 1 ? showParts[0] : showParts.map { "(\($0))" }.joined(separator: " and ")
                do {
                    showIf = try RuleExpression(parsing: text)
                } catch {
                    problem(pending.element, "the branch condition of '\(elementId)' is refused: \(error.message)")
                }
            }
            let lane = laneOf[elementId] ?? subProcessOf[elementId].flatMap { laneOf[$0] }
            let role = lane
            let deadline = pending.deadline.map {
                DeadlineSpec(anchor: .item($0.1), offset: $0.0, before: false, escalateTo: role)
            }
            phaseItems[pending.phase].append(
                ItemSpec(
                    id: pending.id, title: title, type: type, roles: role.map { [$0] } ?? [], guidance: guidance,
                    source: "BPMN \(elementId)", showIf: showIf, passIf: passIf, deadline: deadline))
        }
        guard problems.isEmpty else { throw BPMNError(.unsupported, problems.sorted()) }
        var specPhases: [PhaseSpec] = []
        for (k, phase) in phases.enumerated() where !phaseItems[k].isEmpty {
            specPhases.append(PhaseSpec(id: phase.id, title: phase.title, items: phaseItems[k]))
        }
        let protocolId = options.id ?? Self.sanitisePart(processId.replacingOccurrences(of: ".", with: "_"))
        let spec = ProtocolSpec(
            id: protocolId, version: 1, title: title, kind: options.kind, subject: options.subject,
            subjectFields: subjectFields, roles: roles, phases: specPhases, source: "BPMN process \(processId)")
        let header = [
            "Imported from BPMN (\((file as NSString).lastPathComponent), process \(processId)) "
                + "by qflow protocol import-bpmn.",
            untranslated.isEmpty
                ? "Every text has its Chinese translation."
                : "Texts marked \(BPMNImporter.untranslatedMark) still need their Chinese translation "
                    + "(see Protocols/BPMN.md).",
        ]
        let yaml = ProtocolYAMLWriter.write(spec, header: header)
        // The written file goes through the same reader and validator as every protocol file.
        let check = ProtocolFile.load(bytes: Array(yaml.utf8), file: "(imported \(protocolId).yaml)")
        guard check.isValid, let checked = check.spec else {
            throw BPMNError(.invalidProtocol, check.diagnostics)
        }
        var named: Set<String> = [processId]
        named.formUnion(laneIds)
        named.formUnion(items.compactMap { $0.element.attributes["id"] })
        named.formUnion(phaseElements)
        let unused = options.translations.keys.filter { !named.contains($0) }.sorted()
        return BPMNImport(spec: checked, yaml: yaml, untranslated: untranslated, unusedTranslations: unused)
    }
}
