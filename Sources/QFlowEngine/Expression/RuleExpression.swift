/// A rule written in QualityFlow's small, safe, typed expression language.
///
/// The language has literals (`12`, `65.5`, `"yes"`, `true`), item references (`baseline_count`, `si.identity`),
/// subject facts (`subject.special_infection`), arithmetic (`+ - * /`), comparisons (`== != < <= > >=`),
/// `x in ["a", "b"]`, `and`, `or`, `not`, parentheses and a few functions: `answered(item)`, `is_na(item)`,
/// `minutes_between(t1, t2)`, `hours_between(t1, t2)`, `abs(x)`, and over a repeating group's instances
/// `sum(x)`, `sum_before(x, y)`, `count(group)`, `all(x)`, `any(x)`, `latest(x)`, and in triggers `failed(x)`. It
/// cannot run code, loop or touch I/O.
/// Unknown values (an unanswered item) propagate: `and`/`or` follow three-valued logic.
///
/// ```swift
/// let rule = try RuleExpression(parsing: "final_count == baseline_count + added_count")
/// ```
public struct RuleExpression: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The expression text as written.
    public let source: String
    /// The parsed tree.
    public let root: ExpressionNode

    /// Parses an expression; throws an error whose ``ExpressionError/offset`` points into `source`.
    public init(parsing source: String) throws(ExpressionError) {
        self.source = source
        var parser = ExpressionParser(source)
        self.root = try parser.parseAll()
    }

    /// The text.
    public var description: String { source }

    /// Encodes as the source text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(source)
    }

    /// Decodes from source text.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    /// Creates an expression from a tree (the source stays the text it was written as).
    init(source: String, root: ExpressionNode) {
        self.source = source
        self.root = root
    }

    /// The same rule reading other items: every item reference renamed by `rename` (a template's rule made to read
    /// its own instance's items).
    public func renamingItems(_ rename: (String) -> String) -> RuleExpression {
        RuleExpression(source: source, root: root.renamingItems(rename))
    }

    /// Every item id the expression reads.
    public var referencedItems: Set<String> {
        var out = Set<String>()
        root.visit { if case .item(let id) = $0.kind { out.insert(id) } }
        return out
    }
}

/// A node of a parsed expression, with its offset (in characters) into the source.
public struct ExpressionNode: Sendable, Hashable {
    /// What the node is.
    public indirect enum Kind: Sendable, Hashable {
        /// A literal value.
        case literal(Value)
        /// An item's current value.
        case item(String)
        /// A subject fact.
        case subject(String)
        /// `not x` or `-x`.
        case unary(UnaryOperator, ExpressionNode)
        /// A binary operation.
        case binary(BinaryOperator, ExpressionNode, ExpressionNode)
        /// `x in [a, b, …]`.
        case member(ExpressionNode, [ExpressionNode])
        /// A function call.
        case call(Function, [ExpressionNode])
    }

    /// The node.
    public let kind: Kind
    /// Offset of the node's first character in the source.
    public let offset: Int

    /// The node with every item reference renamed.
    func renamingItems(_ rename: (String) -> String) -> ExpressionNode {
        let kind: Kind
        switch self.kind {
        case .literal, .subject: return self
        case .item(let id): kind = .item(rename(id))
        case .unary(let op, let x): kind = .unary(op, x.renamingItems(rename))
        case .binary(let op, let l, let r): kind = .binary(op, l.renamingItems(rename), r.renamingItems(rename))
        case .member(let x, let list): kind = .member(x.renamingItems(rename), list.map { $0.renamingItems(rename) })
        case .call(let f, let args): kind = .call(f, args.map { $0.renamingItems(rename) })
        }
        return ExpressionNode(kind: kind, offset: offset)
    }

    /// Calls `body` on this node and every node below it.
    public func visit(_ body: (ExpressionNode) -> Void) {
        body(self)
        switch kind {
        case .literal, .item, .subject: break
        case .unary(_, let x): x.visit(body)
        case .binary(_, let l, let r):
            l.visit(body)
            r.visit(body)
        case .member(let x, let list):
            x.visit(body)
            for element in list { element.visit(body) }
        case .call(_, let args):
            for argument in args { argument.visit(body) }
        }
    }
}

/// Unary operators.
public enum UnaryOperator: String, Sendable, Hashable {
    /// Logical negation.
    case not
    /// Arithmetic negation.
    case negate = "-"
}

/// Binary operators, from loosest to tightest binding: `or`, `and`, comparisons, `+ -`, `* /`.
public enum BinaryOperator: String, Sendable, Hashable {
    case or, and
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"

    /// Whether this is a comparison.
    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: true
        default: false
        }
    }
}

/// Built-in functions.
public enum Function: String, Sendable, Hashable, CaseIterable {
    /// `answered(item)`: the item has an answer other than n.a.
    case answered
    /// `is_na(item)`: the item was answered "not applicable".
    case isNA = "is_na"
    /// `minutes_between(t1, t2)`: minutes from t1 to t2.
    case minutesBetween = "minutes_between"
    /// `hours_between(t1, t2)`: hours from t1 to t2.
    case hoursBetween = "hours_between"
    /// `abs(x)`: absolute value.
    case abs
    /// `sum(x)`: the sum of a group template's answered numbers over the run's instances (0 when none).
    case sum
    /// `sum_before(x, y)`: the sum of `x` over the instances whose `x` was recorded no later than `y` was (what had
    /// been added to the field when a count was taken); unknown while `y` is unanswered.
    case sumBefore = "sum_before"
    /// `count(group)`: how many instances of a group the run has; `count(x)` of a template: how many have `x`
    /// answered.
    case count
    /// `all(x)`: every instance's `x` is true (true when there are none; unknown while one is unanswered).
    case all
    /// `any(x)`: some instance's `x` is true (false when there are none; unknown while one is unanswered and
    /// none is true).
    case any
    /// `latest(x)`: `x` in the last instance that has it answered.
    case latest
    /// `failed(x)`: the item is answered and fails its rule (for a group template: some instance does); false
    /// when it passes; unknown otherwise. Only in a trigger's `when`, so that no item's rule depends on another's
    /// outcome.
    case failed

    /// Whether the function reads a repeating group's instances.
    public var isAggregate: Bool {
        switch self {
        case .sum, .sumBefore, .count, .all, .any, .latest: true
        default: false
        }
    }
}

/// An expression error: what is wrong and where (offset in characters into the expression).
public struct ExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    /// Character offset into the expression source.
    public let offset: Int

    /// Creates an error.
    public init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// The message.
    public var description: String { message }
}
