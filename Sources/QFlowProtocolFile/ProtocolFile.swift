import Foundation
import QFlowEngine
import Yams

/// Reads protocol definitions from YAML files (`Protocols/*.yaml`), with every problem located by line and column.
///
/// ```swift
/// let result = ProtocolFile.load(path: "Protocols/who_surgical_safety.yaml")
/// for problem in result.diagnostics { print(problem) }   // FILE:LINE:COLUMN: message
/// ```
public enum ProtocolFile {
    /// The outcome of reading one file.
    public struct LoadResult: Sendable {
        /// The file's path.
        public var file: String
        /// The definition, when the file was readable enough to build one (it may still have diagnostics).
        public var spec: ProtocolSpec?
        /// Every problem found, in file order.
        public var diagnostics: [Diagnostic]
        /// Where each spec path is in the file (`phases[0].items[2].pass_if` → line and column).
        var locations: [String: (line: Int, column: Int)]

        /// Whether the file is valid.
        public var isValid: Bool { spec != nil && diagnostics.isEmpty }

        func location(of path: SpecPath) -> (line: Int, column: Int) {
            var components = path.components
            while !components.isEmpty {
                if let found = locations[SpecPath(components).description] { return found }
                components.removeLast()
            }
            return (1, 1)
        }
    }

    /// Reads and checks one file (YAML syntax, schema, rules and types; not cross-file references).
    ///
    /// With `today` (`YYYY-MM-DD`), a document-control review date before it is a problem too; nil skips that check
    /// (a sandbox, or a reader that only needs the definition).
    public static func load(path: String, today: String? = nil) -> LoadResult {
        let bytes: [UInt8]
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            // Read one byte past the limit: enough to know the file is too large without reading 50 MB.
            let data = try handle.read(upToCount: SourceGuard.maximumBytes + 1) ?? Data()
            bytes = [UInt8](data)
            if bytes.count > SourceGuard.maximumBytes,
                let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
            {
                let mb = size / 1_048_576
                return failure(
                    path, 1, 1,
                    "file is \(mb) MB; a protocol file may be at most \(SourceGuard.maximumBytes / 1_048_576) MB")
            }
        } catch {
            return failure(path, 1, 1, "cannot read file: \(describe(error))")
        }
        return load(bytes: bytes, file: path, today: today)
    }

    /// Reads and checks a protocol from bytes; `file` names it in diagnostics; `today` as in ``load(path:today:)``.
    public static func load(bytes: [UInt8], file: String, today: String? = nil) -> LoadResult {
        let text: String
        do {
            text = try SourceGuard.check(bytes)
        } catch {
            return failure(file, error.line, error.column, error.message)
        }
        let reader = NodeReader(file: file)
        let parser: Parser
        let root: Node?
        do {
            parser = try Parser(yaml: text, resolver: .basic)
            root = try parser.singleRoot()
        } catch let error as YamlError {
            let (line, column, message) = describe(error)
            return failure(file, line, column, message)
        } catch {
            return failure(file, 1, 1, "cannot parse YAML: \(error)")
        }
        guard let root else {
            return failure(
                file, 1, 1, "file is empty: a protocol needs id, version, title, kind, subject, roles and phases")
        }
        // Anchors are weak references owned by the parser: keep it alive while walking.
        let schema = ProtocolReader(reader)
        let spec = withExtendedLifetime(parser) { schema.protocolSpec(root) }
        if let spec {
            // Items that could not be read are already reported; references to them are not news.
            var dropped = schema.unreadableItemIds.flatMap { id in
                ["unknown item '\(id)'"]
                    + Function.allCases.filter(\.isAggregate).map { "\($0.rawValue)(): '\(id)' is unknown" }
            }
            if !dropped.isEmpty { dropped.append("a phase needs at least one item") }
            dropped += schema.itemsWithUnreadableRules.map { "'\($0)' is a " }
            for issue in spec.validate() where !dropped.contains(where: issue.message.hasPrefix) {
                reader.error(at: issue.path, issue.message, offset: issue.offset)
            }
            if let today {
                for issue in spec.reviewIssues(today: today) { reader.error(at: issue.path, issue.message) }
            }
        }
        var locations: [String: (Int, Int)] = [:]
        for (key, mark) in reader.marks { locations[key] = (mark.line, mark.column) }
        return LoadResult(
            file: file, spec: spec, diagnostics: Array(Set(reader.diagnostics)).sorted(), locations: locations)
    }

    private static func failure(_ file: String, _ line: Int, _ column: Int, _ message: String) -> LoadResult {
        LoadResult(
            file: file, spec: nil, diagnostics: [Diagnostic(file: file, line: line, column: column, message: message)],
            locations: [:])
    }

    private static func describe(_ error: YamlError) -> (Int, Int, String) {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let within = context.map { " (\($0.text))" } ?? ""
            return (mark.line, mark.column, "YAML syntax error: \(problem)\(within)")
        case .reader(let problem, let offset, _, let yaml):
            if let offset {
                let (line, column) = SourceGuard.position(of: offset, in: Array(yaml.utf8))
                return (line, column, "YAML reader error: \(problem)")
            }
            return (1, 1, "YAML reader error: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return (
                context.mark.line, context.mark.column,
                "duplicate key\(duplicates.count > 1 ? "s" : "") "
                    + "\(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in one mapping"
            )
        default:
            return (1, 1, "cannot parse YAML: \(error)")
        }
    }

    private static func describe(_ error: any Error) -> String {
        let ns = error as NSError
        if ns.domain == NSCocoaErrorDomain, ns.code == NSFileReadNoSuchFileError { return "no such file" }
        if ns.domain == NSCocoaErrorDomain, ns.code == NSFileReadNoPermissionError { return "permission denied" }
        return "\(error)"
    }
}
