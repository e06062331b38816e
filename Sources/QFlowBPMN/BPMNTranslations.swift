import QFlowProtocolFile
import Yams

extension BPMNImporter {
    /// Reads a translation side file (`FILE.zh.yaml`): BPMN element id → Chinese name, or → `{title, guidance}`.
    ///
    /// ```yaml
    /// Task_01: 确认患者身份
    /// Task_02: { title: 确认手术部位, guidance: 手术开始前核对 }
    /// ```
    public static func readTranslations(_ bytes: [UInt8], file: String) throws(BPMNError) -> [String: BPMNTranslation] {
        let document: SafeYAML.Document
        do {
            document = try SafeYAML.compose(bytes: bytes, file: file)
        } catch {
            throw BPMNError(.unsupported, [error])
        }
        var problems: [Diagnostic] = []
        func problem(_ node: Node, _ message: String) {
            problems.append(
                Diagnostic(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, message: message))
        }
        guard let mapping = document.root.mapping else {
            problem(document.root, "a translation file maps BPMN element ids to Chinese texts")
            throw BPMNError(.unsupported, problems)
        }
        var out: [String: BPMNTranslation] = [:]
        for (key, value) in mapping {
            guard let id = key.scalar?.string, !id.isEmpty else {
                problem(key, "each key is a BPMN element id")
                continue
            }
            if let text = value.scalar?.string {
                out[id] = BPMNTranslation(title: text)
            } else if let fields = value.mapping {
                var t = BPMNTranslation()
                for (k, v) in fields {
                    guard let name = k.scalar?.string, let text = v.scalar?.string else {
                        problem(k, "'\(id)': each field is a text")
                        continue
                    }
                    switch name {
                    case "title": t.title = text
                    case "guidance": t.guidance = text
                    default: problem(k, "'\(id)': unknown field '\(name)' (allowed: title, guidance)")
                    }
                }
                out[id] = t
            } else {
                problem(value, "'\(id)': give a text or {title, guidance}")
            }
        }
        guard problems.isEmpty else { throw BPMNError(.unsupported, problems) }
        return out
    }
}
