/// A location inside a protocol definition, such as `phases[1].items[3].pass_if`.
public struct SpecPath: Sendable, Hashable, CustomStringConvertible {
    /// One step of a path.
    public enum Component: Sendable, Hashable {
        /// A mapping key.
        case key(String)
        /// A sequence index (0-based).
        case index(Int)
    }

    /// The steps from the document root.
    public var components: [Component]

    /// Creates a path.
    public init(_ components: [Component] = []) {
        self.components = components
    }

    /// The path extended by a key.
    public func key(_ key: String) -> SpecPath { SpecPath(components + [.key(key)]) }
    /// The path extended by an index.
    public func index(_ index: Int) -> SpecPath { SpecPath(components + [.index(index)]) }

    /// The path written as `a.b[2].c`.
    public var description: String {
        var out = ""
        for component in components {
            switch component {
            case .key(let k): out += out.isEmpty ? k : ".\(k)"
            case .index(let i): out += "[\(i)]"
            }
        }
        return out
    }
}

/// A problem found in a protocol definition: where it is and what is wrong.
public struct SpecIssue: Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is.
    public var path: SpecPath
    /// What is wrong.
    public var message: String
    /// For a problem inside an expression, the character offset into it.
    public var offset: Int?

    /// Creates an issue.
    public init(_ path: SpecPath, _ message: String, offset: Int? = nil) {
        self.path = path
        self.message = message
        self.offset = offset
    }

    /// `path: message`.
    public var description: String { "\(path): \(message)" }
}

extension ProtocolSpec {
    /// Whether `text` is a valid protocol, role or phase id (`[a-z][a-z0-9_]*`).
    public static func isValidIdentifier(_ text: String) -> Bool {
        guard let first = text.utf8.first, first >= 97, first <= 122, text.utf8.count <= 64 else { return false }
        return text.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }

    /// Whether `text` is a valid item id: identifiers joined by dots, e.g. `si.identity`.
    public static func isValidItemIdentifier(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return !parts.isEmpty && parts.allSatisfy { isValidIdentifier(String($0)) } && parts[0] != "subject"
            && text.utf8.count <= 64
    }

