import Foundation

/// A recorded answer to an item, already checked against the item's type.
public enum AnswerValue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Yes or no for a check item.
    case check(Bool)
    /// A count (≥ 0).
    case count(Int)
    /// A measured number.
    case number(Double)
    /// A point in time.
    case time(Date)
    /// The id of the chosen option.
    case choice(String)
    /// Free text.
    case text(String)
    /// Not applicable.
    case notApplicable

    /// The value as rules see it (nil for n.a.).
    public var ruleValue: Value? {
        switch self {
        case .check(let b): .bool(b)
        case .count(let n): .number(Double(n))
        case .number(let x): .number(x)
        case .time(let d): .time(d)
        case .choice(let s), .text(let s): .text(s)
        case .notApplicable: nil
        }
    }

    /// The value as a person reads it (`yes`, `12`, `2026-03-01T08:30:00.000Z`, `n.a.`).
    public var description: String {
        switch self {
        case .check(let b): b ? "yes" : "no"
        case .count(let n): String(n)
        case .number(let x): Value.number(x).description
        case .time(let d): Timestamp.format(d)
        case .choice(let s), .text(let s): s
        case .notApplicable: "n.a."
        }
    }
}

extension ItemSpec {
    /// Longest accepted free-text answer, in characters.
    public static let maximumTextLength = 4_000

    /// Parses typed input from a workstation (`yes`/`no`/`na`, `12`, `65.5`, ISO-8601 time, an option id, text).
    public func parseAnswer(_ raw: String) throws(EngineError) -> AnswerValue {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let lower = text.lowercased()
        if ["na", "n.a.", "n/a", "not applicable"].contains(lower), type.name != "text" {
            return .notApplicable
        }
        let value: AnswerValue
        switch type {
        case .check:
            switch lower {
            case "yes", "y", "true", "是": value = .check(true)
            case "no", "n", "false", "否": value = .check(false)
            default: throw EngineError(.invalidAnswer, "'\(id)' is a yes/no check: answer yes, no or na", item: id)
            }
        case .count:
            guard let n = Int(text) else {
                throw EngineError(.invalidAnswer, "'\(id)' is a count: answer a whole number", item: id)
            }
            value = .count(n)
        case .number:
            guard let x = Double(text), x.isFinite, !text.isEmpty, text.allSatisfy({ $0.isASCII }) else {
                throw EngineError(.invalidAnswer, "'\(id)' is a number: the answer given is not one", item: id)
            }
            value = .number(x)
        case .time:
            guard let d = Timestamp.parse(text) else {
                throw EngineError(
                    .invalidAnswer,
                    "'\(id)' is a time: write ISO-8601 with a time zone, e.g. 2026-03-01T08:30:00+08:00", item: id)
            }
            value = .time(d)
        case .choice:
            value = .choice(text)
        case .text:
            value = .text(raw)
        case .signature:
            throw EngineError(.notRecordable, "'\(id)' is a signature: use sign", item: id)
        }
        try validate(value)
        return value
    }

    /// Checks that a typed value fits this item (type, range, options, n.a. allowed).
    public func validate(_ value: AnswerValue) throws(EngineError) {
        switch (type, value) {
        case (.signature, _):
            throw EngineError(.notRecordable, "'\(id)' is a signature: use sign", item: id)
        case (_, .notApplicable):
            guard allowsNotApplicable else {
                throw EngineError(.invalidAnswer, "'\(id)' does not allow n.a.", item: id)
            }
        case (.check, .check):
            break
        case (.count, .count(let n)):
            guard n >= 0 else { throw EngineError(.invalidAnswer, "'\(id)' is a count: \(n) is below 0", item: id) }
            guard n <= 1_000_000 else {
                throw EngineError(.invalidAnswer, "'\(id)' is a count: \(n) is implausibly large", item: id)
            }
        case (.number(let unit, let min, let max), .number(let x)):
            guard x.isFinite else { throw EngineError(.invalidAnswer, "'\(id)' needs a finite number", item: id) }
            let u = unit.map { " \($0)" } ?? ""
            if let min, x < min {
                throw EngineError(
                    .invalidAnswer,
                    "'\(id)': \(Value.number(x))\(u) is below the accepted minimum \(Value.number(min))\(u)", item: id)
            }
            if let max, x > max {
                throw EngineError(
                    .invalidAnswer,
                    "'\(id)': \(Value.number(x))\(u) is above the accepted maximum \(Value.number(max))\(u)", item: id)
            }
        case (.time, .time):
            break
        case (.choice(let options), .choice(let option)):
            guard options.contains(where: { $0.id == option }) else {
                let list = options.map(\.id).joined(separator: ", ")
                throw EngineError(
                    .invalidAnswer, "'\(id)': the answer given is not one of its options (options: \(list))", item: id)
            }
        case (.text, .text(let s)):
            guard s.count <= Self.maximumTextLength else {
                throw EngineError(
                    .invalidAnswer, "'\(id)': text is longer than \(Self.maximumTextLength) characters", item: id)
            }
        default:
            throw EngineError(
                .invalidAnswer, "'\(id)' is a \(type.name) item; a \(value.kindName) answer does not fit", item: id)
        }
    }
}

extension AnswerValue {
    var kindName: String {
        switch self {
        case .check: "check"
        case .count: "count"
        case .number: "number"
        case .time: "time"
        case .choice: "choice"
        case .text: "text"
        case .notApplicable: "n.a."
        }
    }
}
