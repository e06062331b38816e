import Foundation
import QFlowEngine
import Testing
import Yams

@testable import QFlowProtocolFile

/// Every shipped YAML file (protocols, worked runs, reports) loads unchanged in PyYAML, another YAML reader, and
/// PyYAML's `safe_load` sees the same data as qflow's reader (``SafeYAML``).
///
/// PyYAML implements YAML 1.1, so the comparison is typed: where PyYAML reads a plain scalar as a boolean, number,
/// date or null, qflow's text for it must mean the same value (`true` for `True`, `65` for `65`); a scalar PyYAML
/// reads as `yes` → `True` but qflow as the text `yes` in a text field is a difference, and reported.
@Suite("Portability")
struct PortabilityTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The shipped files: `Protocols/*.yaml`, `Protocols/examples/*`, `Examples/*`, `Reports/*.yaml` and `Site/*.yaml`.
    static var shippedFiles: [String] {
        var out: [String] = []
        for folder in ["Protocols", "Protocols/examples", "Examples", "Reports", "Site"] {
            let url = root.appendingPathComponent(folder)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { continue }
            for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                out.append(url.appendingPathComponent(name).path)
            }
        }
        return out
    }

    /// A Python with PyYAML: `$QFLOW_PYTHON`, the venv `make test` prepares (`.build/pyenv`), else `python3`.
    static var python: [String] {
        if let python = ProcessInfo.processInfo.environment["QFLOW_PYTHON"] { return [python] }
        let venv = root.appendingPathComponent(".build/pyenv/bin/python").path
        if FileManager.default.isExecutableFile(atPath: venv) { return [venv] }
        return ["/usr/bin/env", "python3"]
    }

    /// Reads each file with `yaml.safe_load` and prints one JSON object: path → tagged tree (`{"m": [[k, v]…]}`,
    /// `{"l": […]}`, `["s", text]`, `["b", bool]`, `["i", "digits"]`, `["f", "repr"]`, `["n"]`, `["d", iso]`),
    /// or `{"error": message}` when PyYAML cannot read the file.
    static let script = #"""
        import datetime, json, sys, yaml
        def tag(v):
            if isinstance(v, dict): return {"m": [[tag(k), tag(x)] for k, x in v.items()]}
            if isinstance(v, list): return {"l": [tag(x) for x in v]}
            if isinstance(v, bool): return ["b", v]
            if isinstance(v, int): return ["i", str(v)]
            if isinstance(v, float): return ["f", repr(v)]
            if v is None: return ["n"]
            if isinstance(v, (datetime.date, datetime.datetime)): return ["d", v.isoformat()]
            return ["s", v]
        out = {}
        for path in sys.argv[1:]:
            try:
                with open(path, encoding="utf-8") as f: out[path] = tag(yaml.safe_load(f))
            except Exception as e:
                out[path] = {"error": str(e).replace("\n", " ")}
        print(json.dumps(out))
        """#

    /// Runs PyYAML over `files`; returns path → tagged tree.
    static func pyyaml(_ files: [String]) throws -> [String: Any] {
        let process = Process()
        let command = python + ["-c", script] + files
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(
            process.terminationStatus == 0,
            "PyYAML is needed (`make test-deps` installs python3-yaml, or set QFLOW_PYTHON): \(errors)")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The differences between qflow's tree and PyYAML's, as `LINE:COL: what`.
    static func differences(_ node: Node, _ tagged: Any, _ out: inout [String]) {
        let at = "\(node.mark?.line ?? 0):\(node.mark?.column ?? 0)"
        switch node {
        case .mapping(let map):
            guard let entries = (tagged as? [String: Any])?["m"] as? [[Any]] else {
                out.append("\(at): qflow reads a mapping, PyYAML \(tagged)")
                return
            }
            guard entries.count == map.count else {
                out.append("\(at): qflow reads \(map.count) keys, PyYAML \(entries.count) (a duplicate key?)")
                return
            }
            for ((key, value), entry) in zip(map, entries) {
                differences(key, entry[0], &out)
                differences(value, entry[1], &out)
            }
        case .sequence(let seq):
            guard let items = (tagged as? [String: Any])?["l"] as? [Any], items.count == seq.count else {
                out.append("\(at): qflow reads a list of \(seq.count), PyYAML \(tagged)")
                return
            }
            for (item, other) in zip(seq, items) { differences(item, other, &out) }
        case .scalar(let scalar):
            guard let pair = tagged as? [Any], let kind = pair.first as? String else {
                out.append("\(at): qflow reads '\(scalar.string)', PyYAML \(tagged)")
                return
            }
            if !sameScalar(scalar.string, kind, pair.count > 1 ? pair[1] : nil) {
                out.append("\(at): qflow reads '\(scalar.string)', PyYAML \(pair)")
            }
        case .alias:
            out.append("\(at): an alias")
        }
    }

    /// Whether qflow's text means what PyYAML read.
    static func sameScalar(_ text: String, _ kind: String, _ value: Any?) -> Bool {
        switch kind {
        case "s": return value as? String == text
        case "b":
            // qflow's boolean fields accept true/yes and false/no.
            guard let b = value as? Bool else { return false }
            return (b ? ["true", "yes"] : ["false", "no"]).contains(text)
        case "i": return (value as? String).flatMap { Int($0) } == Int(text) && Int(text) != nil
        case "f": return (value as? String).flatMap { Double($0) } == Double(text) && Double(text) != nil
        case "d":
            guard let iso = value as? String else { return false }
            if iso == text { return true }
            // A timestamp with a zone: the same moment.
            guard let a = Timestamp.parse(iso), let b = Timestamp.parse(text) else { return false }
            return a == b
        default: return false  // null: qflow reads text where PyYAML reads nothing.
        }
    }

    @Test func everyShippedFileReadsTheSameInPyYAML() throws {
        let files = Self.shippedFiles
        #expect(files.count >= 40, "found only \(files.count) shipped YAML files under \(Self.root.path)")
        let other = try Self.pyyaml(files)
        for file in files {
            let relative = String(file.dropFirst(Self.root.path.count + 1))
            let tagged = try #require(other[file], "PyYAML did not report on \(relative)")
            if let error = (tagged as? [String: Any])?["error"] {
                Issue.record("\(relative): PyYAML cannot read it: \(error)")
                continue
            }
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
            let document = try SafeYAML.compose(bytes: bytes, file: relative)
            var differences: [String] = []
            Self.differences(document.root, tagged, &differences)
            #expect(differences.isEmpty, "\(relative): \(differences.prefix(5).joined(separator: "; "))")
        }
    }

    @Test func theComparisonSeesAnUnquotedQuestionMarkAndAYAML11Boolean() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-portability-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let question = dir.appendingPathComponent("question.yaml")
        try "title: { zh: 是否, en: Found? }\n".write(to: question, atomically: true, encoding: .utf8)
        let boolean = dir.appendingPathComponent("boolean.yaml")
        try "options:\n  - id: on\n  - id: \"off\"\n".write(to: boolean, atomically: true, encoding: .utf8)
        let other = try Self.pyyaml([question.path, boolean.path])
        #expect((other[question.path] as? [String: Any])?["error"] != nil, "PyYAML should refuse `Found? }`")
        let document = try SafeYAML.compose(bytes: Array(try Data(contentsOf: boolean)), file: "boolean.yaml")
        var differences: [String] = []
        Self.differences(document.root, try #require(other[boolean.path]), &differences)
        #expect(differences.count == 1 && differences[0].hasPrefix("2:9:"), "\(differences)")
    }
}
