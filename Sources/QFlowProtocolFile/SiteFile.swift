import Foundation
import QFlowEngine
import Yams

/// Reads a site file (`Site/site.yaml`) into a ``SiteSpec``, with every problem located as `FILE:LINE:COLUMN`.
///
/// ```swift
/// let library = ProtocolLibraryLoader.load(paths: ["Protocols"]).specs
/// let result = SiteFile.load(path: "Site/site.yaml", library: library)
/// for problem in result.diagnostics { print(problem) }
/// ```
public enum SiteFile {
    /// The outcome of reading a site file.
    public struct LoadResult: Sendable {
        /// The file's path.
        public var file: String
        /// The definition, when the file was readable enough to build one (it may still have diagnostics).
        public var spec: SiteSpec?
        /// Every problem found, in file order.
        public var diagnostics: [Diagnostic]

        /// Whether the file is valid.
        public var isValid: Bool { spec != nil && diagnostics.isEmpty }
    }

    /// Keys of the top-level mapping.
    static let siteKeys = [
        "site", "version", "name", "time_zone", "rooms", "laundry_lines", "linen_parameter_set", "idle_lock_minutes",
        "session_hours", "bundles", "archive",
    ]

    /// Reads and checks a site file; with `library`, bundles are checked against those protocols too.
    public static func load(path: String, library: [ProtocolSpec]? = nil) -> LoadResult {
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: SourceGuard.maximumBytes + 1) ?? Data()
        } catch {
            let ns = error as NSError
            let why = ns.code == NSFileReadNoSuchFileError ? "no such file" : "cannot read file"
            return failure(path, 1, 1, why)
        }
        return load(bytes: [UInt8](data), file: path, library: library)
    }

    /// Reads and checks a site definition from bytes; `file` names it in diagnostics.
    public static func load(bytes: [UInt8], file: String, library: [ProtocolSpec]? = nil) -> LoadResult {
        let document: SafeYAML.Document
        do {
            document = try SafeYAML.compose(bytes: bytes, file: file)
        } catch {
            var problem = error
            if problem.message == "the file is empty" {
                problem.message = "the file is empty: a site needs site, version, name, time_zone, rooms and bundles"
            }
            return LoadResult(file: file, spec: nil, diagnostics: [problem])
        }
        let reader = NodeReader(file: file)
        let spec = withExtendedLifetime(document.parser) { SiteReader(reader: reader).site(document.root) }
        if let spec {
            for issue in spec.validate(library: library) {
                reader.error(at: issue.path, issue.message, offset: issue.offset)
            }
        }
        return LoadResult(file: file, spec: spec, diagnostics: Array(Set(reader.diagnostics)).sorted())
    }

    private static func failure(_ file: String, _ line: Int, _ column: Int, _ message: String) -> LoadResult {
        LoadResult(
            file: file, spec: nil, diagnostics: [Diagnostic(file: file, line: line, column: column, message: message)])
    }
}

/// The site file schema: turns a YAML tree into a ``SiteSpec``, reporting every problem it meets.
struct SiteReader {
    let reader: NodeReader

    func site(_ root: Node) -> SiteSpec? {
        let path = SpecPath()
        guard
            let map = reader.mapping(
                root, path, what: "the site file", allowed: SiteFile.siteKeys,
                required: ["site", "version", "name", "time_zone", "rooms", "linen_parameter_set"])
        else { return nil }
        let id = reader.string(map["site"], path.key("site"), what: "site")
        let version = reader.int(map["version"], path.key("version"), what: "version")
        let name = reader.text(map["name"], path.key("name"), what: "name")
        let zone = reader.string(map["time_zone"], path.key("time_zone"), what: "time_zone")
        let rooms = places(map["rooms"], path.key("rooms"), what: "rooms")
        let lines = places(map["laundry_lines"], path.key("laundry_lines"), what: "laundry_lines")
        var parameterSet: LinenParameterSet?
        if let text = reader.string(
            map["linen_parameter_set"], path.key("linen_parameter_set"), what: "linen_parameter_set")
        {
            parameterSet = LinenParameterSet(rawValue: text)
            if parameterSet == nil {
                let names = LinenParameterSet.allCases.map(\.rawValue)
                reader.error(
                    map["linen_parameter_set"]?.mark,
                    "unknown linen parameter set '\(text.prefix(40))'\(RuleExpression.suggestion(text, names)) (one "
                        + "of: \(names.joined(separator: ", ")))"
                )
            }
        }
        let idle = map["idle_lock_minutes"].flatMap {
            reader.int($0, path.key("idle_lock_minutes"), what: "idle_lock_minutes")
        }
        let session = map["session_hours"].flatMap { reader.int($0, path.key("session_hours"), what: "session_hours") }
        let bundles = list(map["bundles"], path.key("bundles"), what: "bundles") { bundle($0, $1) }
        let archive = map["archive"].flatMap { self.archive($0, path.key("archive")) }
        guard let id, let version, let name, let zone, let rooms, let parameterSet else { return nil }
        if map["archive"] != nil, archive == nil { return nil }
        if map["idle_lock_minutes"] != nil, idle == nil { return nil }
        if map["session_hours"] != nil, session == nil { return nil }
        return SiteSpec(
            id: id, version: version, name: name, timeZone: zone, rooms: rooms, laundryLines: lines ?? [],
            linenParameterSet: parameterSet, idleLockMinutes: idle ?? 5, sessionHours: session ?? 12,
            bundles: bundles ?? [], archive: archive)
    }

