/// Translates a BPMN sequence-flow condition, written in the small subset of Python (SpiffWorkflow) or JUEL
/// (Camunda, `${…}`) that qflow accepts, into the protocol rule language.
///
/// Accepted: names, numbers, quoted text, `True`/`False` (`true`/`false`), `== != < <= > >=`, `and or not`
/// (`&& || !`), `+ - * /`, parentheses, `x in ["a", "b"]`, `x is None`, `x is not None`. Anything else (calls,
/// attributes, indexing, `**`, `%`, chained comparisons, escapes in text) is refused with its position.
struct ConditionTranslator {
    /// A name the condition reads, with what it is compared to.
    struct Reference {
        var name: String
        /// The literal kind it is compared with (`bool`, `number`, `text`), or nil when unknown.
        var kind: LiteralKind?
        /// Text literals it is compared with (a choice's options).
        var texts: [String]
    }

    enum LiteralKind: Equatable {
        case bool, number, text
    }

    struct Failure: Error {
        var message: String
        /// Offset in characters into the condition text.
        var offset: Int
    }

    enum Token: Hashable {
        case name(String)
        case number(String)
        case text(String)
        case symbol(String)
    }

    let tokens: [(token: Token, offset: Int)]

    /// Tokenizes a condition (after removing a `${…}` wrapper).
    init(_ raw: String) throws(Failure) {
        var source = Array(raw)
        var base = 0
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("${"), trimmed.hasSuffix("}") {
            let start = raw.firstIndex(of: "$").map { raw.distance(from: raw.startIndex, to: $0) } ?? 0
            base = start + 2
            source = Array(trimmed.dropFirst(2).dropLast())
        }
        var out: [(Token, Int)] = []
        var i = 0
        while i < source.count {
            let c = source[i]
            if c.isWhitespace {
                i += 1
                continue
            }
            let start = i
            if c.isASCII, c.isLetter || c == "_" {
                var name = ""
                while i < source.count, source[i].isASCII, source[i].isLetter || source[i].isNumber || source[i] == "_"
                {
                    name.append(source[i])
                    i += 1
                }
                out.append((.name(name), base + start))
            } else if c.isASCII, c.isNumber {
                var digits = ""
                while i < source.count, source[i].isASCII, source[i].isNumber || source[i] == "." {
                    digits.append(source[i])
                    i += 1
                }
                out.append((.number(digits), base + start))
            } else if c == "\"" || c == "'" {
                var text = ""
                i += 1
                while i < source.count, source[i] != c {
                    if source[i] == "\\" {
                        throw Failure(message: "escapes in text are not accepted", offset: base + i)
                    }
                    text.append(source[i])
                    i += 1
                }
                guard i < source.count else { throw Failure(message: "unterminated text", offset: base + start) }
                i += 1
                out.append((.text(text), base + start))
            } else {
                let two = i + 1 < source.count ? String([c, source[i + 1]]) : ""
                if ["==", "!=", "<=", ">=", "&&", "||"].contains(two) {
                    out.append((.symbol(two), base + start))
                    i += 2
                } else if "<>()[],+-*/!".contains(c) {
                    if c == "*" || c == "/", i + 1 < source.count, source[i + 1] == c {
                        throw Failure(message: "'\(c)\(c)' is not accepted", offset: base + start)
                    }
                    out.append((.symbol(String(c)), base + start))
                    i += 1
                } else {
                    throw Failure(message: "'\(c)' is not accepted in a condition", offset: base + start)
                }
            }
        }
        guard !out.isEmpty else { throw Failure(message: "empty condition", offset: 0) }
        self.tokens = out
    }

    private static let keywords: Set<String> = [
        "and", "or", "not", "in", "is", "None", "True", "False", "true", "false",
    ]
    private static let comparisons: Set<String> = ["==", "!=", "<", "<=", ">", ">="]