    /// Checks the meaning of the definition (ids, references, types of rules, deadlines) and returns every problem.
    public func validate() -> [SpecIssue] {
        var issues: [SpecIssue] = []
        let root = SpecPath()
        if !Self.isValidIdentifier(id) {
            issues.append(
                .init(
                    root.key("id"),
                    "protocol id '\(id)' must be lower-case letters, digits and '_', starting with a letter"))
        }
        if version < 1 { issues.append(.init(root.key("version"), "version must be 1 or more")) }
        if roles.isEmpty { issues.append(.init(root.key("roles"), "a protocol needs at least one role")) }
        var roleIds = Set<String>()
        for (i, role) in roles.enumerated() {
            if !Self.isValidIdentifier(role.id) {
                issues.append(
                    .init(
                        root.key("roles").index(i).key("id"),
                        "role id '\(role.id)' must be lower-case letters, digits and '_'"))
            }
            if !roleIds.insert(role.id).inserted {
                issues.append(.init(root.key("roles").index(i).key("id"), "duplicate role id '\(role.id)'"))
            }
        }
        var fieldNames = Set<String>()
        for (i, field) in subjectFields.enumerated() where !fieldNames.insert(field.name).inserted {
            issues.append(.init(root.key("subject_fields").index(i), "duplicate subject field '\(field.name)'"))
        }
        func checkRole(_ role: String, _ path: SpecPath) {
            if !roleIds.contains(role) {
                issues.append(.init(path, "unknown role '\(role)'\(RuleExpression.suggestion(role, roleIds))"))
            }
        }
        if let queue {
            let qpath = root.key("queue")
            checkRole(queue.offeredTo, qpath.key("offered_to"))
            if queue.reassignBy.isEmpty {
                issues.append(.init(qpath.key("reassign_by"), "a queue needs at least one role that may reassign"))
            }
            for (r, role) in queue.reassignBy.enumerated() { checkRole(role, qpath.key("reassign_by").index(r)) }
            if let limit = queue.unclaimed, limit.seconds == 0 {
                issues.append(.init(qpath.key("unclaimed"), "the unclaimed limit must be longer than zero"))
            }
            if let limit = queue.stalled, limit.seconds == 0 {
                issues.append(.init(qpath.key("stalled"), "the stalled limit must be longer than zero"))
            }
        }
        if phases.isEmpty { issues.append(.init(root.key("phases"), "a protocol needs at least one phase")) }
        let scope = RuleScope(self)
        var phaseIds = Set<String>()
        var itemIds = Set<String>()
        /// The checks of one item, ordinary or a repeating group's template (whose rules see its own instance).
        func checkItem(_ item: ItemSpec, _ path: SpecPath, _ scope: RuleScope) {
            if !Self.isValidItemIdentifier(item.id) {
                issues.append(
                    .init(
                        path.key("id"),
                        "item id '\(item.id)' must be lower-case names joined by '.', e.g. si.identity"))
            }
            if !itemIds.insert(item.id).inserted {
                issues.append(.init(path.key("id"), "duplicate item id '\(item.id)'"))
            }
            for (r, role) in item.roles.enumerated() { checkRole(role, path.key("roles").index(r)) }
            switch item.type {
            case .number(_, let min, let max):
                if let min, let max, min > max {
                    issues.append(
                        .init(path.key("max"), "max (\(Value.number(max))) is below min (\(Value.number(min)))"))
                }
            case .choice(let options):
                if options.isEmpty {
                    issues.append(.init(path.key("options"), "a choice item needs at least one option"))
                }
                var seen = Set<String>()
                for (o, option) in options.enumerated() where !seen.insert(option.id).inserted {
                    issues.append(.init(path.key("options").index(o), "duplicate option '\(option.id)'"))
                }
            case .signature(let signers):
                if signers.isEmpty {
                    issues.append(.init(path.key("signers"), "a signature item needs at least one signing role"))
                }
                for (s, signer) in signers.enumerated() { checkRole(signer, path.key("signers").index(s)) }
            case .check, .count, .time, .text:
                break
            }
            if item.critical, item.passIf == nil, let kind = Self.typeThatCannotFail(item.type) {
                issues.append(
                    .init(
                        path.key("critical"),
                        "'\(item.id)' is a \(kind) item without pass_if: it can never fail, so it cannot be critical"
                            + " (make it a check, give it a pass_if rule, or drop 'critical')"))
            }
            for (key, rule) in [
                ("show_if", item.showIf), ("required_if", item.requiredIf), ("pass_if", item.passIf),
            ] {
                guard let rule else { continue }
                do {
                    try rule.checkCondition(in: scope)
                    if key != "pass_if", rule.referencedItems.contains(item.id) {
                        issues.append(
                            .init(path.key(key), "\(key) of '\(item.id)' cannot depend on the item itself"))
                    }
                } catch {
                    issues.append(.init(path.key(key), error.message, offset: error.offset))
                }
            }
            if let deadline = item.deadline {
                let dpath = path.key("deadline")
                switch deadline.anchor {
                case .item(let anchor):
                    if anchor == item.id {
                        issues.append(.init(dpath.key("of"), "a deadline cannot be measured from its own item"))
                    } else if scope.items[anchor] == nil {
                        issues.append(
                            .init(
                                dpath.key("of"),
                                "unknown item '\(anchor)'\(RuleExpression.suggestion(anchor, scope.items.keys))"))
                    }
                case .subjectField(let field):
                    if let type = scope.subjectFields[field] {
                        if type != .time && type != .date {
                            issues.append(
                                .init(
                                    dpath.key("of"),
                                    "subject field '\(field)' is \(type), a deadline needs a time or a date")
                            )
                        }
                        if type == .date {
                            // Before or after a day, durations count whole calendar days in the site's zone.
                            let message = "'\(field)' is a date: durations from it are whole days or weeks (P90D, P2W)"
                            if deadline.offset.seconds % 86_400 != 0 {
                                issues.append(.init(dpath.key(deadline.before ? "before" : "after"), message))
                            }
                            for (s, step) in (deadline.ladder ?? []).enumerated()
                            where step.offset.seconds % 86_400 != 0 {
                                issues.append(
                                    .init(dpath.key("ladder").index(s).key(step.before ? "before" : "after"), message))
                            }
                        }
                    } else {
                        issues.append(
                            .init(
                                dpath.key("of"),
                                "unknown subject field '\(field)' (declare it under subject_fields)"))
                    }
                }
                if let role = deadline.escalateTo { checkRole(role, dpath.key("escalate_to")) }
                var previous: Int?
                for (s, step) in (deadline.ladder ?? []).enumerated() {
                    let spath = dpath.key("ladder").index(s)
                    checkRole(step.role, spath.key(step.escalates ? "escalate_to" : "notify"))
                    // Seconds from the due time: the steps come in the order they fall due.
                    let at = step.before ? -step.offset.seconds : step.offset.seconds
                    if let previous, at <= previous {
                        issues.append(
                            .init(spath, "ladder steps come in the order they fall due, each after the one before"))
                    }
                    if deadline.escalateTo != nil, at == 0 {
                        issues.append(
                            .init(spath, "the step at the due time is the deadline's own escalate_to: give it once"))
                    }
                    previous = at
                }
            }
        }
        for (p, phase) in phases.enumerated() {
            let phasePath = root.key("phases").index(p)
            if !Self.isValidIdentifier(phase.id) {
                issues.append(
                    .init(phasePath.key("id"), "phase id '\(phase.id)' must be lower-case letters, digits and '_'"))
            }
            if !phaseIds.insert(phase.id).inserted {
                issues.append(.init(phasePath.key("id"), "duplicate phase id '\(phase.id)'"))
            }
            if phase.items.isEmpty, (phase.groups ?? []).isEmpty {
                issues.append(.init(phasePath.key("items"), "a phase needs at least one item"))
            }
            for (n, item) in phase.items.enumerated() { checkItem(item, phasePath.key("items").index(n), scope) }
            for (g, group) in (phase.groups ?? []).enumerated() {
                let gpath = phasePath.key("groups").index(g)
                issues += validateGroup(group, gpath, itemIds: &itemIds)
                for (n, item) in group.items.enumerated() {
                    checkItem(item, gpath.key("items").index(n), scope.inside(group))
                }
            }
        }
        issues += validateGates(root)
        issues += documentIssues(root)
        if let deviation {
            let path = root.key("deviation").key("sign_off")
            if deviation.signOff.isEmpty {
                issues.append(.init(path, "name at least one role that signs off a deviation"))
            }
            for (r, role) in deviation.signOff.enumerated() where role != Self.defaultSupervisorRole {
                checkRole(role, path.index(r))
            }
        }
        var triggerIds = Set<String>()
        for (t, trigger) in triggers.enumerated() {
            let path = root.key("triggers").index(t)
            if !triggerIds.insert(trigger.id).inserted {
                issues.append(.init(path.key("id"), "duplicate trigger id '\(trigger.id)'"))
            }
            if !Self.isValidIdentifier(trigger.protocolId) {
                issues.append(.init(path.key("protocol"), "'\(trigger.protocolId)' is not a valid protocol id"))
            }
            do {
                var triggerScope = scope
                triggerScope.allowsOutcomes = true
                try trigger.when.checkCondition(in: triggerScope)
            } catch {
                issues.append(.init(path.key("when"), error.message, offset: error.offset))
            }
        }
        for (verb, granted) in (permissions ?? [:]).sorted(by: { $0.key < $1.key }) {
            let path = root.key("permissions").key(verb)
            guard ControlVerb(rawValue: verb) != nil else {
                let verbs = ControlVerb.allCases.map(\.rawValue)
                issues.append(.init(path, "unknown verb '\(verb)'\(RuleExpression.suggestion(verb, verbs))"))
                continue
            }
            if granted.isEmpty { issues.append(.init(path, "give at least one role that may \(verb)")) }
            for (r, role) in granted.enumerated() where role != Self.defaultSupervisorRole {
                checkRole(role, path.index(r))
            }
        }
        return issues
    }
}

