import Foundation
import Yams

/// Composes small, trusted-shape YAML documents (protocol and report files) safely: size, UTF-8, NUL bytes and
/// nesting depth are checked on the raw bytes first, and anchors and aliases (the "billion laughs") are refused.
public enum SafeYAML {
    /// A composed document; keep `parser` alive while reading `root`.
    public struct Document {
        /// The parser that owns the nodes.
        public let parser: Parser
        /// The root node.
        public let root: Node
    }

    /// Parses `bytes` or throws one located diagnostic naming `file`.
    public static func compose(bytes: [UInt8], file: String) throws(Diagnostic) -> Document {
        let text: String
        do {
            text = try SourceGuard.check(bytes)
        } catch {
            throw Diagnostic(file: file, line: error.line, column: error.column, message: error.message)
        }
        let parser: Parser
        let root: Node?
        do {
            parser = try Parser(yaml: text, resolver: .basic)
            root = try parser.singleRoot()
        } catch {
            throw Diagnostic(file: file, line: 1, column: 1, message: "cannot parse YAML: \(error)")
        }
        guard let root else { throw Diagnostic(file: file, line: 1, column: 1, message: "the file is empty") }
        if let node = firstAnchorOrAlias(root) {
            throw Diagnostic(
                file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1,
                message: "YAML anchors and aliases (&name, *name) are not allowed; write the content out")
        }
        return Document(parser: parser, root: root)
    }

    /// The first node with an anchor or an alias, without following aliases.
    private static func firstAnchorOrAlias(_ node: Node) -> Node? {
        if node.anchor != nil || node.alias != nil { return node }
        switch node {
        case .mapping(let map):
            for (key, value) in map {
                if let found = firstAnchorOrAlias(key) ?? firstAnchorOrAlias(value) { return found }
            }
        case .sequence(let seq):
            for item in seq { if let found = firstAnchorOrAlias(item) { return found } }
        default:
            break
        }
        return nil
    }
}
