import Foundation
import QFlowEngine

/// Reads every protocol file under the given paths and checks them together (duplicates, triggers, cycles).
public enum ProtocolLibraryLoader {
    /// The outcome of reading a set of files.
    public struct LoadResult: Sendable {
        /// Each file read, in path order.
        public var files: [ProtocolFile.LoadResult]
        /// Every problem, sorted by file and position.
        public var diagnostics: [Diagnostic]

        /// The definitions of files without problems.
        public var specs: [ProtocolSpec] { files.compactMap { $0.isValid ? $0.spec : nil } }
        /// Whether every file is valid.
        public var isValid: Bool { diagnostics.isEmpty }
    }

    /// Reads files and folders (folders: their `.yaml`/`.yml` files, recursively, in name order).
    ///
    /// With `today` (`YYYY-MM-DD`), protocols whose review date has passed are refused (see
    /// ``ProtocolFile/load(path:today:)``).
    public static func load(paths: [String], today: String? = nil) -> LoadResult {
        var files: [String] = []
        var diagnostics: [Diagnostic] = []
        var siblingFolders = Set<String>()
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                diagnostics.append(Diagnostic(file: path, line: 1, column: 1, message: "no such file or folder"))
                continue
            }
            if isDirectory.boolValue {
                let found = yamlFiles(in: path)
                if found.isEmpty {
                    diagnostics.append(
                        Diagnostic(file: path, line: 1, column: 1, message: "folder has no .yaml protocol files"))
                }
                files += found
            } else {
                files.append(path)
                siblingFolders.insert(URL(fileURLWithPath: path).deletingLastPathComponent().path)
            }
        }
        let results = files.map { ProtocolFile.load(path: $0, today: today) }
        diagnostics += results.flatMap(\.diagnostics)
        // Cross-file checks over every file that produced a definition.
        let withSpecs = results.filter { $0.spec != nil }
        // A file checked on its own may trigger protocols that live beside it.
        let chosen = Set(files.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        let siblings = siblingFolders.sorted().flatMap(yamlFiles(in:))
            .filter { !chosen.contains(URL(fileURLWithPath: $0).standardizedFileURL.path) }
        let otherIds = Set(siblings.compactMap { ProtocolFile.load(path: $0).spec?.id })
        for issue in ProtocolLibrary.validate(withSpecs.map { $0.spec! }, otherIds: otherIds) {
            let file = withSpecs[issue.protocolIndex]
            let (line, column) = file.location(of: issue.path)
            var message = issue.message
            if let range = message.range(of: #"file #\d+"#, options: .regularExpression),
                let n = Int(message[range].dropFirst(6)), n - 1 < withSpecs.count
            {
                message.replaceSubrange(range, with: withSpecs[n - 1].file)
            }
            diagnostics.append(Diagnostic(file: file.file, line: line, column: column, message: message))
        }
        return LoadResult(files: results, diagnostics: diagnostics.sorted())
    }

    private static func yamlFiles(in folder: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
        var out: [String] = []
        while let relative = enumerator.nextObject() as? String {
            // Worked runs (`*.run.yaml`, see ``WorkedRun``) live beside the protocols but are not protocols.
            if relative.hasSuffix(".run.yaml") { continue }
            if relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") {
                out.append(folder.hasSuffix("/") ? folder + relative : folder + "/" + relative)
            }
        }
        return out.sorted()
    }
}
