import QFlowEngine

/// Writes a rule (a `show_if`) as a Python expression that SpiffWorkflow evaluates over the task data, with the
/// same outcome as qflow's three-valued rule.
///
/// qflow shows an item only when its rule is *true*; an unanswered item is *unknown*. In Python every answer
/// variable exists (the export's first script task sets each to `None`), negations are pushed down to the
/// comparisons (De Morgan), and each comparison is guarded by `v is not None` for the variables it reads, so a
/// comparison that qflow finds unknown is `False` in Python. For `and`/`or` over such atoms, "true with unknowns
/// read as false" is exactly "true in three-valued logic", so the branch taken is the same.
enum PythonCondition {
    struct Refusal: Error {
        var message: String
    }

    /// The Python variable holding an item's answer (`cn.si.identity` → `cn__si__identity`).
    static func variable(item id: String) -> String { id.replacingOccurrences(of: ".", with: "__") }

    /// The Python variable holding a subject fact (`subject.infected` → `subject__infected`).
    static func variable(subject field: String) -> String { "subject__" + field }

    /// The Python text of a boolean rule.
    static func python(_ rule: RuleExpression) throws(Refusal) -> String {
        try boolean(rule.root, negated: false)
    }

    private static func boolean(_ node: ExpressionNode, negated: Bool) throws(Refusal) -> String {
        switch node.kind {
        case .binary(.and, let l, let r), .binary(.or, let l, let r):
            var isAnd = false
            if case .binary(.and, _, _) = node.kind { isAnd = true }
            let joiner = (isAnd != negated) ? "and" : "or"
            return "(\(try boolean(l, negated: negated)) \(joiner) \(try boolean(r, negated: negated)))"
        case .unary(.not, let x):
            return try boolean(x, negated: !negated)
        case .binary(let op, let l, let r) where op.isComparison:
            let symbol = negated ? negate(op) : op.rawValue
            return guarded(variables(l) + variables(r), "\(try value(l)) \(symbol) \(try value(r))")
        case .member(let x, let list):
            let items = try list.map { (n: ExpressionNode) throws(Refusal) -> String in try value(n) }
            let test = "\(try value(x)) \(negated ? "not in" : "in") [\(items.joined(separator: ", "))]"
            return guarded(variables(x), test)
        case .item, .subject:
            let v = try value(node)
            return "(\(v) is \(negated ? "False" : "True"))"
        case .literal(.bool(let b)):
            return b != negated ? "True" : "False"
        case .call(.answered, let args) where args.count == 1:
            guard case .item(let id) = args[0].kind else {
                throw Refusal(message: "answered() of something not an item")
            }
            return "(\(variable(item: id)) is \(negated ? "" : "not ")None)"
        case .call(let f, _):
            throw Refusal(message: "the function \(f.rawValue)() has no BPMN condition mapping")
        default:
            throw Refusal(message: "this rule has no BPMN condition mapping")
        }
    }

    private static func negate(_ op: BinaryOperator) -> String {
        switch op {
        case .equal: "!="
        case .notEqual: "=="
        case .less: ">="
        case .lessOrEqual: ">"
        case .greater: "<="
        case .greaterOrEqual: "<"
        default: op.rawValue
        }
    }

    private static func guarded(_ vars: [String], _ test: String) -> String {
        var seen: [String] = []
        for v in vars where !seen.contains(v) { seen.append(v) }
        return "(" + (seen.map { "\($0) is not None" } + [test]).joined(separator: " and ") + ")"
    }

    private static func variables(_ node: ExpressionNode) -> [String] {
        var out: [String] = []
        node.visit {
            switch $0.kind {
            case .item(let id): out.append(variable(item: id))
            case .subject(let f): out.append(variable(subject: f))
            default: break
            }
        }
        return out
    }

    private static func value(_ node: ExpressionNode) throws(Refusal) -> String {
        switch node.kind {
        case .literal(.number(let n)): return Value.number(n).description
        case .literal(.bool(let b)): return b ? "True" : "False"
        case .literal(.text(let s)): return quote(s)
        case .literal(.time): throw Refusal(message: "time values have no BPMN condition mapping")
        case .item(let id): return variable(item: id)
        case .subject(let f): return variable(subject: f)
        case .unary(.negate, let x): return "(-\(try value(x)))"
        case .binary(let op, let l, let r) where [.add, .subtract, .multiply, .divide].contains(op):
            return "(\(try value(l)) \(op.rawValue) \(try value(r)))"
        case .call(.abs, let args) where args.count == 1: return "abs(\(try value(args[0])))"
        case .call(let f, _): throw Refusal(message: "the function \(f.rawValue)() has no BPMN condition mapping")
        default: throw Refusal(message: "this rule has no BPMN condition mapping")
        }
    }

    /// A Python string literal (double quotes, with escapes).
    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if c.value < 0x20 {
                    out += "\\x" + (c.value < 16 ? "0" : "") + String(c.value, radix: 16)
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }
}
