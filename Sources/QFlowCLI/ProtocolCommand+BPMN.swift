import ArgumentParser
import Foundation
import QFlowBPMN
import QFlowEngine
import QFlowProtocolFile

extension ProtocolCommand {
    /// `qflow protocol import-bpmn FILE.bpmn [--out FILE.yaml]`
    struct ImportBPMN: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-bpmn",
            abstract: "Translate a BPMN 2.0 process (a documented subset) into a protocol file.",
            discussion: """
                Lanes become roles, user and manual tasks items, sub-processes phases, exclusive gateways' conditions \
                show_if rules, timer boundary events deadlines. Anything outside the subset is refused with its \
                element id and line (Protocols/BPMN.md). Chinese texts come from FILE.zh.yaml beside the file \
                (element id → text) when it exists; without one, each Chinese text is the English marked \
                【待译】 for a person to translate. The written file passes `qflow protocol validate`.
                """)

        @Argument(help: "The BPMN file.") var file: String
        @Option(help: "Where to write the protocol file (default: standard output).") var out: String?
        @Option(help: "Chinese texts by element id (default: FILE.zh.yaml beside the BPMN file, if present).")
        var translations: String?
        @Option(help: "The protocol id (default: the process id, sanitised).") var id: String?
        @Option(help: "The protocol kind: core, auxiliary, qc, linen, survey or other.") var kind: ProtocolKind = .other
        @Option(help: "What a run is about (e.g. surgical-case).") var subject = "case"

        func run() throws {
            let bytes = try readCapped(file, limit: SafeXML.maximumBytes)
            var options = BPMNImporter.Options(id: id, kind: kind, subject: subject)
            let side = translations ?? ((file as NSString).deletingPathExtension + ".zh.yaml")
            if translations != nil || FileManager.default.fileExists(atPath: side) {
                let sideBytes = try readCapped(side, limit: 2 * 1024 * 1024)
                options.translations = try BPMNImporter.readTranslations(sideBytes, file: side)
            }
            let result = try BPMNImporter.importBPMN(bytes, file: file, options: options)
            if let out {
                try Data(result.yaml.utf8).write(to: URL(fileURLWithPath: out))
                print("ok: \(result.spec.reference) with \(result.spec.items.count) items written to \(out)")
            } else {
                print(result.yaml, terminator: "")
            }
            if !result.unusedTranslations.isEmpty {
                printError(
                    "warning: \(side) names ids that are not in the process (not used): "
                        + result.unusedTranslations.joined(separator: ", "))
            }
            if !result.untranslated.isEmpty {
                printError(
                    "note: \(result.untranslated.count) text\(result.untranslated.count == 1 ? "" : "s") "
                        + "have no Chinese "
                        + "translation and are marked \(BPMNImporter.untranslatedMark): "
                        + result.untranslated.prefix(8).joined(separator: ", ")
                        + (result.untranslated.count > 8 ? ", …" : "")
                        + " (give them in \(side), element id → text)")
            }
        }
    }

    /// `qflow protocol export-bpmn ID[@VERSION]`
    struct ExportBPMN: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export-bpmn",
            abstract: "Write a protocol as BPMN 2.0 XML with a diagram (bpmn.io, Camunda Modeler, SpiffWorkflow).")

        @Argument(help: "Protocol id, or id@version (default: the latest version).") var id: ProtocolRef
        @Option(name: .customLong("from"), help: "Protocol files or folders to look in.") var paths = ["Protocols"]
        @Option(help: "Where to write the BPMN file (default: standard output).") var out: String?

        func run() throws {
            let library = try loadValidLibrary(paths)
            guard let spec = library.filter(id.matches).max(by: { $0.version < $1.version }) else {
                throw CLIError("no protocol '\(id)' in \(paths.joined(separator: ", "))", kind: .notFound)
            }
            let xml = try BPMNExporter.export(spec)
            if let out {
                try Data(xml.utf8).write(to: URL(fileURLWithPath: out))
                print("ok: \(spec.reference) written to \(out)")
            } else {
                print(xml, terminator: "")
            }
        }
    }
}

/// Reads at most `limit` bytes of a file (one more to tell that it is too large, without reading it all).
private func readCapped(_ path: String, limit: Int) throws -> [UInt8] {
    let handle: FileHandle
    do {
        handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
    } catch {
        throw CLIError("cannot read \(path)", kind: .io)
    }
    defer { try? handle.close() }
    let data = (try? handle.read(upToCount: limit + 1)) ?? Data()
    return [UInt8](data)
}
