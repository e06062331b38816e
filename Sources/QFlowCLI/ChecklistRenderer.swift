import Foundation
import QFlowEngine

/// Renders a protocol as a plain-text checklist, in one language, for printing.
struct ChecklistRenderer {
    let spec: ProtocolSpec
    let language: Language

    func render() -> String {
        var out = ""
        let title = "\(spec.title.text(language))  (\(spec.reference))"
        out += title + "\n" + String(repeating: "=", count: min(78, title.count + 4)) + "\n"
        let roles = spec.roles.map { $0.title.text(language) }.joined(separator: language.listSeparator)
        out += language.text(zh: "角色：", en: "Roles: ") + roles + "\n"
        if let source = spec.source { out += language.text(zh: "依据：", en: "Source: ") + source + "\n" }
        if let d = spec.document {
            out +=
                language.text(zh: "文件编号：", en: "Document: ") + d.number
                + language.text(zh: "　第\(spec.version)版", en: ", version \(spec.version)") + "\n"
            out +=
                language.text(zh: "归口部门：", en: "Owner: ") + d.owner.text(language)
                + language.text(zh: "　批准：", en: "; approved by: ")
                + d.approver.text(language) + "\n"
            out +=
                language.text(zh: "生效日期：", en: "Effective: ") + d.effective
                + language.text(zh: "　复审期限：", en: "; review by: ") + d.reviewBy + "\n"
            out += language.text(zh: "修订记录：", en: "Changes:") + "\n"
            for change in d.changes {
                out += "  v\(change.version) \(change.date)  \(change.summary.text(language))\n"
            }
        }
        let roleNames = Dictionary(spec.roles.map { ($0.id, $0.title.text(language)) }, uniquingKeysWith: { a, _ in a })
        if let queue = spec.queue {
            out +=
                language.text(zh: "工作队列：", en: "Queue: claimed by ") + (roleNames[queue.offeredTo] ?? queue.offeredTo)
                + language.text(zh: "认领；重新分配：", en: "; reassigned by ")
                + queue.reassignBy.map { roleNames[$0] ?? $0 }.joined(separator: language.listSeparator)
            if let limit = queue.unclaimed {
                out += language.text(zh: "；无人认领超过 \(limit) 上报", en: "; unclaimed after \(limit) → reassigners")
            }
            out += "\n"
        }
        var number = 0
        /// One numbered item with its flags, rules, signatures, deadline, guidance and source.
        func line(_ item: ItemSpec) -> String {
            var out = ""
            number += 1
            var flags: [String] = []
            if item.critical { flags.append(language.text(zh: "关键", en: "CRITICAL")) }
            if item.isGate {
                flags.append(language.text(zh: "未通过则停止后续步骤", en: "GATE: nothing after it until it passes"))
            }
            if !item.required || item.requiredIf != nil { flags.append(language.text(zh: "视情况", en: "if applicable")) }
            if item.allowsNotApplicable { flags.append(language.text(zh: "可不适用", en: "n.a. allowed")) }
            let flagText = flags.isEmpty ? "" : "  [\(flags.joined(separator: ", "))]"
            out += "\(number). \(box(item)) \(item.title.text(language))\(flagText)\n"
            if let show = item.showIf {
                out += "     " + language.text(zh: "仅当：", en: "only when: ") + show.source + "\n"
            }
            if let pass = item.passIf, pass.source.trimmingCharacters(in: .whitespaces) != "true" {
                out += "     " + language.text(zh: "合格条件：", en: "passes when: ") + pass.source + "\n"
            }
            if case .signature(let signers) = item.type {
                for signer in signers {
                    out +=
                        "     " + language.text(zh: "签名", en: "Signed")
                        + " (\(roleNames[signer] ?? signer)): ____________\n"
                }
            }
            if let deadline = item.deadline {
                let anchor: String
                switch deadline.anchor {
                case .subjectField(let f): anchor = "subject.\(f)"
                case .item(let i): anchor = i
                }
                let side =
                    deadline.before ? language.text(zh: "之前", en: "before") : language.text(zh: "之后", en: "after")
                out += "     " + language.text(zh: "时限：", en: "due: ") + "\(deadline.offset) \(side) \(anchor)"
                if let role = deadline.escalateTo {
                    out += language.text(zh: "；逾期上报 ", en: "; overdue → ") + (roleNames[role] ?? role)
                }
                out += "\n"
                for (n, step) in (deadline.ladder ?? []).enumerated() {
                    let when =
                        step.before
                        ? language.text(zh: "截止前", en: "before due") : language.text(zh: "截止后", en: "after due")
                    let what =
                        step.escalates
                        ? language.text(zh: "上报", en: "escalate to") : language.text(zh: "提醒", en: "remind")
                    out += "       \(n + 1). \(step.offset) \(when): \(what) \(roleNames[step.role] ?? step.role)\n"
                }
            }
            if let guidance = item.guidance {
                out += "     " + language.text(zh: "指引：", en: "Guidance: ") + guidance.text(language) + "\n"
            }
            if let source = item.source { out += "     " + language.text(zh: "来源：", en: "Source: ") + source + "\n" }
            return out
        }
        for phase in spec.phases {
            out += "\n## \(phase.title.text(language))\n"
            for item in phase.items { out += line(item) }
            for group in phase.groups ?? [] {
                let times =
                    group.min > 0
                    ? language.text(
                        zh: "至少 \(group.min) 次，最多 \(group.max) 次",
                        en: "at least \(group.min), at most \(group.max) times")
                    : language.text(zh: "按需，最多 \(group.max) 次", en: "as needed, at most \(group.max) times")
                out += "\n### \(group.title.text(language))  (\(language.text(zh: "可重复", en: "repeats")): \(times))\n"
                for item in group.items { out += line(item) }
            }
        }
        return out
    }

    private func box(_ item: ItemSpec) -> String {
        switch item.type {
        case .check:
            return item.allowsNotApplicable
                ? language.text(zh: "□是 □否 □不适用", en: "[ ] yes [ ] no [ ] n.a.")
                : language.text(zh: "□是 □否", en: "[ ] yes [ ] no")
        case .count: return language.text(zh: "数量 ____", en: "count ____")
        case .number(let unit, _, _): return "____ \(unit ?? "")"
        case .time: return language.text(zh: "时间 __:__", en: "time __:__")
        case .choice(let options): return options.map { "[ ] " + $0.label.text(language) }.joined(separator: " ")
        case .text: return "__________"
        case .signature: return language.text(zh: "签名", en: "sign")
        }
    }
}
