/// What names mean inside a protocol's rules: its items and its declared subject fields.
public struct RuleScope: Sendable {
    /// Item types by id.
    public var items: [String: ItemType]
    /// Subject field types by name.
    public var subjectFields: [String: ValueType]
    /// Repeating groups' template items by id (read through `sum`, `count`, `all`, `any`, `latest`).
    public var templates: [String: ItemType] = [:]
    /// Repeating groups by id, with their first template (for `count(group)`).
    public var groups: Set<String> = []
    /// Whether `failed(x)` may be used (a trigger's condition, never an item's own rules).
    public var allowsOutcomes = false

    /// Creates a scope.
    public init(items: [String: ItemType], subjectFields: [String: ValueType]) {
        self.items = items
        self.subjectFields = subjectFields
    }

    /// The scope of a protocol definition.
    public init(_ spec: ProtocolSpec) {
        var items: [String: ItemType] = [:]
        for item in spec.items where items[item.id] == nil { items[item.id] = item.type }
        var fields: [String: ValueType] = [:]
        for field in spec.subjectFields { fields[field.name] = field.type }
        self.init(items: items, subjectFields: fields)
        for group in spec.groups {
            groups.insert(group.id)
            for item in group.items where templates[item.id] == nil { templates[item.id] = item.type }
        }
    }

    /// The scope of a template item's rules: its own instance's items read as ordinary items.
    public func inside(_ group: GroupSpec) -> RuleScope {
        var scope = self
        for item in group.items {
            scope.items[item.id] = item.type
            scope.templates[item.id] = nil
        }
        return scope
    }
}

extension RuleExpression {
    /// Type-checks the expression in a scope and returns its result type, or the first error found.
    public func check(in scope: RuleScope) throws(ExpressionError) -> ValueType {
        try Self.type(of: root, in: scope)
    }

    /// Checks that the expression is a boolean rule (for `show_if`, `required_if`, `pass_if`, `when`).
    public func checkCondition(in scope: RuleScope) throws(ExpressionError) {
        let type = try check(in: scope)
        guard type == .bool else {
            throw ExpressionError("a condition must be true or false, but this expression is a \(type)", at: 0)
        }
    }

    private static func type(of node: ExpressionNode, in scope: RuleScope) throws(ExpressionError) -> ValueType {
        switch node.kind {
        case .literal(let value):
            return value.type
        case .item(let id):
            guard let item = scope.items[id] else {
                if scope.templates[id] != nil {
                    throw ExpressionError(
                        "'\(id)' is an item of a repeating group: read it with sum(), count(), all(), any() or "
                            + "latest()",
                        at: node.offset)
                }
                throw ExpressionError("unknown item '\(id)'\(suggestion(id, scope.items.keys))", at: node.offset)
            }
            return item.valueType
        case .subject(let field):
            guard let type = scope.subjectFields[field] else {
                throw ExpressionError(
                    "unknown subject field '\(field)' (declare it under subject_fields)", at: node.offset)
            }
            return type
        case .unary(.not, let x):
            try expect(x, .bool, "'not'", scope)
            return .bool
        case .unary(.negate, let x):
            try expect(x, .number, "'-'", scope)
            return .number
        case .binary(let op, let l, let r):
            switch op {
            case .and, .or:
                try expect(l, .bool, "'\(op.rawValue)'", scope)
                try expect(r, .bool, "'\(op.rawValue)'", scope)
                return .bool
            case .add, .subtract, .multiply, .divide:
                try expect(l, .number, "'\(op.rawValue)'", scope)
                try expect(r, .number, "'\(op.rawValue)'", scope)
                return .number
            case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
                let lt = try type(of: l, in: scope)
                let rt = try type(of: r, in: scope)
                guard lt == rt else {
                    throw ExpressionError(
                        "cannot compare \(describe(l)) (\(lt)) with \(describe(r)) (\(rt))", at: node.offset)
                }
                if op != .equal && op != .notEqual && (lt == .bool || lt == .text) {
                    throw ExpressionError("'\(op.rawValue)' needs numbers, times or dates, not \(lt)", at: node.offset)
                }
                try checkOption(l, r, scope)
                try checkOption(r, l, scope)
                return .bool
            }
        case .member(let x, let list):
            let xt = try type(of: x, in: scope)
            guard !list.isEmpty else { throw ExpressionError("'in' needs at least one value", at: node.offset) }
            for element in list {
                let et = try type(of: element, in: scope)
                guard et == xt else {
                    throw ExpressionError(
                        "cannot compare \(describe(x)) (\(xt)) with \(describe(element)) (\(et))", at: element.offset)
                }
                try checkOption(x, element, scope)
            }
            return .bool
        case .call(let function, let args):
            switch function {
            case .answered, .isNA:
                guard args.count == 1, case .item(let id) = args[0].kind else {
                    throw ExpressionError("\(function.rawValue)() takes one item name", at: node.offset)
                }
                _ = try type(of: args[0], in: scope)
                _ = id
                return .bool
            case .minutesBetween, .hoursBetween:
                guard args.count == 2 else {
                    throw ExpressionError("\(function.rawValue)() takes two times", at: node.offset)
                }
                try expect(args[0], .time, "\(function.rawValue)()", scope)
                try expect(args[1], .time, "\(function.rawValue)()", scope)
                return .number
            case .abs:
                guard args.count == 1 else { throw ExpressionError("abs() takes one number", at: node.offset) }
                try expect(args[0], .number, "abs()", scope)
                return .number
            case .sum, .sumBefore, .count, .all, .any, .latest:
                return try aggregateType(function, args, node, scope)
            case .failed:
                guard scope.allowsOutcomes else {
                    throw ExpressionError(
                        "failed() reads other items' outcomes: it is allowed only in a trigger's 'when'",
                        at: node.offset)
                }
                guard args.count == 1, case .item(let id) = args[0].kind,
                    scope.items[id] != nil || scope.templates[id] != nil
                else {
                    throw ExpressionError("failed() takes one item (or an item of a repeating group)", at: node.offset)
                }
                return .bool
            }
        }
    }