    /// `archive: { fonds: A014, classes: [{ code: WS, title: {…}, retention: Y, roles: [archivist] }] }`.
    private func archive(_ node: Node, _ path: SpecPath) -> ArchiveSpec? {
        guard
            let map = reader.mapping(
                node, path, what: "the archive section", allowed: ["fonds", "classes"], required: ["fonds", "classes"])
        else { return nil }
        let fonds = reader.string(map["fonds"], path.key("fonds"), what: "fonds")
        let classes = list(map["classes"], path.key("classes"), what: "classes") { node, p -> ArchiveClassSpec? in
            guard
                let entry = reader.mapping(
                    node, p, what: "an archive class", allowed: ["code", "title", "retention", "roles"],
                    required: ["code", "title", "retention", "roles"])
            else { return nil }
            let code = reader.string(entry["code"], p.key("code"), what: "code")
            let title = reader.text(entry["title"], p.key("title"), what: "title")
            let roles = reader.strings(entry["roles"], p.key("roles"), what: "roles")
            var retention: RetentionPeriod?
            if let text = reader.string(entry["retention"], p.key("retention"), what: "retention") {
                retention = RetentionPeriod(rawValue: text)
                if retention == nil {
                    let names = RetentionPeriod.allCases.map(\.rawValue)
                    reader.error(
                        entry["retention"]?.mark,
                        "unknown retention period '\(text.prefix(20))' (one of: \(names.joined(separator: ", ")): Y "
                            + "permanent, D30 30 years, D10 10 years)"
                    )
                }
            }
            guard let code, let title, let roles, let retention else { return nil }
            return ArchiveClassSpec(code: code, title: title, retention: retention, roles: roles)
        }
        guard let fonds, let classes else { return nil }
        return ArchiveSpec(fonds: fonds, classes: classes)
    }

    private func list<T>(_ node: Node?, _ path: SpecPath, what: String, _ body: (Node, SpecPath) -> T?) -> [T]? {
        guard let node, let nodes = reader.sequence(node, path, what: what) else { return nil }
        return nodes.enumerated().compactMap { body($1, path.index($0)) }
    }

    private func places(_ node: Node?, _ path: SpecPath, what: String) -> [SitePlace]? {
        list(node, path, what: what) { node, p in
            guard
                let map = reader.mapping(
                    node, p, what: "an entry of \(what)", allowed: ["id", "title"], required: ["id", "title"])
            else { return nil }
            let id = reader.string(map["id"], p.key("id"), what: "id")
            let title = reader.text(map["title"], p.key("title"), what: "title")
            guard let id, let title else { return nil }
            return SitePlace(id: id, title: title)
        }
    }

    private func bundle(_ node: Node, _ path: SpecPath) -> BundleSpec? {
        guard
            let map = reader.mapping(
                node, path, what: "a bundle", allowed: ["id", "subject", "title", "protocols", "when"],
                required: ["id", "subject", "title", "protocols"])
        else { return nil }
        let id = reader.string(map["id"], path.key("id"), what: "bundle id")
        let subject = reader.string(map["subject"], path.key("subject"), what: "subject")
        let title = reader.text(map["title"], path.key("title"), what: "bundle title")
        let when = reader.rule(map["when"], path.key("when"), what: "when")
        let entries = list(map["protocols"], path.key("protocols"), what: "protocols") { entry($0, $1) }
        guard let id, let subject, let title, let entries else { return nil }
        if map["when"] != nil, when == nil { return nil }
        return BundleSpec(id: id, subjectKind: subject, title: title, protocols: entries, when: when)
    }

    /// `- or_scrub_nurse` or `- { protocol: special_infection, when: subject.special_infection }`.
    private func entry(_ node: Node, _ path: SpecPath) -> BundleEntry? {
        if node.scalar != nil {
            return reader.string(node, path, what: "a protocol id").map { BundleEntry(protocolId: $0) }
        }
        guard
            let map = reader.mapping(
                node, path, what: "a bundle entry", allowed: ["protocol", "when"], required: ["protocol"])
        else { return nil }
        let id = reader.string(map["protocol"], path.key("protocol"), what: "protocol")
        let when = reader.rule(map["when"], path.key("when"), what: "when")
        guard let id else { return nil }
        if map["when"] != nil, when == nil { return nil }
        return BundleEntry(protocolId: id, when: when)
    }
}