extension ProtocolSpec {
    /// The name of an item type whose answers can never fail on their own (without `pass_if`), or nil.
    ///
    /// A failed critical item blocks completion; an item that can never fail would make `critical` a promise the
    /// engine cannot keep (a text note "documented" is recorded, never judged). A `check` fails when answered no;
    /// a count or a number only through its rule (a number outside its min/max is refused, not failed). An item
    /// that `jump` must not pass is a gate (`gate: true`), not a critical item.
    static func typeThatCannotFail(_ type: ItemType) -> String? {
        switch type {
        case .text: "text"
        case .time: "time"
        case .choice: "choice"
        case .signature: "signature"
        case .count: "count"
        case .number: "number"
        case .check: nil
        }
    }
}

extension ProtocolSpec {
    /// A repeating group: a valid, unique id, 0 ≤ min ≤ max ≤ 50 with max ≥ 1, at least one item, and templates
    /// without deadlines or gates (an instance is offered, not due, and holds nothing back).
    fileprivate func validateGroup(_ group: GroupSpec, _ path: SpecPath, itemIds: inout Set<String>) -> [SpecIssue] {
        var issues: [SpecIssue] = []
        if !Self.isValidItemIdentifier(group.id) {
            issues.append(
                .init(path.key("id"), "group id '\(group.id)' must be lower-case names joined by '.', e.g. cnt.cavity"))
        }
        if !itemIds.insert(group.id).inserted {
            issues.append(.init(path.key("id"), "duplicate id '\(group.id)' (groups and items share one namespace)"))
        }
        if group.max < 1 || group.max > GroupSpec.maximumInstances {
            issues.append(.init(path.key("max"), "max must be from 1 to \(GroupSpec.maximumInstances) instances"))
        }
        if group.min < 0 || group.min > group.max {
            issues.append(.init(path.key("min"), "min must be from 0 to max (\(group.max))"))
        }
        if group.items.isEmpty { issues.append(.init(path.key("items"), "a repeating group needs at least one item")) }
        for (n, item) in group.items.enumerated() {
            let ipath = path.key("items").index(n)
            if item.deadline != nil {
                issues.append(.init(ipath.key("deadline"), "an item of a repeating group cannot have a deadline"))
            }
            if item.isGate || item.gates != nil {
                issues.append(.init(ipath.key("gate"), "an item of a repeating group cannot be a gate"))
            }
        }
        return issues
    }