    /// The type of `sum(x)`, `sum_before(x, y)`, `count(g)`, `all(x)`, `any(x)`, `latest(x)`: the first argument
    /// is a template item of another group (or, for `count`, a group).
    private static func aggregateType(
        _ function: Function, _ args: [ExpressionNode], _ node: ExpressionNode, _ scope: RuleScope
    ) throws(ExpressionError) -> ValueType {
        let name = function.rawValue
        let arity = function == .sumBefore ? 2 : 1
        guard args.count == arity, case .item(let id) = args[0].kind else {
            throw ExpressionError(
                "\(name)() takes an item of a repeating group\(arity == 2 ? " and an item" : "")",
                at: node.offset)
        }
        if function == .count, scope.groups.contains(id) { return .number }
        guard let type = scope.templates[id] else {
            let what =
                scope.items[id] != nil ? "is not an item of a repeating group (of another instance)" : "is unknown"
            throw ExpressionError(
                "\(name)(): '\(id)' \(what)\(suggestion(id, scope.templates.keys))", at: args[0].offset)
        }
        switch function {
        case .sum, .sumBefore:
            guard type.valueType == .number else {
                throw ExpressionError("\(name)() adds numbers, but '\(id)' is \(type.valueType)", at: args[0].offset)
            }
            if function == .sumBefore {
                guard case .item = args[1].kind else {
                    throw ExpressionError("sum_before() takes an item as its second argument", at: args[1].offset)
                }
                _ = try Self.type(of: args[1], in: scope)
            }
            return .number
        case .all, .any:
            guard type.valueType == .bool else {
                throw ExpressionError(
                    "\(name)() reads yes/no items, but '\(id)' is \(type.valueType)", at: args[0].offset)
            }
            return .bool
        case .latest: return type.valueType
        default: return .number
        }
    }

    private static func expect(
        _ node: ExpressionNode, _ wanted: ValueType, _ context: String, _ scope: RuleScope
    ) throws(ExpressionError) {
        let actual = try type(of: node, in: scope)
        guard actual == wanted else {
            throw ExpressionError("\(context) needs \(wanted), but \(describe(node)) is \(actual)", at: node.offset)
        }
    }

    /// A text literal compared with a choice item must be one of its options.
    private static func checkOption(_ a: ExpressionNode, _ b: ExpressionNode, _ scope: RuleScope)
        throws(ExpressionError)
    {
        guard case .item(let id) = a.kind, case .choice(let options)? = scope.items[id],
            case .literal(.text(let text)) = b.kind
        else { return }
        guard options.contains(where: { $0.id == text }) else {
            let list = options.map(\.id).joined(separator: ", ")
            throw ExpressionError("\"\(text)\" is not an option of '\(id)' (options: \(list))", at: b.offset)
        }
    }

    private static func describe(_ node: ExpressionNode) -> String {
        switch node.kind {
        case .item(let id): "'\(id)'"
        case .subject(let f): "'subject.\(f)'"
        case .literal(let v): v.description
        default: "the expression"
        }
    }

    /// `" (did you mean 'X'?)"` for the closest candidate within a few edits, else an empty string.
    public static func suggestion(_ name: String, _ candidates: some Sequence<String>) -> String {
        closest(name, candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// The candidate a misspelt name most likely meant, if one is close enough.
    public static func closest(_ name: String, _ candidates: some Sequence<String>) -> String? {
        guard let best = candidates.min(by: { editDistance(name, $0) < editDistance(name, $1) }),
            editDistance(name, best) <= max(2, name.count / 3), editDistance(name, best) < name.count
        else { return nil }
        return best
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var row = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        row[0] = i
        for j in 1...b.count {
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &row)
    }
    return previous[b.count]
}
