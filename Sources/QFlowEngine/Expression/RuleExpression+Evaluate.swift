import Foundation

/// Where a rule reads its values from while a run is in progress.
public protocol RuleEnvironment {
    /// The current value of an item, or nil when unanswered, not applicable or hidden.
    func value(ofItem id: String) -> Value?
    /// Whether the item has an answer other than "not applicable".
    func isAnswered(_ id: String) -> Bool
    /// Whether the item was answered "not applicable".
    func isNotApplicable(_ id: String) -> Bool
    /// A subject fact, or nil when unknown.
    func subjectValue(_ field: String) -> Value?
    /// The item ids of a repeating group's existing instances of a template (`x#1`, `x#2`, …), or of the group's
    /// first template when given the group's id.
    func instances(of template: String) -> [String]
    /// When an item's current answer was recorded, or nil.
    func answeredAt(_ id: String) -> Date?
    /// Whether the answered item fails its rule (nil while it has no outcome).
    func hasFailed(_ id: String) -> Bool?
}

extension RuleEnvironment {
    /// No repeating groups.
    public func instances(of template: String) -> [String] { [] }
    /// No answer times.
    public func answeredAt(_ id: String) -> Date? { nil }
    /// No outcomes.
    public func hasFailed(_ id: String) -> Bool? { nil }
}

extension RuleExpression {
    /// Evaluates the expression; nil means "unknown" (an input is missing), following three-valued logic.
    public func evaluate(in env: some RuleEnvironment) -> Value? {
        Self.eval(root, env)
    }

    /// Evaluates a condition: true, false, or nil when unknown.
    public func holds(in env: some RuleEnvironment) -> Bool? {
        if case .bool(let b)? = evaluate(in: env) { return b }
        return nil
    }

    private static func eval(_ node: ExpressionNode, _ env: some RuleEnvironment) -> Value? {
        switch node.kind {
        case .literal(let v):
            return v
        case .item(let id):
            return env.value(ofItem: id)
        case .subject(let field):
            return env.subjectValue(field)
        case .unary(.not, let x):
            guard case .bool(let b)? = eval(x, env) else { return nil }
            return .bool(!b)
        case .unary(.negate, let x):
            guard case .number(let n)? = eval(x, env) else { return nil }
            return .number(-n)
        case .binary(.and, let l, let r):
            let lv = eval(l, env)
            if case .bool(false)? = lv { return .bool(false) }
            let rv = eval(r, env)
            if case .bool(false)? = rv { return .bool(false) }
            if case .bool(true)? = lv, case .bool(true)? = rv { return .bool(true) }
            return nil
        case .binary(.or, let l, let r):
            let lv = eval(l, env)
            if case .bool(true)? = lv { return .bool(true) }
            let rv = eval(r, env)
            if case .bool(true)? = rv { return .bool(true) }
            if case .bool(false)? = lv, case .bool(false)? = rv { return .bool(false) }
            return nil
        case .binary(let op, let l, let r):
            guard let lv = eval(l, env), let rv = eval(r, env) else { return nil }
            return apply(op, lv, rv)
        case .member(let x, let list):
            guard let xv = eval(x, env) else { return nil }
            var unknown = false
            for element in list {
                guard let ev = eval(element, env) else {
                    unknown = true
                    continue
                }
                if ev == xv { return .bool(true) }
            }
            return unknown ? nil : .bool(false)
        case .call(let function, let args):
            switch function {
            case .answered:
                guard case .item(let id) = args[0].kind else { return nil }
                return .bool(env.isAnswered(id))
            case .isNA:
                guard case .item(let id) = args[0].kind else { return nil }
                return .bool(env.isNotApplicable(id))
            case .minutesBetween, .hoursBetween:
                guard case .time(let a)? = eval(args[0], env), case .time(let b)? = eval(args[1], env) else {
                    return nil
                }
                let seconds = b.timeIntervalSince(a)
                return .number(function == .minutesBetween ? seconds / 60 : seconds / 3600)
            case .abs:
                guard case .number(let n)? = eval(args[0], env) else { return nil }
                return .number(Swift.abs(n))
            case .failed:
                guard case .item(let id) = args[0].kind else { return nil }
                let ids = env.instances(of: id)
                guard !ids.isEmpty else { return env.hasFailed(id).map(Value.bool) }
                var unknown = false
                for instance in ids {
                    switch env.hasFailed(instance) {
                    case true?: return .bool(true)
                    case nil: unknown = true
                    case false?: break
                    }
                }
                return unknown ? nil : .bool(false)
            case .sum, .sumBefore, .count, .all, .any, .latest:
                guard case .item(let template) = args[0].kind else { return nil }
                return aggregate(function, template, args.dropFirst().first, env)
            }
        }
    }

    private static func aggregate(
        _ function: Function, _ template: String, _ second: ExpressionNode?, _ env: some RuleEnvironment
    ) -> Value? {
        let ids = env.instances(of: template)
        switch function {
        case .count:
            // A group's id counts its instances; a template's, the instances where it is answered.
            if let first = ids.first, InstanceId(first)?.template != template { return .number(Double(ids.count)) }
            return .number(Double(ids.filter(env.isAnswered).count))
        case .sum, .sumBefore:
            var cutoff: Date?
            if function == .sumBefore {
                guard let node = second, case .item(let until) = node.kind, let at = env.answeredAt(until) else {
                    return nil
                }
                cutoff = at
            }
            var total = 0.0
            for id in ids {
                guard case .number(let n)? = env.value(ofItem: id) else { continue }
                if let cutoff, let at = env.answeredAt(id), at > cutoff { continue }
                total += n
            }
            return .number(total)
        case .all, .any:
            var unknown = false
            for id in ids {
                switch env.value(ofItem: id) {
                case .bool(let b)?:
                    if function == .any, b { return .bool(true) }
                    if function == .all, !b { return .bool(false) }
                case nil where env.isNotApplicable(id): continue
                default: unknown = true
                }
            }
            return unknown ? nil : .bool(function == .all)
        case .latest:
            for id in ids.reversed() {
                if let value = env.value(ofItem: id) { return value }
            }
            return nil
        default:
            return nil
        }
    }

    private static func apply(_ op: BinaryOperator, _ l: Value, _ r: Value) -> Value? {
        switch (op, l, r) {
        case (.equal, _, _): return .bool(l == r)
        case (.notEqual, _, _): return .bool(l != r)
        case (.add, .number(let a), .number(let b)): return .number(a + b)
        case (.subtract, .number(let a), .number(let b)): return .number(a - b)
        case (.multiply, .number(let a), .number(let b)): return .number(a * b)
        case (.divide, .number(let a), .number(let b)): return b == 0 ? nil : .number(a / b)
        case (_, .number(let a), .number(let b)): return .bool(compare(op, a, b))
        case (_, .time(let a), .time(let b)): return .bool(compare(op, a, b))
        case (_, .date(let a), .date(let b)): return .bool(compare(op, a, b))
        default: return nil
        }
    }

    private static func compare<T: Comparable>(_ op: BinaryOperator, _ a: T, _ b: T) -> Bool {
        switch op {
        case .less: a < b
        case .lessOrEqual: a <= b
        case .greater: a > b
        case .greaterOrEqual: a >= b
        default: false
        }
    }
}
