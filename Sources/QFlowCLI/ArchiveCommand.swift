import ArgumentParser
import Foundation
import QFlowEngine
import QFlowStore

/// `qflow archive assign|show|list|void`: archive numbers (档号), their retention, access by role.
struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Archive numbers (档号) of archive-record subjects: assign, show, list, void.",
        discussion: """
            Numbers follow {fonds}-{class}·{year}-{retention}-{org}-{seq:04}, e.g. A014-WS·2016-Y-BGS-0026, from the
            site file's archive section (fonds, classes with retention and readers) and the record's facts
            record_class, record_year and org_code. A run of a protocol on archive-record subjects is numbered when
            it starts; numbers are unique and never reused, a voided number stays void. Only the roles a class
            names may read, number or void its records (--user, --role).
            """,
        subcommands: [Assign.self, Show.self, List.self, VoidNumber.self])

    /// `qflow archive assign RUN|SUBJECT`
    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a record its archive number (prints the existing one if it has an active number).")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actor: ActorOptions
        @Argument(help: "A run id or an archive-record subject id.") var target: String
        @Option(help: "text or json") var format: OutputFormat = .text

        func run() throws {
            let store = try database.open()
            let result = try store.assignArchiveNumber(target, by: try actor.actor(), at: try actor.time())
            if format == .json { return try printJSON(ArchiveView(result.record, site: try store.site())) }
            print("\(result.assigned ? "assigned" : "unchanged"): \(result.record.number)")
        }
    }

    /// `qflow archive show NUMBER`
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one archive number: class, retention and its end, status.")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actor: ActorOptions
        @Argument(help: "The archive number, e.g. A014-WS·2016-Y-BGS-0026 (• or . for the dot also work).")
        var number: String
        @Option(help: "text or json") var format: OutputFormat = .text

        func run() throws {
            let store = try database.open()
            let record = try store.archiveRecord(number, as: try actor.actor())
            let view = ArchiveView(record, site: try store.site())
            if format == .json { return try printJSON(view) }
            print("number:      \(view.number)")
            print("class:       \(view.classCode)\(view.classTitle.map { " (\($0))" } ?? "")")
            print("year:        \(view.year)")
            print("retention:   \(view.retention) (\(view.retentionTitle))")
            print("kept until:  \(view.keptUntil)")
            print("status:      \(view.status)")
            print("record:      \(view.subject)\(view.run.map { ", run \($0)" } ?? "")")
            print("assigned:    \(view.assignedAt) by \(view.assignedBy)")
            if let voidedAt = view.voidedAt {
                print("voided:      \(voidedAt) by \(view.voidedBy ?? "?"): \(view.voidReason ?? "")")
            }
        }
    }

    /// `qflow archive list [--class WS] [--year 2016]`
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List archive numbers of the classes your role may read, by year, class and item number.")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actor: ActorOptions
        @Option(name: .customLong("class"), help: "Only this class, e.g. WS.") var classCode: String?
        @Option(help: "Only this year, e.g. 2016.") var year: Int?
        @Option(help: "At most this many (1–10000).") var limit = 1_000
        @Option(help: "text or json") var format: OutputFormat = .text

        func validate() throws {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be from 1 to 10000") }
        }

        func run() throws {
            let store = try database.open()
            let records = try store.archiveRecords(
                classCode: classCode, year: year, as: try actor.actor(), limit: limit)
            let site = try store.site()
            let views = records.map { ArchiveView($0, site: site) }
            if format == .json { return try printJSON(views) }
            if views.isEmpty { return print("no archive numbers") }
            let width = views.map(\.number.count).max() ?? 0
            print(
                "NUMBER".padding(toLength: width, withPad: " ", startingAt: 0)
                    + "  CLASS  RETENTION  KEPT UNTIL  STATUS")
            for view in views {
                print(
                    [
                        view.number.padding(toLength: width, withPad: " ", startingAt: 0),
                        view.classCode.padding(toLength: 5, withPad: " ", startingAt: 0),
                        view.retention.padding(toLength: 9, withPad: " ", startingAt: 0),
                        view.keptUntil.padding(toLength: 10, withPad: " ", startingAt: 0), view.status,
                    ].joined(separator: "  "))
            }
        }
    }

    /// `qflow archive void NUMBER --reason …`
    struct VoidNumber: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "void",
            abstract: "Void an archive number (an event with your reason); it is never given again.")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actor: ActorOptions
        @Argument(help: "The archive number.") var number: String
        @Option(help: "Why the number is voided (required).") var reason: String

        func run() throws {
            let record = try database.open().voidArchiveNumber(
                number, reason: reason, by: try actor.actor(), at: try actor.time())
            print("voided: \(record.number)")
        }
    }
}

/// An archive number as the CLI prints it.
struct ArchiveView: Encodable {
    var number: String
    var classCode: String
    var classTitle: String?
    var year: Int
    var retention: String
    var retentionTitle: String
    /// `YYYY-12-31`, or `permanent`.
    var keptUntil: String
    var status: String
    var subject: String
    var run: String?
    var assignedAt: String
    var assignedBy: String
    var voidedAt: String?
    var voidedBy: String?
    var voidReason: String?

    init(_ record: ArchiveRecord, site: PublishedSite?) {
        number = record.number
        classCode = record.parts.classCode
        classTitle = site?.spec.archive?.recordClass(record.parts.classCode).map { "\($0.title.zh) / \($0.title.en)" }
        year = record.parts.year
        retention = record.retention.rawValue
        retentionTitle = "\(record.retention.title.zh) / \(record.retention.title.en)"
        keptUntil = record.retentionLastDay ?? "permanent"
        status = record.status.rawValue
        subject = record.subjectId
        run = record.runId
        assignedAt = Timestamp.format(record.assignedAt)
        assignedBy = record.assignedBy
        voidedAt = record.voidedAt.map(Timestamp.format)
        voidedBy = record.voidedBy
        voidReason = record.voidReason
    }
}