    /// The names the condition reads (not keywords), with the literals they are compared to.
    func references() throws(Failure) -> [Reference] {
        var out: [String: Reference] = [:]
        var order: [String] = []
        func literal(_ t: Token) -> (LiteralKind, String?)? {
            switch t {
            case .number: (.number, nil)
            case .text(let s): (.text, s)
            case .name(let n) where ["True", "False", "true", "false"].contains(n): (.bool, nil)
            default: nil
            }
        }
        for (k, entry) in tokens.enumerated() {
            guard case .name(let name) = entry.token, !Self.keywords.contains(name) else { continue }
            if k + 1 < tokens.count, tokens[k + 1].token == .symbol("(") {
                throw Failure(message: "function calls are not accepted ('\(name)(…)')", offset: entry.offset)
            }
            var ref = out[name] ?? Reference(name: name, kind: nil, texts: [])
            if out[name] == nil { order.append(name) }
            var seen: [(LiteralKind, String?)] = []
            if k + 2 < tokens.count, case .symbol(let op) = tokens[k + 1].token, Self.comparisons.contains(op),
                let lit = literal(tokens[k + 2].token)
            {
                seen.append(lit)
            }
            if k >= 2, case .symbol(let op) = tokens[k - 1].token, Self.comparisons.contains(op),
                let lit = literal(tokens[k - 2].token)
            {
                seen.append(lit)
            }
            if k + 2 < tokens.count, tokens[k + 1].token == .name("in"), tokens[k + 2].token == .symbol("[") {
                var j = k + 3
                while j < tokens.count, tokens[j].token != .symbol("]") {
                    if let lit = literal(tokens[j].token) { seen.append(lit) }
                    j += 1
                }
            }
            if seen.isEmpty {
                let before = k > 0 ? tokens[k - 1].token : nil
                let after = k + 1 < tokens.count ? tokens[k + 1].token : nil
                let logical: Set<Token?> = [
                    nil, .name("and"), .name("or"), .name("not"), .symbol("("), .symbol(")"), .symbol("&&"),
                    .symbol("||"), .symbol("!"),
                ]
                if logical.contains(before), logical.contains(after) { seen.append((.bool, nil)) }
                if after == .name("is"), k + 2 < tokens.count,
                    [.name("True"), .name("False")].contains(tokens[k + 2].token)
                {
                    seen.append((.bool, nil))
                }
            }
            for (kind, text) in seen {
                if ref.kind == nil || ref.kind == kind {
                    ref.kind = kind
                } else {
                    throw Failure(message: "'\(name)' is compared with values of different types", offset: entry.offset)
                }
                if let text, !ref.texts.contains(text) { ref.texts.append(text) }
            }
            out[name] = ref
        }
        return order.compactMap { out[$0] }
    }

    /// The condition in the rule language, each name replaced by `rename` (nil: unknown name, refused).
    func rule(renaming rename: (String) -> String?) throws(Failure) -> String {
        var parts: [String] = []
        var k = 0
        while k < tokens.count {
            let (token, offset) = tokens[k]
            switch token {
            case .name(let name):
                switch name {
                case "True", "true": parts.append("true")
                case "False", "false": parts.append("false")
                case "and", "or", "not", "in": parts.append(name)
                case "None": throw Failure(message: "None is accepted only in 'x is None'", offset: offset)
                case "is":
                    throw Failure(message: "'is' is accepted only as 'x is None' or 'x is not None'", offset: offset)
                default:
                    guard let id = rename(name) else {
                        throw Failure(message: "'\(name)' is not a task or a variable of this process", offset: offset)
                    }
                    if k + 2 < tokens.count, tokens[k + 1].token == .name("is") {
                        if tokens[k + 2].token == .name("True") || tokens[k + 2].token == .name("False") {
                            parts.append("\(id) == \(tokens[k + 2].token == .name("True") ? "true" : "false")")
                            k += 3
                            continue
                        }
                        if tokens[k + 2].token == .name("None") {
                            parts.append("not answered(\(id))")
                            k += 3
                            continue
                        }
                        if k + 3 < tokens.count, tokens[k + 2].token == .name("not"),
                            tokens[k + 3].token == .name("None")
                        {
                            parts.append("answered(\(id))")
                            k += 4
                            continue
                        }
                    }
                    parts.append(id)
                }
            case .number(let digits): parts.append(digits)
            case .text(let text):
                guard !text.contains("\"") else {
                    throw Failure(message: "text with '\"' is not accepted", offset: offset)
                }
                parts.append("\"\(text)\"")
            case .symbol(let s):
                switch s {
                case "&&": parts.append("and")
                case "||": parts.append("or")
                case "!": parts.append("not")
                default: parts.append(s)
                }
            }
            k += 1
        }
        var out = ""
        for (i, part) in parts.enumerated() {
            if i > 0, !["(", "["].contains(parts[i - 1]), ![")", "]", ","].contains(part) { out += " " }
            out += part
        }
        return out
    }
}