    /// Gates (`gate: true`, `gates: [...]`): a gate must be required, and the items it names must come after it.
    fileprivate func validateGates(_ root: SpecPath) -> [SpecIssue] {
        var issues: [SpecIssue] = []
        var position: [String: Int] = [:]
        for (n, item) in items.enumerated() where position[item.id] == nil { position[item.id] = n }
        for (p, phase) in phases.enumerated() {
            for (n, item) in phase.items.enumerated() {
                let path = root.key("phases").index(p).key("items").index(n)
                if item.gates != nil, !item.isGate {
                    issues.append(.init(path.key("gates"), "'gates' needs 'gate: true'"))
                }
                guard item.isGate else { continue }
                if !item.required, item.requiredIf == nil {
                    issues.append(
                        .init(
                            path.key("gate"),
                            "gate '\(item.id)' is optional: a gate must be required (it holds the later steps)"))
                }
                for (g, target) in (item.gates ?? []).enumerated() {
                    let gpath = path.key("gates").index(g)
                    guard let at = position[target] else {
                        issues.append(
                            .init(gpath, "unknown item '\(target)'\(RuleExpression.suggestion(target, position.keys))"))
                        continue
                    }
                    if target == item.id {
                        issues.append(.init(gpath, "gate '\(item.id)' cannot hold itself"))
                    } else if at < position[item.id]! {
                        issues.append(
                            .init(gpath, "gate '\(item.id)' can hold only items after it; '\(target)' comes before it"))
                    }
                }
            }
        }
        return issues
    }
}

/// A problem across protocol files: which protocol (by its index in the list) and what.
public struct LibraryIssue: Sendable, Hashable {
    /// Index of the protocol in the validated list.
    public var protocolIndex: Int
    /// Where in that protocol.
    public var path: SpecPath
    /// What is wrong.
    public var message: String
}

/// Checks that hold across a set of protocols: unique id@version, triggers that name existing protocols, no cycles.
public enum ProtocolLibrary {
    /// Returns every cross-protocol problem of `specs`; `otherIds` are protocols known to exist elsewhere.
    public static func validate(_ specs: [ProtocolSpec], otherIds: Set<String> = []) -> [LibraryIssue] {
        var issues: [LibraryIssue] = []
        var firstIndex: [String: Int] = [:]
        for (i, spec) in specs.enumerated() {
            if let first = firstIndex[spec.reference] {
                issues.append(
                    .init(
                        protocolIndex: i, path: SpecPath().key("id"),
                        message: "duplicate protocol \(spec.reference) (also defined by file #\(first + 1))"))
            } else {
                firstIndex[spec.reference] = i
            }
        }
        let ids = Set(specs.map(\.id)).union(otherIds)
        // Edges of the trigger graph, by protocol id (any version).
        var edges: [String: Set<String>] = [:]
        for (i, spec) in specs.enumerated() {
            for (t, trigger) in spec.triggers.enumerated() {
                if !ids.contains(trigger.protocolId) {
                    issues.append(
                        .init(
                            protocolIndex: i, path: SpecPath().key("triggers").index(t).key("protocol"),
                            message:
                                "trigger '\(trigger.id)' starts unknown protocol "
                                + "'\(trigger.protocolId)'\(RuleExpression.suggestion(trigger.protocolId, ids))"
                        ))
                } else {
                    edges[spec.id, default: []].insert(trigger.protocolId)
                }
            }
        }
        // Report each trigger that closes a cycle, at the trigger.
        for (i, spec) in specs.enumerated() {
            for (t, trigger) in spec.triggers.enumerated() where ids.contains(trigger.protocolId) {
                if let cycle = path(from: trigger.protocolId, to: spec.id, edges: edges) {
                    let chain = ([spec.id] + cycle).joined(separator: " → ")
                    issues.append(
                        .init(
                            protocolIndex: i, path: SpecPath().key("triggers").index(t).key("protocol"),
                            message: "trigger cycle: \(chain)"))
                }
            }
        }
        return issues
    }

    /// A path of protocol ids from `start` to `goal` in the trigger graph (breadth first), including both ends.
    private static func path(from start: String, to goal: String, edges: [String: Set<String>]) -> [String]? {
        var previous: [String: String] = [start: start]
        var queue = [start]
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            if node == goal {
                var chain = [node]
                var cursor = node
                while cursor != start, let p = previous[cursor] {
                    chain.append(p)
                    cursor = p
                }
                return chain.reversed()
            }
            for next in (edges[node] ?? []).sorted() where previous[next] == nil {
                previous[next] = node
                queue.append(next)
            }
        }
        return nil
    }
}
