import ArgumentParser
import Foundation
import QFlowEngine
import QFlowProtocolFile
import QFlowStore

/// `qflow site …`: the site file (time zone, rooms, laundry lines, linen parameter set, timeouts, bundles).
struct SiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site",
        abstract: "Check, publish and show the site file: what is local to this hospital.",
        discussion: "The format is described in Site/README.md.",
        subcommands: [Validate.self, Apply.self, Show.self])

    /// `qflow site validate FILE [--protocols DIR]`
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a site file; print every problem as FILE:LINE:COLUMN: message.",
            discussion: """
                With --protocols, bundles are checked against that library too: every protocol they name must be in
                it, and every fact a condition reads must be declared by a protocol of the bundle's subject kind.
                Exits 0 when valid, 1 otherwise.
                """)

        @Argument(help: "The site file, e.g. Site/site.yaml.") var file: String
        @Option(help: "A protocol library (file or folder) to check the bundles against.") var protocols: String?

        func run() throws {
            var library: [ProtocolSpec]?
            if let protocols { library = try loadValidLibrary([protocols]) }
            let result = SiteFile.load(path: file, library: library)
            for problem in result.diagnostics { print(problem) }
            guard result.isValid, let spec = result.spec else {
                let n = result.diagnostics.count
                throw CLIError("\(n) problem\(n == 1 ? "" : "s") in \(file)")
            }
            let unchecked = " (bundles not checked against a library: pass --protocols DIR)"
            print("ok: \(file): \(SiteCommand.describe(spec))\(library == nil ? unchecked : "")")
        }
    }

    /// `qflow site apply FILE`
    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish a site file into the database (checked against the published protocols).",
            discussion: """
                Publishing identical content again prints 'unchanged'. A published version never changes: give
                changed content a higher version. Who publishes is given by --user and --role (or QFLOW_USER,
                QFLOW_ROLE).
                """)

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actor: ActorOptions
        @Argument(help: "The site file, e.g. Site/site.yaml.") var file: String

        func run() throws {
            let store = try database.open()
            let who = try actor.actor()
            let at = try actor.time()
            let latest = Dictionary(
                try store.publishedVersions().map { ($0.spec.id, $0.spec) },
                uniquingKeysWith: { $0.version >= $1.version ? $0 : $1 })
            let result = SiteFile.load(path: file, library: Array(latest.values))
            guard result.isValid, let spec = result.spec else {
                for problem in result.diagnostics { print(problem) }
                throw CLIError("nothing was published: fix the problems above first")
            }
            let outcome = try store.publishSite(spec, sourceFile: file, by: who, at: at)
            print("\(outcome.rawValue): site \(spec.id) version \(spec.version) (\(SiteCommand.describe(spec)))")
        }
    }

    /// `qflow site show`
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the published site definition.")

        @OptionGroup var database: DatabaseOptions
        @Option(help: "Language of titles: zh or en.") var lang: Language = .en
        @Option(help: "text or json") var format: OutputFormat = .text

        func run() throws {
            guard let site = try database.open().site() else {
                throw CLIError("no site is published: publish one with qflow site apply Site/site.yaml")
            }
            if format == .json { return try printJSON(site.spec) }
            let spec = site.spec
            print("site \(spec.id) version \(spec.version): \(spec.name.text(lang))")
            print(
                "  published \(Timestamp.format(site.publishedAt)) by \(site.publishedBy.id) "
                    + "(\(site.publishedBy.role))\(site.sourceFile.map { " from \($0)" } ?? "")")
            print("  time zone \(spec.timeZone); linen parameter set \(spec.linenParameterSet.rawValue)")
            print("  idle lock after \(spec.idleLockMinutes) min; sessions last at most \(spec.sessionHours) h")
            print("  rooms: \(spec.rooms.map(\.id).joined(separator: ", "))")
            let lines = spec.laundryLines.map(\.id).joined(separator: ", ")
            print("  laundry lines: \(spec.laundryLines.isEmpty ? "none" : lines)")
            for bundle in spec.bundles {
                let when = bundle.when.map { " when \($0)" } ?? ""
                print("  bundle \(bundle.id) (\(bundle.subjectKind)): \(bundle.title.text(lang))\(when)")
                for entry in bundle.protocols {
                    print("    \(entry.protocolId)\(entry.when.map { "  when \($0)" } ?? "")")
                }
            }
        }
    }

    /// `site ID version N, R rooms, L laundry lines, B bundles` (and the archive's fonds when it has one).
    static func describe(_ spec: SiteSpec) -> String {
        func counted(_ n: Int, _ noun: String, _ plural: String = "s") -> String {
            "\(n) \(noun)\(n == 1 ? "" : plural)"
        }
        return "site \(spec.id) version \(spec.version), \(counted(spec.rooms.count, "room")), "
            + "\(counted(spec.laundryLines.count, "laundry line")), \(counted(spec.bundles.count, "bundle"))"
            + (spec.archive.map {
                ", archive \($0.fonds) with \($0.classes.count) class\($0.classes.count == 1 ? "" : "es")"
            } ?? "")
    }
}
