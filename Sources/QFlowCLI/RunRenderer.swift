import Foundation
import QFlowEngine
import QFlowStore

/// Renders a run as a checklist with marks: ✔ passed, ✘ failed, – n.a., » skipped, ☐ open.
struct RunRenderer {
    let detail: RunDetail
    let language: Language

    func render(history: Bool) -> String {
        let sheet = detail.sheet
        let spec = sheet.spec
        let summary = detail.summary
        var out = "\(summary.id)  \(spec.title.text(language))  (\(spec.reference))\n"
        out += "\(language.text(zh: "对象", en: "Subject")): \(detail.subject.id)"
        if let room = detail.subject.room { out += "  \(language.text(zh: "房间", en: "room")) \(room)" }
        out += "  \(language.text(zh: "状态", en: "status")): \(summary.status)  #\(summary.lastSeq)\n"
        if let parent = summary.triggeredByRun {
            out += "\(language.text(zh: "由", en: "Started by")) \(parent) (\(summary.triggerId ?? ""))\n"
        }
        if let queue = spec.queue {
            let owner =
                detail.state.owner.map { "\(language.text(zh: "负责人", en: "owner")) \($0.user)" }
                ?? language.text(zh: "待认领", en: "unclaimed")
            out += "\(language.text(zh: "工作队列", en: "Queue")): \(queue.offeredTo)  \(owner)\n"
        }
        if let last = detail.state.escalations.last {
            let x = last.escalation
            out +=
                "\(language.text(zh: "已到提醒/升级", en: "Ladder step reached")): \(x.item ?? "queue") \(x.step) → "
                + "\(x.to.joined(separator: ", "))  (\(Timestamp.format(last.at)))\n"
        }
        let current = sheet.currentPhase
        for (index, phase) in spec.phases.enumerated() {
            let marker = index == current && summary.status == .active ? " ◀" : ""
            out += "\n## \(phase.title.text(language))\(marker)\n"
            for item in phase.items {
                let status = sheet.status(of: item)
                if status == .hidden { continue }
                var mark: String
                switch status {
                case .answered:
                    if case .fail? = sheet.outcome(of: item) { mark = "✘" } else { mark = "✔" }
                case .notApplicable: mark = "–"
                case .skipped: mark = "»"
                default: mark = "☐"
                }
                var line = "\(mark) \(item.title.text(language))"
                if let answer = detail.state.answers[item.id] {
                    line += ": \(answer.value.description)  [\(answer.actor.role)]"
                }
                if let signed = detail.state.signatures[item.id], !signed.isEmpty {
                    line +=
                        ": \(language.text(zh: "已签", en: "signed by")) \(signed.keys.sorted().joined(separator: ", "))"
                }
                if item.critical { line += language.text(zh: "  【关键】", en: "  [CRITICAL]") }
                out += "  \(line)   (\(item.id))\n"
                if case .fail(let why)? = sheet.outcome(of: item) {
                    out += "      \(language.text(zh: "不合格", en: "FAILED")): \(why)\n"
                }
                if let reason = detail.state.skipped[item.id] {
                    out += "      \(language.text(zh: "跳过", en: "skipped")): \(reason)\n"
                }
                if status == .open, let due = sheet.due(item) {
                    out += "      \(language.text(zh: "截止", en: "due")): \(Timestamp.format(due))\n"
                }
            }
        }
        if detail.state.status.isOpen {
            let blockers = sheet.completionBlockers
            out +=
                blockers.isEmpty
                ? "\n\(language.text(zh: "可以完成", en: "Ready to complete"))\n"
                : "\n\(language.text(zh: "尚不能完成", en: "Cannot complete yet")):\n"
                    + blockers.prefix(10).map { "  - \($0.message)\n" }.joined()
        }
        if history {
            out += "\n\(language.text(zh: "记录", en: "History")):\n"
            for (seq, event) in detail.events {
                let actor = "\(event.actor.id)/\(event.actor.role)"
                out += "  #\(seq) \(Timestamp.format(event.at)) \(actor) \(describe(event.change))"
                if let reason = event.reason { out += " — \(reason)" }
                out += "\n"
            }
        }
        return out
    }

    private func describe(_ change: RunEvent.Change) -> String {
        switch change {
        case .started(let s): "started \(s.protocolId)@\(s.version) attempt \(s.attempt)"
        case .recorded(let item, let value): "recorded \(item) = \(value.description)"
        case .signed(let item, let role): "signed \(item) as \(role)"
        case .returned(let to, let reopened): "returned to \(to) (reopened \(reopened.joined(separator: ", ")))"
        case .jumped(let to, let skipped): "jumped to \(to) (skipped \(skipped.joined(separator: ", ")))"
        case .suspended: "suspended"
        case .resumed: "resumed"
        case .stopped: "stopped"
        case .restarted(let new): "restarted as \(new)"
        case .migrated(let m): "migrated v\(m.fromVersion) → v\(m.toVersion)"
        case .triggered(let trigger, let protocolId): "trigger \(trigger) → \(protocolId)"
        case .deviated(let items): "deviation signed off (failed: \(items.joined(separator: ", ")))"
        case .completed: "completed"
        case .claimed: "claimed"
        case .released: "released"
        case .reassigned(let to, let from): "reassigned to \(to)" + (from.map { " (from \($0))" } ?? "")
        case .escalated(let x):
            "\(x.escalates ? "escalated" : "reminder"): \(x.item ?? "queue") step \(x.step) "
                + "(due \(Timestamp.format(x.due))) → \(x.to.joined(separator: ", "))"
        }
    }
}
