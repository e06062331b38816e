import Foundation
import QFlowEngine
import Yams

/// Walks a composed YAML tree with a schema in mind, collecting diagnostics and remembering where each path is.
final class NodeReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    /// Where each spec path's value starts in the file.
    private(set) var marks: [String: Mark] = [:]
    private var visited = 0
    /// Most nodes a protocol file may contain (a checklist has hundreds, not millions).
    static let maximumNodes = 200_000

    init(file: String) {
        self.file = file
    }

    // MARK: Diagnostics

    func error(_ mark: Mark?, _ message: String, columnOffset: Int = 0) {
        diagnostics.append(
            Diagnostic(file: file, line: mark?.line ?? 1, column: (mark?.column ?? 1) + columnOffset, message: message))
    }

    func error(at path: SpecPath, _ message: String, offset: Int? = nil) {
        var components = path.components
        while !components.isEmpty, marks[SpecPath(components).description] == nil { components.removeLast() }
        let key = SpecPath(components).description
        error(marks[key], message, columnOffset: offset.map { $0 + (quoteShift[key] ?? 0) } ?? 0)
    }

    /// For scalars whose text begins one column after the mark (quoted styles); nil for multi-line styles.
    private var quoteShift: [String: Int] = [:]

    // MARK: Nodes

    /// Records the node's position and refuses anchors and aliases, which protocol files never need.
    func enter(_ node: Node, _ path: SpecPath) -> Bool {
        visited += 1
        guard visited <= Self.maximumNodes else {
            if visited == Self.maximumNodes + 1 {
                error(node.mark, "file has more than \(Self.maximumNodes) YAML nodes")
            }
            return false
        }
        if node.anchor != nil || node.alias != nil {
            error(
                node.mark,
                "YAML anchors and aliases (&name, *name) are not allowed in protocol files; write the content out")
            return false
        }
        marks[path.description] = node.mark
        if let scalar = node.scalar {
            switch scalar.style {
            case .plain: quoteShift[path.description] = 0
            case .singleQuoted, .doubleQuoted: quoteShift[path.description] = 1
            default: break
            }
        }
        return true
    }

    /// Reads a mapping, reporting unknown keys (with a suggestion) and missing required keys.
    func mapping(
        _ node: Node, _ path: SpecPath, what: String, allowed: [String], required: [String] = []
    ) -> [String: Node]? {
        guard enter(node, path) else { return nil }
        guard let mapping = node.mapping else {
            error(node.mark, "\(what) must be a mapping of keys to values")
            return nil
        }
        var out: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard keyNode.anchor == nil, let key = keyNode.scalar?.string else {
                error(keyNode.mark, "keys in \(what) must be plain names")
                continue
            }
            guard allowed.contains(key) else {
                let hint = Self.suggest(key, allowed)
                error(keyNode.mark, "unknown key '\(key)' in \(what)\(hint)")
                continue
            }
            out[key] = value
            marks[path.key(key).description] = value.mark
        }
        for key in required where out[key] == nil {
            error(node.mark, "\(what) is missing required key '\(key)'")
        }
        return out
    }

    func sequence(_ node: Node, _ path: SpecPath, what: String) -> [Node]? {
        guard enter(node, path) else { return nil }
        guard let sequence = node.sequence else {
            error(node.mark, "\(what) must be a list")
            return nil
        }
        return Array(sequence)
    }

    func string(_ node: Node?, _ path: SpecPath, what: String) -> String? {
        guard let node, enter(node, path) else { return nil }
        guard let scalar = node.scalar else {
            error(node.mark, "\(what) must be a single value, not a \(node.mapping != nil ? "mapping" : "list")")
            return nil
        }
        let text = scalar.string
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            error(node.mark, "\(what) must not be empty")
            return nil
        }
        return text
    }

    func int(_ node: Node?, _ path: SpecPath, what: String) -> Int? {
        guard let text = string(node, path, what: what) else { return nil }
        guard let value = Int(text) else {
            error(node?.mark, "\(what) must be a whole number, not '\(text.prefix(40))'")
            return nil
        }
        return value
    }

    func double(_ node: Node?, _ path: SpecPath, what: String) -> Double? {
        guard let text = string(node, path, what: what) else { return nil }
        guard let value = Double(text), value.isFinite else {
            error(node?.mark, "\(what) must be a number, not '\(text.prefix(40))'")
            return nil
        }
        return value
    }

    func bool(_ node: Node?, _ path: SpecPath, what: String) -> Bool? {
        guard let text = string(node, path, what: what) else { return nil }
        switch text {
        case "true", "yes": return true
        case "false", "no": return false
        default:
            error(node?.mark, "\(what) must be true or false, not '\(text.prefix(40))'")
            return nil
        }
    }

    func strings(_ node: Node?, _ path: SpecPath, what: String) -> [String]? {
        guard let node else { return nil }
        if node.scalar != nil { return string(node, path, what: what).map { [$0] } }
        guard let list = sequence(node, path, what: what) else { return nil }
        return list.enumerated().compactMap { string($1, path.index($0), what: "each entry of \(what)") }
    }

    func text(_ node: Node?, _ path: SpecPath, what: String) -> LocalizedText? {
        guard let node else { return nil }
        guard
            let map = mapping(node, path, what: "\(what) (zh and en)", allowed: ["zh", "en"], required: ["zh", "en"])
        else {
            return nil
        }
        guard let zh = string(map["zh"], path.key("zh"), what: "\(what).zh"),
            let en = string(map["en"], path.key("en"), what: "\(what).en")
        else { return nil }
        return LocalizedText(zh: zh, en: en)
    }

    func rule(_ node: Node?, _ path: SpecPath, what: String) -> RuleExpression? {
        guard let source = string(node, path, what: what) else { return nil }
        do {
            return try RuleExpression(parsing: source)
        } catch {
            self.error(at: path, "\(what): \(error.message)", offset: error.offset)
            return nil
        }
    }

    static func suggest(_ key: String, _ allowed: [String]) -> String {
        guard let best = allowed.min(by: { editDistance(key, $0) < editDistance(key, $1) }),
            editDistance(key, best) <= max(2, key.count / 3), editDistance(key, best) < key.count
        else {
            return " (allowed: \(allowed.joined(separator: ", ")))"
        }
        return " (did you mean '\(best)'?)"
    }
}
