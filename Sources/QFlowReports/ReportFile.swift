import Foundation
import QFlowEngine
import QFlowProtocolFile
import QFlowStore
import Yams

/// Reads report definitions (`Reports/NAME.yaml`); every problem is `FILE:LINE:COLUMN: message`.
public enum ReportFile {
    /// Reads and checks a report file.
    public static func load(path: String) throws(ReportError) -> ReportSpec {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportError(.io, "\(path): cannot read the file")
        }
        guard data.count <= 256 * 1024 else {
            throw ReportError(.invalidReportFile, "\(path): a report file is at most 256 KB")
        }
        let document: SafeYAML.Document
        do {
            document = try SafeYAML.compose(bytes: Array(data), file: path)
        } catch {
            throw ReportError(.invalidReportFile, error.description)
        }
        let reader = Reader(file: path)
        return try withExtendedLifetime(document.parser) { () throws(ReportError) -> ReportSpec in
            try reader.report(document.root)
        }
    }

    struct Reader {
        let file: String

        func fail(_ node: Node, _ message: String) -> ReportError {
            let mark = node.mark.map { "\($0.line):\($0.column)" } ?? "1:1"
            return ReportError(.invalidReportFile, "\(file):\(mark): \(message)")
        }

        func mapping(_ node: Node, _ what: String, allowed: [String]) throws(ReportError) -> [(String, Node)] {
            guard case .mapping(let map) = node else { throw fail(node, "\(what) must be a mapping (key: value)") }
            var out: [(String, Node)] = []
            for (key, value) in map {
                guard case .scalar(let k) = key else { throw fail(key, "keys must be plain names") }
                guard allowed.contains(k.string) else {
                    throw fail(
                        key,
                        "unknown key '\(k.string)' in \(what)\(RuleExpression.suggestion(k.string, allowed)); "
                            + "allowed: \(allowed.joined(separator: ", "))"
                    )
                }
                out.append((k.string, value))
            }
            return out
        }

        func string(_ node: Node, _ what: String) throws(ReportError) -> String {
            guard case .scalar(let s) = node else { throw fail(node, "\(what) must be text") }
            return s.string
        }

        func strings(_ node: Node, _ what: String) throws(ReportError) -> [String] {
            guard case .sequence(let seq) = node else { throw fail(node, "\(what) must be a list, e.g. [a, b]") }
            var out: [String] = []
            for item in seq { out.append(try string(item, "each entry of \(what)")) }
            return out
        }

        func text(_ node: Node, _ what: String) throws(ReportError) -> LocalizedText {
            let pairs = try mapping(node, what, allowed: ["zh", "en"])
            var zh: String?
            var en: String?
            for (k, v) in pairs {
                if k == "zh" { zh = try string(v, "\(what).zh") } else { en = try string(v, "\(what).en") }
            }
            guard let zh, let en else { throw fail(node, "\(what) needs both zh and en") }
            return LocalizedText(zh: zh, en: en)
        }

        func report(_ root: Node) throws(ReportError) -> ReportSpec {
            let keys = ["title", "cohorts", "comparisons", "compliance", "spc", "actions", "deviations", "raw"]
            var spec = ReportSpec(title: LocalizedText(zh: "", en: ""), file: file)
            var hasTitle = false
            for (key, value) in try mapping(root, "the report", allowed: keys) {
                switch key {
                case "title":
                    spec.title = try text(value, "title")
                    hasTitle = true
                case "cohorts":
                    guard case .sequence(let seq) = value else { throw fail(value, "cohorts must be a list") }
                    for node in seq { spec.cohorts.append(try cohort(node)) }
                case "comparisons":
                    guard case .sequence(let seq) = value else { throw fail(value, "comparisons must be a list") }
                    for node in seq { spec.comparisons.append(try comparison(node)) }
                case "compliance": spec.compliance = try compliance(value)
                case "spc": spec.spc = try spc(value)
                case "actions": try actions(value, into: &spec)
                case "deviations": spec.deviations = try flag(value, "deviations")
                default: spec.raw = try raw(value)
                }
            }
            guard hasTitle else { throw fail(root, "a report needs a title: { zh: …, en: … }") }
            return spec
        }

        /// `true`/`false` (or `yes`/`no`).
        func flag(_ node: Node, _ what: String) throws(ReportError) -> Bool {
            let flag = try string(node, what)
            guard ["true", "false", "yes", "no"].contains(flag) else { throw fail(node, "\(what) is true or false") }
            return flag == "true" || flag == "yes"
        }

        /// `compliance: { cohort: NAME, by: [DIMENSION, …], threshold: SHARE }`.
        func compliance(
            _ node: Node
        ) throws(ReportError) -> (cohort: String?, by: [ComplianceDimension], threshold: Double) {
            var cohort: String?
            var by: [ComplianceDimension] = [.item]
            var threshold = 0.95
            for (k, v) in try mapping(node, "compliance", allowed: ["cohort", "by", "threshold"]) {
                switch k {
                case "cohort": cohort = try string(v, "compliance.cohort")
                case "by":
                    by = []
                    for name in try strings(v, "compliance.by") {
                        guard let d = ComplianceDimension(rawValue: name) else {
                            throw fail(
                                v, "compliance.by: '\(name)' is not one of item, phase, protocol, role, room, month")
                        }
                        by.append(d)
                    }
                default:
                    guard let x = Double(try string(v, "compliance.threshold")), x > 0, x <= 1 else {
                        throw fail(v, "compliance.threshold is a share between 0 and 1, e.g. 0.95")
                    }
                    threshold = x
                }
            }
            return (cohort, by, threshold)
        }

        /// `spc: { measure: M }` or `spc: { measures: [M, …], cohort: NAME }`.
        func spc(_ node: Node) throws(ReportError) -> (measures: [String], cohort: String?) {
            var measures: [String] = []
            var cohort: String?
            for (k, v) in try mapping(node, "spc", allowed: ["measure", "measures", "cohort"]) {
                switch k {
                case "measure": measures.append(try checkedMeasure(v))
                case "measures":
                    guard case .sequence(let seq) = v else { throw fail(v, "spc.measures must be a list") }
                    for item in seq { measures.append(try checkedMeasure(item)) }
                default: cohort = try string(v, "spc.cohort")
                }
            }
            guard !measures.isEmpty else { throw fail(node, "spc needs a measure (or measures: [a, b])") }
            return (measures, cohort)
        }

        /// `actions: true`, or `actions: { protocol: ID }` to list another protocol's runs as the corrective actions
        /// (default ``ReportSpec/defaultActionsProtocol``).
        func actions(_ node: Node, into spec: inout ReportSpec) throws(ReportError) {
            guard case .mapping = node else {
                spec.actions = try flag(node, "actions")
                return
            }
            for (_, v) in try mapping(node, "actions", allowed: ["protocol"]) {
                let id = try string(v, "actions.protocol")
                guard ProtocolSpec.isValidIdentifier(id) else {
                    throw fail(
                        v,
                        "actions.protocol must be a protocol id (lowercase letters, digits and _, starting with a "
                            + "letter), e.g. corrective_action")
                }
                spec.actionsProtocol = id
            }
            spec.actions = true
        }

        /// `raw: { cohort: NAME, protocols: [ID, …] }`.
        func raw(_ node: Node) throws(ReportError) -> (cohort: String?, protocols: [String]) {
            var cohort: String?
            var protocols: [String] = []
            for (k, v) in try mapping(node, "raw", allowed: ["cohort", "protocols"]) {
                if k == "cohort" {
                    cohort = try string(v, "raw.cohort")
                } else {
                    protocols = try strings(v, "raw.protocols")
                }
            }
            return (cohort, protocols)
        }

        func checkedMeasure(_ node: Node) throws(ReportError) -> String {
            let text = try string(node, "measure")
            do {
                _ = try Measure(parsing: text)
            } catch {
                throw fail(node, error.message)
            }
            return text
        }

        func comparison(_ node: Node) throws(ReportError) -> ReportSpec.ComparisonSpec {
            var measure: String?
            var cohorts: [String] = []
            var overTime = false
            var its = false
            var title: LocalizedText?
            for (k, v) in try mapping(node, "a comparison", allowed: ["measure", "cohorts", "over", "design", "title"])
            {
                switch k {
                case "measure": measure = try checkedMeasure(v)
                case "cohorts": cohorts = try strings(v, "cohorts")
                case "over":
                    guard try string(v, "over") == "month" else { throw fail(v, "over: only 'month' is supported") }
                    overTime = true
                case "design":
                    guard try string(v, "design") == "its" else {
                        throw fail(v, "design: only 'its' (interrupted time series) is supported")
                    }
                    its = true
                default: title = try text(v, "title")
                }
            }
            guard let measure else { throw fail(node, "a comparison needs a measure") }
            if its, !overTime || cohorts.count != 2 {
                throw fail(node, "design: its needs over: month and two cohorts (the months before, the months after)")
            }
            guard overTime ? !cohorts.isEmpty : cohorts.count == 2 else {
                throw fail(
                    node, overTime ? "a chart needs at least one cohort" : "a comparison needs exactly two cohorts")
            }
            return .init(
                measure: measure, cohorts: cohorts, overTime: overTime, title: title, interruptedTimeSeries: its)
        }

        func cohort(_ node: Node) throws(ReportError) -> Cohort {
            let keys = [
                "name", "description", "kind", "with_protocol", "without_protocol", "from", "to", "rooms", "wards",
                "facts",
            ]
            var c = Cohort(name: "")
            for (k, v) in try mapping(node, "a cohort", allowed: keys) {
                switch k {
                case "name": c.name = try string(v, "name")
                case "description": c.description = try string(v, "description")
                case "kind": c.subjectKind = try string(v, "kind")
                case "with_protocol": c.withProtocol = try strings(v, "with_protocol")
                case "without_protocol": c.withoutProtocol = try strings(v, "without_protocol")
                case "from": c.from = try string(v, "from")
                case "to": c.to = try string(v, "to")
                case "rooms": c.rooms = try strings(v, "rooms")
                case "wards": c.wards = try strings(v, "wards")
                default:
                    guard case .mapping(let map) = v else { throw fail(v, "facts must be a mapping NAME: VALUE") }
                    for (fk, fv) in map { c.facts[try string(fk, "a fact name")] = try string(fv, "a fact value") }
                }
            }
            guard !c.name.isEmpty else { throw fail(node, "a cohort needs a name") }
            return c
        }
    }
}
