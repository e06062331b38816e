import Foundation

extension RunEvent {
    /// The event's canonical JSON as text: the same bytes as ``CanonicalJSON/encode(_:)``, written directly for the
    /// events recorded most often (answers, signatures, completion) and through `JSONEncoder` for the rest.
    public var canonicalJSON: String {
        if let fast = fastCanonicalJSON() { return fast }
        return String(decoding: CanonicalJSON.encode(self), as: UTF8.self)
    }

    private func fastCanonicalJSON() -> String? {
        let change: String
        switch self.change {
        case .recorded(let item, let value):
            guard let item = Self.quoted(item), let value = Self.encoded(value) else { return nil }
            change = "{\"recorded\":{\"item\":\(item),\"value\":\(value)}}"
        case .signed(let item, let role):
            guard let item = Self.quoted(item), let role = Self.quoted(role) else { return nil }
            change = "{\"signed\":{\"item\":\(item),\"role\":\(role)}}"
        case .completed:
            change = "{\"completed\":{}}"
        default:
            return nil
        }
        guard let id = Self.quoted(actor.id), let role = Self.quoted(actor.role) else { return nil }
        var out = "{\"actor\":{\"id\":\(id),\"role\":\(role)"
        if let subject = actor.subject {
            guard let bound = Self.quoted(subject) else { return nil }
            out += ",\"subject\":\(bound)"
        }
        if let workstation = actor.workstation {
            guard let station = Self.quoted(workstation) else { return nil }
            out += ",\"workstation\":\(station)"
        }
        out += "},\"at\":\"\(Timestamp.format(at))\",\"change\":\(change)"
        if let reason {
            guard let text = Self.quoted(reason) else { return nil }
            out += ",\"reason\":\(text)"
        }
        return out + "}"
    }

    private static func encoded(_ value: AnswerValue) -> String? {
        switch value {
        case .check(let b): return "{\"check\":{\"_0\":\(b ? "true" : "false")}}"
        case .count(let n): return "{\"count\":{\"_0\":\(n)}}"
        case .time(let d): return "{\"time\":{\"_0\":\"\(Timestamp.format(d))\"}}"
        case .choice(let s): return quoted(s).map { "{\"choice\":{\"_0\":\($0)}}" }
        case .text(let s): return quoted(s).map { "{\"text\":{\"_0\":\($0)}}" }
        case .notApplicable: return "{\"notApplicable\":{}}"
        case .number: return nil  // Double formatting is left to JSONEncoder.
        }
    }

    /// A JSON string literal, or nil when the text has characters whose escaping is left to `JSONEncoder`.
    private static func quoted(_ text: String) -> String? {
        var needsEscape = false
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0x7F {
                return nil
            }
            if scalar == "\"" || scalar == "\\" { needsEscape = true }
        }
        guard needsEscape else { return "\"" + text + "\"" }
        var out = "\""
        for scalar in text.unicodeScalars {
            if scalar == "\"" || scalar == "\\" { out.unicodeScalars.append("\\") }
            out.unicodeScalars.append(scalar)
        }
        return out + "\""
    }
}
