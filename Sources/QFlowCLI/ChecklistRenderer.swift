import Foundation
import QFlowEngine

/// Renders a protocol as a plain-text checklist, in one language, for printing.
struct ChecklistRenderer {
    let spec: ProtocolSpec
    let language: Language

    private func t(_ zh: String, _ en: String) -> String { language == .zh ? zh : en }

    func render() -> String {
        var out = ""
        let title = "\(spec.title.text(language))  (\(spec.reference))"
        out += title + "\n" + String(repeating: "=", count: min(78, title.count + 4)) + "\n"
        let roles = spec.roles.map { $0.title.text(language) }.joined(separator: language == .zh ? "、" : ", ")
        out += t("角色：", "Roles: ") + roles + "\n"
        if let source = spec.source { out += t("依据：", "Source: ") + source + "\n" }
        if let d = spec.document {
            out += t("文件编号：", "Document: ") + d.number + t("　第\(spec.version)版", ", version \(spec.version)") + "\n"
            out +=
                t("归口部门：", "Owner: ") + d.owner.text(language) + t("　批准：", "; approved by: ")
                + d.approver.text(language) + "\n"
            out += t("生效日期：", "Effective: ") + d.effective + t("　复审期限：", "; review by: ") + d.reviewBy + "\n"
            out += t("修订记录：", "Changes:") + "\n"
            for change in d.changes {
                out += "  v\(change.version) \(change.date)  \(change.summary.text(language))\n"
            }
        }
        let roleNames = Dictionary(spec.roles.map { ($0.id, $0.title.text(language)) }, uniquingKeysWith: { a, _ in a })
        if let queue = spec.queue {
            out +=
                t("工作队列：", "Queue: claimed by ") + (roleNames[queue.offeredTo] ?? queue.offeredTo)
                + t("认领；重新分配：", "; reassigned by ")
                + queue.reassignBy.map { roleNames[$0] ?? $0 }.joined(separator: language == .zh ? "、" : ", ")
            if let limit = queue.unclaimed {
                out += t("；无人认领超过 \(limit) 上报", "; unclaimed after \(limit) → reassigners")
            }
            out += "\n"
        }
        var number = 0
        /// One numbered item with its flags, rules, signatures, deadline, guidance and source.
        func line(_ item: ItemSpec) -> String {
            var out = ""
            number += 1
            var flags: [String] = []
            if item.critical { flags.append(t("关键", "CRITICAL")) }
            if item.isGate { flags.append(t("未通过则停止后续步骤", "GATE: nothing after it until it passes")) }
            if !item.required || item.requiredIf != nil { flags.append(t("视情况", "if applicable")) }
            if item.allowsNotApplicable { flags.append(t("可不适用", "n.a. allowed")) }
            let flagText = flags.isEmpty ? "" : "  [\(flags.joined(separator: ", "))]"
            out += "\(number). \(box(item)) \(item.title.text(language))\(flagText)\n"
            if let show = item.showIf { out += "     " + t("仅当：", "only when: ") + show.source + "\n" }
            if let pass = item.passIf, pass.source.trimmingCharacters(in: .whitespaces) != "true" {
                out += "     " + t("合格条件：", "passes when: ") + pass.source + "\n"
            }
            if case .signature(let signers) = item.type {
                for signer in signers {
                    out += "     " + t("签名", "Signed") + " (\(roleNames[signer] ?? signer)): ____________\n"
                }
            }
            if let deadline = item.deadline {
                let anchor: String
                switch deadline.anchor {
                case .subjectField(let f): anchor = "subject.\(f)"
                case .item(let i): anchor = i
                }
                let side = deadline.before ? t("之前", "before") : t("之后", "after")
                out += "     " + t("时限：", "due: ") + "\(deadline.offset) \(side) \(anchor)"
                if let role = deadline.escalateTo { out += t("；逾期上报 ", "; overdue → ") + (roleNames[role] ?? role) }
                out += "\n"
                for (n, step) in (deadline.ladder ?? []).enumerated() {
                    let when = step.before ? t("截止前", "before due") : t("截止后", "after due")
                    let what = step.escalates ? t("上报", "escalate to") : t("提醒", "remind")
                    out += "       \(n + 1). \(step.offset) \(when): \(what) \(roleNames[step.role] ?? step.role)\n"
                }
            }
            if let guidance = item.guidance {
                out += "     " + t("指引：", "Guidance: ") + guidance.text(language) + "\n"
            }
            if let source = item.source { out += "     " + t("来源：", "Source: ") + source + "\n" }
            return out
        }
        for phase in spec.phases {
            out += "\n## \(phase.title.text(language))\n"
            for item in phase.items { out += line(item) }
            for group in phase.groups ?? [] {
                let times =
                    group.min > 0
                    ? t("至少 \(group.min) 次，最多 \(group.max) 次", "at least \(group.min), at most \(group.max) times")
                    : t("按需，最多 \(group.max) 次", "as needed, at most \(group.max) times")
                out += "\n### \(group.title.text(language))  (\(t("可重复", "repeats")): \(times))\n"
                for item in group.items { out += line(item) }
            }
        }
        return out
    }

    private func box(_ item: ItemSpec) -> String {
        switch item.type {
        case .check:
            return item.allowsNotApplicable ? t("□是 □否 □不适用", "[ ] yes [ ] no [ ] n.a.") : t("□是 □否", "[ ] yes [ ] no")
        case .count: return t("数量 ____", "count ____")
        case .number(let unit, _, _): return "____ \(unit ?? "")"
        case .time: return t("时间 __:__", "time __:__")
        case .choice(let options): return options.map { "[ ] " + $0.label.text(language) }.joined(separator: " ")
        case .text: return "__________"
        case .signature: return t("签名", "sign")
        }
    }
}
