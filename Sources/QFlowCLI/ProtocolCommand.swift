import ArgumentParser
import Foundation
import QFlowEngine
import QFlowProtocolFile

/// `qflow protocol …`: check and read protocol files.
struct ProtocolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protocol",
        abstract: "Check and read protocol files.",
        subcommands: [Validate.self, List.self, Show.self, Publish.self, ImportBPMN.self, ExportBPMN.self]
    )

    /// `qflow protocol validate PATH…`
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check protocol files; print every problem as FILE:LINE:COLUMN: message.",
            discussion: "Exits 0 when every file is valid, 1 when any problem is found.")

        @Argument(help: "Protocol files or folders (folders are searched for .yaml files).")
        var paths: [String]

        @Flag(help: "Print nothing when everything is valid.")
        var quiet = false

        @OptionGroup var review: ReviewOptions

        func validate() throws {
            guard !paths.isEmpty else { throw ValidationError("give at least one protocol file or folder") }
        }

        func run() throws {
            let result = ProtocolLibraryLoader.load(paths: paths, today: try review.checkDay())
            for problem in result.diagnostics { print(problem) }
            let count = result.files.count
            if result.isValid {
                if !quiet { print("ok: \(count) protocol file\(count == 1 ? "" : "s") valid") }
            } else {
                let bad = Set(result.diagnostics.map(\.file)).count
                let problems = result.diagnostics.count
                throw CLIError(
                    "\(problems) problem\(problems == 1 ? "" : "s") in \(bad) of \(max(count, bad)) "
                        + "file\(count == 1 ? "" : "s")")
            }
        }
    }

    /// `qflow protocol list [PATH…]`
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the protocols in files or folders.")

        @Argument(help: "Protocol files or folders.")
        var paths: [String] = ["Protocols"]

        @Option(help: "Language of titles: zh or en.")
        var lang: Language = .en

        func run() throws {
            let library = try loadValidLibrary(paths)
            for spec in library.sorted(by: {
                ($0.kind.rawValue, $0.id, $0.version) < ($1.kind.rawValue, $1.id, $1.version)
            }) {
                let reference = spec.reference.padding(toLength: 32, withPad: " ", startingAt: 0)
                let kind = spec.kind.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                print("\(reference) \(kind) \(spec.title.text(lang))")
            }
        }
    }

    /// `qflow protocol show ID`
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a protocol as a checklist a nurse can print and pin up.")

        @Argument(help: "Protocol id, or id@version (default: the latest version).")
        var id: ProtocolRef

        @Option(name: .customLong("from"), help: "Protocol files or folders to look in.")
        var paths: [String] = ["Protocols"]

        @Option(help: "Language: zh or en.")
        var lang: Language = .en

        func run() throws {
            let library = try loadValidLibrary(paths)
            guard let spec = library.filter(id.matches).max(by: { $0.version < $1.version }) else {
                throw CLIError("no protocol '\(id)' in \(paths.joined(separator: ", "))", kind: .notFound)
            }
            print(ChecklistRenderer(spec: spec, language: lang).render(), terminator: "")
        }
    }
}

extension ProtocolCommand {
    /// `qflow protocol publish PATH…`
    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish protocol versions into the database; a published version never changes.",
            discussion: """
                Every file must validate first. Republishing identical content does nothing; changed content under a
                published id and version is refused: give it a higher version.
                """)

        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Protocol files or folders.") var paths: [String] = ["Protocols"]
        @OptionGroup var review: ReviewOptions

        func run() throws {
            let result = ProtocolLibraryLoader.load(paths: paths, today: try review.checkDay())
            guard result.isValid else {
                for problem in result.diagnostics { print(problem) }
                throw CLIError("nothing was published: fix the problems above first")
            }
            let store = try database.open()
            let now = Date()
            let specs = result.files.compactMap { file in file.spec.map { ($0, Optional(file.file)) } }
                .sorted { ($0.0.id, $0.0.version) < ($1.0.id, $1.0.version) }
            let outcomes = try store.publish(specs, at: now)
            var published = 0
            for ((spec, _), outcome) in zip(specs, outcomes) {
                if outcome == .published { published += 1 }
                print("\(outcome.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(spec.reference)")
            }
            print("ok: \(published) published, \(specs.count - published) unchanged")
        }
    }
}

/// The document-control review check of `validate` and `publish`: refused when a review date has passed.
struct ReviewOptions: ParsableArguments {
    @Flag(help: "Accept protocols whose document review date has passed (a sandbox only).")
    var allowOverdueReview = false

    @Option(help: "The day the review dates are checked against, YYYY-MM-DD (default: today, local time).")
    var today: String?

    func validate() throws {
        if let today, !DocumentControl.isDay(today) { throw ValidationError("--today is a day written YYYY-MM-DD") }
    }

    /// The day to check against, or nil when overdue reviews are allowed.
    func checkDay() throws -> String? {
        guard !allowOverdueReview else { return nil }
        if let today { return today }
        // No database here: the machine's zone (the site's is in a database this command does not open).
        return LocalTime.day(Date(), in: LocalTime.zone(site: nil))
    }
}

/// Loads a library and refuses to go on when any file has a problem.
func loadValidLibrary(_ paths: [String]) throws -> [ProtocolSpec] {
    let result = ProtocolLibraryLoader.load(paths: paths)
    guard result.isValid else {
        for problem in result.diagnostics { printError(problem.description) }
        throw CLIError("protocol files have problems; run 'qflow protocol validate \(paths.joined(separator: " "))'")
    }
    return result.specs
}
