import QFlowEngine
import Yams

/// The protocol file schema: turns a YAML tree into a ``ProtocolSpec``, reporting every problem it meets.
struct ProtocolReader {
    let reader: NodeReader
    /// Ids of items that were present but could not be read (so references to them are not reported again).
    final class Dropped {
        var ids: [String] = []
        var unreadableRules: [String] = []
    }
    private let dropped = Dropped()
    var unreadableItemIds: [String] { dropped.ids }
    /// Items whose `pass_if` could not be read (already reported).
    var itemsWithUnreadableRules: [String] { dropped.unreadableRules }

    init(_ reader: NodeReader) {
        self.reader = reader
    }

    static let protocolKeys = [
        "id", "version", "title", "kind", "subject", "subject_fields", "roles", "phases", "triggers", "source",
        "permissions", "deviation", "document", "queue",
    ]
    static let itemKeys = [
        "id", "title", "type", "required", "critical", "allow_na", "roles", "guidance", "source", "show_if",
        "required_if", "pass_if", "deadline", "unit", "min", "max", "options", "signers", "gate", "gates",
    ]

    func protocolSpec(_ root: Node) -> ProtocolSpec? {
        let path = SpecPath()
        guard
            let map = reader.mapping(
                root, path, what: "the protocol", allowed: Self.protocolKeys,
                required: ["id", "version", "title", "kind", "subject", "roles", "phases"])
        else { return nil }
        let id = reader.string(map["id"], path.key("id"), what: "id")
        let version = reader.int(map["version"], path.key("version"), what: "version")
        let title = reader.text(map["title"], path.key("title"), what: "title")
        var kind: ProtocolKind?
        if let text = reader.string(map["kind"], path.key("kind"), what: "kind") {
            kind = ProtocolKind(rawValue: text)
            if kind == nil {
                reader.error(
                    map["kind"]?.mark,
                    "unknown kind '\(text)' (one of: \(ProtocolKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        let subject = reader.string(map["subject"], path.key("subject"), what: "subject")
        let fields = subjectFields(map["subject_fields"], path.key("subject_fields"))
        let roles = list(map["roles"], path.key("roles"), what: "roles") { node, p in role(node, p) }
        let phases = list(map["phases"], path.key("phases"), what: "phases") { node, p in phase(node, p) }
        let triggers = list(map["triggers"], path.key("triggers"), what: "triggers") { node, p in trigger(node, p) }
        let source = reader.string(map["source"], path.key("source"), what: "source")
        let permissions = permissions(map["permissions"], path.key("permissions"))
        let deviation = map["deviation"].flatMap { readDeviation($0, path.key("deviation")) }
        let document = map["document"].flatMap { readDocument($0, path.key("document")) }
        let queue = map["queue"].flatMap { readQueue($0, path.key("queue")) }
        guard let id, let version, let title, let kind, let subject, let roles, let phases else { return nil }
        return ProtocolSpec(
            id: id, version: version, title: title, kind: kind, subject: subject, subjectFields: fields ?? [],
            roles: roles, phases: phases, triggers: triggers ?? [], source: source, permissions: permissions,
            deviation: deviation, document: document, queue: queue)
    }

    /// Reads a list; returns nil when the node is absent or not a list, otherwise the entries that could be read.
    private func list<T>(_ node: Node?, _ path: SpecPath, what: String, _ body: (Node, SpecPath) -> T?) -> [T]? {
        guard let node, let nodes = reader.sequence(node, path, what: what) else { return nil }
        return nodes.enumerated().compactMap { body($1, path.index($0)) }
    }

    private func subjectFields(_ node: Node?, _ path: SpecPath) -> [SubjectFieldSpec]? {
        guard let node else { return nil }
        guard reader.enter(node, path), let mapping = node.mapping else {
            reader.error(node.mark, "subject_fields must map field names to types (bool, number, text, time, date)")
            return nil
        }
        var out: [SubjectFieldSpec] = []
        for (key, value) in mapping {
            guard let name = key.scalar?.string, ProtocolSpec.isValidIdentifier(name) else {
                reader.error(key.mark, "subject field names are lower-case letters, digits and '_'")
                continue
            }
            guard let typeName = reader.string(value, path.key(name), what: "type of subject field '\(name)'") else {
                continue
            }
            guard let type = ValueType(rawValue: typeName) else {
                reader.error(
                    value.mark,
                    "unknown type '\(typeName)' for subject field '\(name)' (one of: bool, number, text, time, date)")
                continue
            }
            out.append(SubjectFieldSpec(name: name, type: type))
        }
        return out
    }

    private func role(_ node: Node, _ path: SpecPath) -> RoleSpec? {
        guard
            let map = reader.mapping(
                node, path, what: "a role", allowed: ["id", "title", "is_subject"], required: ["id", "title"])
        else { return nil }
        let isSubject = reader.bool(map["is_subject"], path.key("is_subject"), what: "is_subject")
        guard let id = reader.string(map["id"], path.key("id"), what: "role id"),
            let title = reader.text(map["title"], path.key("title"), what: "role title")
        else { return nil }
        return RoleSpec(id: id, title: title, isSubject: isSubject ?? false)
    }

    /// `permissions:` maps control verbs (return, jump, suspend, …) to the roles that may use them.
    private func permissions(_ node: Node?, _ path: SpecPath) -> [String: [String]]? {
        guard let node else { return nil }
        let verbs = ControlVerb.allCases.map(\.rawValue)
        guard let map = reader.mapping(node, path, what: "permissions", allowed: verbs, required: []) else {
            return nil
        }
        var out: [String: [String]] = [:]
        for (verb, value) in map {
            if let roles = reader.strings(value, path.key(verb), what: "roles that may \(verb)") { out[verb] = roles }
        }
        return out
    }

    /// `deviation: {sign_off: [roles]}`: who may complete a run with failed critical items as a documented deviation.
    private func readDeviation(_ node: Node, _ path: SpecPath) -> DeviationSpec? {
        guard let map = reader.mapping(node, path, what: "deviation", allowed: ["sign_off"], required: ["sign_off"])
        else { return nil }
        return reader.strings(map["sign_off"], path.key("sign_off"), what: "roles that sign off a deviation")
            .map { DeviationSpec(signOff: $0) }
    }

    /// `document:` — number, owner, approver, effective, review_by and the change log.
    private func readDocument(_ node: Node, _ path: SpecPath) -> DocumentControl? {
        let keys = ["number", "owner", "approver", "effective", "review_by", "changes"]
        guard let map = reader.mapping(node, path, what: "document", allowed: keys, required: keys) else { return nil }
        let number = reader.string(map["number"], path.key("number"), what: "document number")
        let owner = reader.text(map["owner"], path.key("owner"), what: "document owner")
        let approver = reader.text(map["approver"], path.key("approver"), what: "document approver")
        let effective = reader.string(map["effective"], path.key("effective"), what: "effective")
        let reviewBy = reader.string(map["review_by"], path.key("review_by"), what: "review_by")
        let changes = list(map["changes"], path.key("changes"), what: "changes") { node, p -> DocumentControl.Change? in
            guard
                let entry = reader.mapping(
                    node, p, what: "a change", allowed: ["version", "date", "summary"],
                    required: ["version", "date", "summary"])
            else { return nil }
            guard let version = reader.int(entry["version"], p.key("version"), what: "version"),
                let date = reader.string(entry["date"], p.key("date"), what: "date"),
                let summary = reader.text(entry["summary"], p.key("summary"), what: "summary")
            else { return nil }
            return DocumentControl.Change(version: version, date: date, summary: summary)
        }
        guard let number, let owner, let approver, let effective, let reviewBy, let changes else { return nil }
        return DocumentControl(
            number: number, owner: owner, approver: approver, effective: effective, reviewBy: reviewBy,
            changes: changes)
    }

    private func phase(_ node: Node, _ path: SpecPath) -> PhaseSpec? {
        guard
            let map = reader.mapping(
                node, path, what: "a phase", allowed: ["id", "title", "items", "groups"], required: ["id", "title"])
        else { return nil }
        let id = reader.string(map["id"], path.key("id"), what: "phase id")
        let title = reader.text(map["title"], path.key("title"), what: "phase title")
        if map["items"] == nil, map["groups"] == nil {
            reader.error(node.mark, "a phase needs 'items' (or repeating 'groups')")
            return nil
        }
        let items =
            map["items"] == nil ? [] : list(map["items"], path.key("items"), what: "items") { node, p in item(node, p) }
        let groups =
            map["groups"] == nil
            ? [] : list(map["groups"], path.key("groups"), what: "groups") { node, p in group(node, p) }
        guard let id, let title, let items, let groups else { return nil }
        return PhaseSpec(id: id, title: title, items: items, groups: groups)
    }

    /// A repeating group: `{id, title, min?, max, items}`.
    private func group(_ node: Node, _ path: SpecPath) -> GroupSpec? {
        guard
            let map = reader.mapping(
                node, path, what: "a repeating group", allowed: ["id", "title", "min", "max", "items"],
                required: ["id", "title", "max", "items"])
        else { return nil }
        let id = reader.string(map["id"], path.key("id"), what: "group id")
        let what = id.map { "group '\($0)'" } ?? "the group"
        let title = reader.text(map["title"], path.key("title"), what: "title of \(what)")
        let min = map["min"] == nil ? 0 : reader.int(map["min"], path.key("min"), what: "min of \(what)")
        let max = reader.int(map["max"], path.key("max"), what: "max of \(what)")
        let items = list(map["items"], path.key("items"), what: "items of \(what)") { node, p in item(node, p) }
        guard let id, let title, let min, let max, let items else {
            // Already reported; rules that read the group are not news.
            if let id { dropped.ids.append(id) }
            dropped.ids += items?.map(\.id) ?? []
            return nil
        }
        return GroupSpec(id: id, title: title, min: min, max: max, items: items)
    }

    private func item(_ node: Node, _ path: SpecPath) -> ItemSpec? {
        guard
            let map = reader.mapping(
                node, path, what: "an item", allowed: Self.itemKeys, required: ["id", "title", "type"])
        else { return nil }
        let id = reader.string(map["id"], path.key("id"), what: "item id")
        let what = id.map { "item '\($0)'" } ?? "the item"
        let title = reader.text(map["title"], path.key("title"), what: "title of \(what)")
        var type: ItemType?
        if let typeName = reader.string(map["type"], path.key("type"), what: "type of \(what)") {
            type = itemType(typeName, map, path, what)
        }
        let required = map["required"].flatMap { reader.bool($0, path.key("required"), what: "required") }
        let critical = map["critical"].flatMap { reader.bool($0, path.key("critical"), what: "critical") }
        let allowNA = map["allow_na"].flatMap { reader.bool($0, path.key("allow_na"), what: "allow_na") }
        let roles = reader.strings(map["roles"], path.key("roles"), what: "roles of \(what)")
        let guidance = reader.text(map["guidance"], path.key("guidance"), what: "guidance of \(what)")
        let source = reader.string(map["source"], path.key("source"), what: "source of \(what)")
        let showIf = reader.rule(map["show_if"], path.key("show_if"), what: "show_if")
        let requiredIf = reader.rule(map["required_if"], path.key("required_if"), what: "required_if")
        let passIf = reader.rule(map["pass_if"], path.key("pass_if"), what: "pass_if")
        // A pass_if that could not be read is already reported: the item is not "without pass_if".
        if map["pass_if"] != nil, passIf == nil, let id { dropped.unreadableRules.append(id) }
        let due = map["deadline"].flatMap { readDeadline($0, path.key("deadline")) }
        let gate = map["gate"].flatMap { reader.bool($0, path.key("gate"), what: "gate") }
        let gates = reader.strings(map["gates"], path.key("gates"), what: "items held by \(what)")
        guard let id, let title, let type else {
            if let id { dropped.ids.append(id) }
            return nil
        }
        return ItemSpec(
            id: id, title: title, type: type, required: required ?? true, critical: critical ?? false,
            allowsNotApplicable: allowNA ?? false, roles: roles ?? [], guidance: guidance, source: source,
            showIf: showIf, requiredIf: requiredIf, passIf: passIf, deadline: due, gate: gate ?? false,
            gates: gates ?? [])
    }

    private func itemType(_ name: String, _ map: [String: Node], _ path: SpecPath, _ what: String) -> ItemType? {
        let specific: [String: String] = [
            "unit": "number", "min": "number", "max": "number", "options": "choice", "signers": "signature",
        ]
        for (key, owner) in specific.sorted(by: { $0.key < $1.key }) where map[key] != nil && owner != name {
            reader.error(map[key]?.mark, "'\(key)' applies only to \(owner) items; \(what) is \(name)")
        }
        switch name {
        case "check": return .check
        case "count": return .count
        case "time": return .time
        case "text": return .text
        case "number":
            let unit = reader.string(map["unit"], path.key("unit"), what: "unit")
            let min = map["min"].flatMap { reader.double($0, path.key("min"), what: "min") }
            let max = map["max"].flatMap { reader.double($0, path.key("max"), what: "max") }
            return .number(unit: unit, min: min, max: max)
        case "choice":
            guard let node = map["options"] else {
                reader.error(at: path.key("type"), "a choice item needs 'options'")
                return nil
            }
            let options = list(node, path.key("options"), what: "options") { node, p in option(node, p) }
            return options.map { .choice(options: $0) }
        case "signature":
            guard let node = map["signers"] else {
                reader.error(at: path.key("type"), "a signature item needs 'signers' (one or more roles)")
                return nil
            }
            return reader.strings(node, path.key("signers"), what: "signers").map { .signature(signers: $0) }
        default:
            reader.error(map["type"]?.mark, "unknown item type '\(name)'\(NodeReader.suggest(name, ItemType.names))")
            return nil
        }
    }

    private func option(_ node: Node, _ path: SpecPath) -> ChoiceOption? {
        guard
            let map = reader.mapping(
                node, path, what: "an option", allowed: ["id", "label"], required: ["id", "label"])
        else { return nil }
        guard let id = reader.string(map["id"], path.key("id"), what: "option id"),
            let label = reader.text(map["label"], path.key("label"), what: "option label")
        else { return nil }
        return ChoiceOption(id: id, label: label)
    }

    private func readQueue(_ node: Node, _ path: SpecPath) -> QueueSpec? {
        guard
            let map = reader.mapping(
                node, path, what: "a queue", allowed: ["offered_to", "reassign_by", "unclaimed", "stalled"],
                required: ["offered_to", "reassign_by"])
        else { return nil }
        let offeredTo = reader.string(map["offered_to"], path.key("offered_to"), what: "offered_to")
        let reassignBy = reader.strings(map["reassign_by"], path.key("reassign_by"), what: "reassign_by")
        let unclaimed = limit(map["unclaimed"], path.key("unclaimed"), what: "unclaimed")
        let stalled = limit(map["stalled"], path.key("stalled"), what: "stalled")
        guard let offeredTo, let reassignBy, unclaimed.valid, stalled.valid else { return nil }
        return QueueSpec(
            offeredTo: offeredTo, reassignBy: reassignBy, unclaimed: unclaimed.value, stalled: stalled.value)
    }

    /// An optional duration; `valid` is false when it is given but malformed (reported).
    private func limit(_ node: Node?, _ path: SpecPath, what: String) -> (value: ISODuration?, valid: Bool) {
        guard let node else { return (nil, true) }
        guard let text = reader.string(node, path, what: what) else { return (nil, false) }
        do {
            return (try ISODuration(parsing: text), true)
        } catch {
            reader.error(node.mark, error.message)
            return (nil, false)
        }
    }

    /// `before: DUR` or `after: DUR` of a deadline or a ladder step; nil (reported) when missing or malformed.
    private func offset(_ map: [String: Node], _ node: Node, _ path: SpecPath, what: String) -> (ISODuration, Bool)? {
        if map["before"] != nil, map["after"] != nil {
            reader.error(node.mark, "\(what) has either 'before' or 'after', not both")
            return nil
        }
        let before = map["before"] != nil
        let key = before ? "before" : "after"
        guard let durationNode = map[key] else {
            reader.error(node.mark, "\(what) needs 'before' or 'after' with an ISO-8601 duration such as PT60M")
            return nil
        }
        guard let text = reader.string(durationNode, path.key(key), what: key) else { return nil }
        do {
            return (try ISODuration(parsing: text), before)
        } catch {
            reader.error(durationNode.mark, error.message)
            return nil
        }
    }

    private func ladderStep(_ node: Node, _ path: SpecPath) -> LadderStep? {
        guard
            let map = reader.mapping(
                node, path, what: "a ladder step", allowed: ["after", "before", "notify", "escalate_to"], required: [])
        else { return nil }
        guard let (duration, before) = offset(map, node, path, what: "a ladder step") else { return nil }
        switch (map["notify"], map["escalate_to"]) {
        case (let n?, nil):
            return reader.string(n, path.key("notify"), what: "notify").map {
                LadderStep(offset: duration, before: before, role: $0, escalates: false)
            }
        case (nil, let e?):
            return reader.string(e, path.key("escalate_to"), what: "escalate_to").map {
                LadderStep(offset: duration, before: before, role: $0, escalates: true)
            }
        default:
            reader.error(
                node.mark, "a ladder step has either 'notify' (a reminder) or 'escalate_to' (a role), one of them")
            return nil
        }
    }

    private func readDeadline(_ node: Node, _ path: SpecPath) -> DeadlineSpec? {
        guard
            let map = reader.mapping(
                node, path, what: "a deadline", allowed: ["after", "before", "of", "escalate_to", "ladder"],
                required: ["of"])
        else { return nil }
        let ladder = list(map["ladder"], path.key("ladder"), what: "ladder") { node, p in ladderStep(node, p) }
        if let steps = map["ladder"].flatMap(\.sequence), steps.count != ladder?.count { return nil }
        guard let (duration, before) = offset(map, node, path, what: "a deadline") else { return nil }
        guard let of = reader.string(map["of"], path.key("of"), what: "of") else { return nil }
        let anchor: DeadlineSpec.Anchor = of.hasPrefix("subject.") ? .subjectField(String(of.dropFirst(8))) : .item(of)
        let escalate = reader.string(map["escalate_to"], path.key("escalate_to"), what: "escalate_to")
        return DeadlineSpec(
            anchor: anchor, offset: duration, before: before, escalateTo: escalate, ladder: ladder ?? [])
    }

    private func trigger(_ node: Node, _ path: SpecPath) -> TriggerSpec? {
        guard
            let map = reader.mapping(
                node, path, what: "a trigger", allowed: ["id", "protocol", "when", "title"],
                required: ["id", "protocol", "when"])
        else { return nil }
        let id = reader.string(map["id"], path.key("id"), what: "trigger id")
        let target = reader.string(map["protocol"], path.key("protocol"), what: "protocol")
        let when = reader.rule(map["when"], path.key("when"), what: "when")
        let title = reader.text(map["title"], path.key("title"), what: "trigger title")
        guard let id, let target, let when else { return nil }
        return TriggerSpec(id: id, protocolId: target, when: when, title: title)
    }
}
