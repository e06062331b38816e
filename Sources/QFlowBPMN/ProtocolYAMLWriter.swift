import QFlowEngine

/// Writes a ``ProtocolSpec`` as a protocol file in the format of `Protocols/README.md`.
///
/// Covers what an import produces (roles, phases, items with type, flags, roles, guidance, source, rules and
/// deadlines, subject fields); every text is double-quoted, so no value can turn into a YAML 1.1 boolean or number
/// in another reader. Repeating groups, triggers, document control and permissions are not written (an import
/// never makes them), and ``write(_:header:)`` refuses a spec that has them rather than dropping them.
public enum ProtocolYAMLWriter {
    /// The YAML text of `spec`, after `header` lines written as comments.
    public static func write(_ spec: ProtocolSpec, header: [String] = []) -> String {
        precondition(
            spec.triggers.isEmpty && spec.document == nil && spec.permissions == nil && spec.deviation == nil
                && spec.phases.allSatisfy { $0.groups == nil },
            "ProtocolYAMLWriter writes imported protocols only")
        var out = header.map { "# \($0)\n" }.joined()
        out += "id: \(spec.id)\n"
        out += "version: \(spec.version)\n"
        out += "title: \(text(spec.title))\n"
        out += "kind: \(spec.kind.rawValue)\n"
        out += "subject: \(quote(spec.subject))\n"
        if let source = spec.source { out += "source: \(quote(source))\n" }
        if !spec.subjectFields.isEmpty {
            out += "subject_fields:\n"
            for field in spec.subjectFields { out += "  \(field.name): \(field.type.rawValue)\n" }
        }
        out += "roles:\n"
        for role in spec.roles {
            out += "  - id: \(role.id)\n"
            out += "    title: \(text(role.title))\n"
        }
        out += "phases:\n"
        for phase in spec.phases {
            out += "  - id: \(phase.id)\n"
            out += "    title: \(text(phase.title))\n"
            out += "    items:\n"
            for item in phase.items { out += self.item(item) }
        }
        return out
    }

    private static func item(_ item: ItemSpec) -> String {
        let pad = "        "
        var out = "      - id: \(item.id)\n"
        out += "\(pad)title: \(text(item.title))\n"
        out += "\(pad)type: \(item.type.name)\n"
        switch item.type {
        case .number(let unit, let min, let max):
            if let unit { out += "\(pad)unit: \(quote(unit))\n" }
            if let min { out += "\(pad)min: \(Value.number(min))\n" }
            if let max { out += "\(pad)max: \(Value.number(max))\n" }
        case .choice(let options):
            out += "\(pad)options:\n"
            for option in options { out += "\(pad)  - { id: \(quote(option.id)), label: \(text(option.label)) }\n" }
        case .signature(let signers):
            out += "\(pad)signers: [\(signers.joined(separator: ", "))]\n"
        case .check, .count, .time, .text: break
        }
        if !item.required { out += "\(pad)required: false\n" }
        if item.critical { out += "\(pad)critical: true\n" }
        if item.allowsNotApplicable { out += "\(pad)allow_na: true\n" }
        if !item.roles.isEmpty { out += "\(pad)roles: [\(item.roles.joined(separator: ", "))]\n" }
        if let guidance = item.guidance { out += "\(pad)guidance: \(text(guidance))\n" }
        if let source = item.source { out += "\(pad)source: \(quote(source))\n" }
        if let rule = item.showIf { out += "\(pad)show_if: \(quote(rule.source))\n" }
        if let rule = item.requiredIf { out += "\(pad)required_if: \(quote(rule.source))\n" }
        if let rule = item.passIf { out += "\(pad)pass_if: \(quote(rule.source))\n" }
        if let deadline = item.deadline {
            let anchor =
                switch deadline.anchor {
                case .item(let id): id
                case .subjectField(let field): "subject.\(field)"
                }
            var parts = ["\(deadline.before ? "before" : "after"): \(deadline.offset.text)", "of: \(anchor)"]
            if let role = deadline.escalateTo { parts.append("escalate_to: \(role)") }
            out += "\(pad)deadline: { \(parts.joined(separator: ", ")) }\n"
        }
        return out
    }

    private static func text(_ text: LocalizedText) -> String {
        "{ zh: \(quote(text.zh)), en: \(quote(text.en)) }"
    }

    /// A YAML double-quoted scalar.
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                    || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0xFEFF
                {
                    out +=
                        "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                        + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
