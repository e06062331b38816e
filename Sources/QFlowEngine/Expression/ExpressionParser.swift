/// Recursive-descent parser for ``RuleExpression`` with hard limits on length and nesting.
struct ExpressionParser {
    /// Longest accepted expression, in characters.
    static let maximumLength = 2_000
    /// Deepest accepted nesting of parentheses, operators and calls.
    static let maximumDepth = 48

    enum Token: Equatable {
        case number(Double)
        case string(String)
        case identifier(String)
        case symbol(String)
        case end
    }

    private let chars: [Character]
    private var tokens: [(token: Token, offset: Int)] = []
    private var position = 0
    private var depth = 0

    init(_ source: String) {
        self.chars = Array(source)
    }

    mutating func parseAll() throws(ExpressionError) -> ExpressionNode {
        guard chars.count <= Self.maximumLength else {
            throw ExpressionError("expression is longer than \(Self.maximumLength) characters", at: 0)
        }
        try tokenize()
        guard tokens.count > 1 else { throw ExpressionError("empty expression", at: 0) }
        let node = try parseOr()
        guard case .end = current.token else {
            throw ExpressionError(
                "unexpected \(describe(current.token)) after the end of the expression", at: current.offset)
        }
        return node
    }

    // MARK: Lexer

    private mutating func tokenize() throws(ExpressionError) {
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                i += 1
                continue
            }
            let start = i
            if c.isASCII && c.isNumber {
                var text = ""
                while i < chars.count, chars[i].isASCII, chars[i].isNumber || chars[i] == "." {
                    text.append(chars[i])
                    i += 1
                }
                guard let value = Double(text), text.filter({ $0 == "." }).count <= 1, text.last != "." else {
                    throw ExpressionError("malformed number '\(text)'", at: start)
                }
                tokens.append((.number(value), start))
            } else if c == "\"" || c == "'" {
                i += 1
                var text = ""
                while i < chars.count, chars[i] != c {
                    if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                    text.append(chars[i])
                    i += 1
                }
                guard i < chars.count else { throw ExpressionError("unterminated string", at: start) }
                i += 1
                tokens.append((.string(text), start))
            } else if c.isASCII && (c.isLetter || c == "_") {
                var text = ""
                while i < chars.count, chars[i].isASCII,
                    chars[i].isLetter || chars[i].isNumber || chars[i] == "_" || chars[i] == "."
                {
                    text.append(chars[i])
                    i += 1
                }
                guard text.last != ".", !text.contains("..") else {
                    throw ExpressionError("malformed name '\(text)'", at: start)
                }
                tokens.append((.identifier(text), start))
            } else {
                let two = i + 1 < chars.count ? String([c, chars[i + 1]]) : ""
                if ["==", "!=", "<=", ">=", "&&", "||"].contains(two) {
                    if two == "&&" || two == "||" {
                        throw ExpressionError("use 'and' / 'or' instead of '\(two)'", at: start)
                    }
                    tokens.append((.symbol(two), start))
                    i += 2
                } else if "<>+-*/()[],".contains(c) {
                    tokens.append((.symbol(String(c)), start))
                    i += 1
                } else if c == "=" {
                    throw ExpressionError("use '==' to compare", at: start)
                } else {
                    throw ExpressionError("unexpected character '\(c)'", at: start)
                }
            }
        }
        tokens.append((.end, chars.count))
    }

    // MARK: Grammar

    private var current: (token: Token, offset: Int) { tokens[position] }

    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    private func describe(_ token: Token) -> String {
        switch token {
        case .number(let n): "number \(Value.number(n))"
        case .string(let s): "text \"\(s)\""
        case .identifier(let s): "'\(s)'"
        case .symbol(let s): "'\(s)'"
        case .end: "end of expression"
        }
    }

    private mutating func isKeyword(_ word: String) -> Bool {
        if case .identifier(word) = current.token { return true }
        return false
    }

    private mutating func isSymbol(_ symbol: String) -> Bool {
        if case .symbol(symbol) = current.token { return true }
        return false
    }

    private mutating func expect(_ symbol: String) throws(ExpressionError) {
        guard isSymbol(symbol) else {
            throw ExpressionError("expected '\(symbol)' but found \(describe(current.token))", at: current.offset)
        }
        advance()
    }

    private mutating func nest() throws(ExpressionError) {
        depth += 1
        guard depth <= Self.maximumDepth else {
            throw ExpressionError("expression is nested more than \(Self.maximumDepth) levels deep", at: current.offset)
        }
    }

    private mutating func parseOr() throws(ExpressionError) -> ExpressionNode {
        try nest()
        defer { depth -= 1 }
        var left = try parseAnd()
        while isKeyword("or") {
            let offset = current.offset
            advance()
            let right = try parseAnd()
            left = ExpressionNode(kind: .binary(.or, left, right), offset: offset)
        }
        return left
    }

    private mutating func parseAnd() throws(ExpressionError) -> ExpressionNode {
        var left = try parseNot()
        while isKeyword("and") {
            let offset = current.offset
            advance()
            let right = try parseNot()
            left = ExpressionNode(kind: .binary(.and, left, right), offset: offset)
        }
        return left
    }

    private mutating func parseNot() throws(ExpressionError) -> ExpressionNode {
        if isKeyword("not") {
            let offset = current.offset
            advance()
            try nest()
            defer { depth -= 1 }
            return ExpressionNode(kind: .unary(.not, try parseNot()), offset: offset)
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws(ExpressionError) -> ExpressionNode {
        let left = try parseAdditive()
        if case .symbol(let s) = current.token, let op = BinaryOperator(rawValue: s), op.isComparison {
            let offset = current.offset
            advance()
            let right = try parseAdditive()
            if case .symbol(let s2) = current.token, BinaryOperator(rawValue: s2)?.isComparison == true {
                throw ExpressionError("comparisons cannot be chained; join them with 'and'", at: current.offset)
            }
            return ExpressionNode(kind: .binary(op, left, right), offset: offset)
        }
        if isKeyword("in") {
            let offset = current.offset
            advance()
            try expect("[")
            var list: [ExpressionNode] = []
            if !isSymbol("]") {
                repeat {
                    if isSymbol(",") { advance() }
                    list.append(try parseAdditive())
                } while isSymbol(",")
            }
            try expect("]")
            return ExpressionNode(kind: .member(left, list), offset: offset)
        }
        return left
    }

    private mutating func parseAdditive() throws(ExpressionError) -> ExpressionNode {
        var left = try parseMultiplicative()
        while case .symbol(let s) = current.token, s == "+" || s == "-" {
            let offset = current.offset
            advance()
            let right = try parseMultiplicative()
            left = ExpressionNode(kind: .binary(s == "+" ? .add : .subtract, left, right), offset: offset)
        }
        return left
    }

    private mutating func parseMultiplicative() throws(ExpressionError) -> ExpressionNode {
        var left = try parseUnary()
        while case .symbol(let s) = current.token, s == "*" || s == "/" {
            let offset = current.offset
            advance()
            let right = try parseUnary()
            left = ExpressionNode(kind: .binary(s == "*" ? .multiply : .divide, left, right), offset: offset)
        }
        return left
    }

    private mutating func parseUnary() throws(ExpressionError) -> ExpressionNode {
        if isSymbol("-") {
            let offset = current.offset
            advance()
            try nest()
            defer { depth -= 1 }
            return ExpressionNode(kind: .unary(.negate, try parseUnary()), offset: offset)
        }
        return try parsePrimary()
    }

    private static let reserved: Set<String> = ["and", "or", "not", "in", "true", "false"]

    private mutating func parsePrimary() throws(ExpressionError) -> ExpressionNode {
        let (token, offset) = current
        switch token {
        case .number(let n):
            advance()
            return ExpressionNode(kind: .literal(.number(n)), offset: offset)
        case .string(let s):
            advance()
            return ExpressionNode(kind: .literal(.text(s)), offset: offset)
        case .identifier("true"), .identifier("false"):
            advance()
            return ExpressionNode(kind: .literal(.bool(token == .identifier("true"))), offset: offset)
        case .identifier(let name) where !Self.reserved.contains(name):
            advance()
            if isSymbol("(") {
                guard let function = Function(rawValue: name) else {
                    let known = Function.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ExpressionError("unknown function '\(name)' (known: \(known))", at: offset)
                }
                advance()
                try nest()
                defer { depth -= 1 }
                var args: [ExpressionNode] = []
                if !isSymbol(")") {
                    args.append(try parseOr())
                    while isSymbol(",") {
                        advance()
                        args.append(try parseOr())
                    }
                }
                try expect(")")
                return ExpressionNode(kind: .call(function, args), offset: offset)
            }
            if name.hasPrefix("subject.") {
                let field = String(name.dropFirst("subject.".count))
                guard !field.contains(".") else {
                    throw ExpressionError("malformed subject field '\(name)'", at: offset)
                }
                return ExpressionNode(kind: .subject(field), offset: offset)
            }
            if name == "subject" {
                throw ExpressionError("write 'subject.FIELD' to read a subject fact", at: offset)
            }
            return ExpressionNode(kind: .item(name), offset: offset)
        case .symbol("("):
            advance()
            let inner = try parseOr()
            try expect(")")
            return inner
        default:
            throw ExpressionError("expected a value but found \(describe(token))", at: offset)
        }
    }
}
