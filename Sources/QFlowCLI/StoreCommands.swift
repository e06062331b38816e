import ArgumentParser
import Foundation
import QFlowEngine
import QFlowStore

/// `qflow init`: create the database file (or bring an existing one's schema up to date).
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create the database (one SQLite file) or update its schema.")

    @OptionGroup var database: DatabaseOptions
    @Flag(
        help:
            "Mark it as a test or training database: passwords may then be hashed cheaply (QFLOW_PASSWORD_ITERATIONS).")
    var testDatabase = false

    func run() throws {
        let existed = FileManager.default.fileExists(atPath: database.resolvedPath)
        let store = try database.open(create: true)
        if testDatabase { try store.markAsTestDatabase() }
        print("\(existed ? "ok" : "created"): \(store.path)\(testDatabase ? " (test database)" : "")")
    }
}

/// `qflow verify`: check the file, the hash chain and every run's history.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the database: SQLite integrity, the event hash chain, sequences, replay of every run.",
        discussion: "Exits 0 when intact; 1 and names the first broken event otherwise.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "text or json") var format: OutputFormat = .text

    func run() throws {
        let report = try database.open().verify()
        if format == .json {
            try printJSON(report)
        } else if report.isIntact {
            print("ok: \(report.events) events in \(report.runs) runs; hash chain intact; integrity ok")
        } else {
            if let first = report.firstBrokenEvent { print("first broken event: \(first)") }
            if report.integrity != "ok" { print("integrity_check: \(report.integrity)") }
            for problem in report.problems { print(problem) }
        }
        if !report.isIntact {
            printError("error: the database does not verify")
            throw ExitCode(1)
        }
    }
}

/// `qflow rebuild`: recreate the projections from the event log.
struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild", abstract: "Recreate runs, answers and deadlines from the event log.")

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let count = try database.open().rebuild()
        print("rebuilt: \(count) runs from the event log")
    }
}

/// `qflow backup --to A --to B --to C`: online backup to each destination, each copy then verified.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database with SQLite's online backup (safe while others record), then verify each copy.",
        discussion: """
            Archive practice keeps three copies (三套式: one kept, one backup, one for daily use), ideally on
            different disks or sites: give three destinations; fewer is allowed with a warning. Each copy is
            written beside its destination, opened read-only and verified (integrity_check and the event hash
            chain) and only then moved into place. A destination that exists is refused unless --overwrite is
            given; then nothing is copied. One destination failing does not stop the others: each is reported, and
            the command exits 1 if any failed.
            Example: qflow backup --to /mnt/keep/qflow.sqlite --to /mnt/offsite/qflow.sqlite \\
                       --to /srv/daily/qflow.sqlite
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(name: .customLong("to"), help: "A backup file to write (repeat for each copy; three are recommended).")
    var to: [String] = []
    @Argument(help: "Backup files, as with --to.") var destinations: [String] = []
    @Flag(help: "Replace destinations that exist (each only by a copy that verifies).") var overwrite = false

    var all: [String] { destinations + to }

    func validate() throws {
        guard !all.isEmpty else {
            throw ValidationError("give at least one destination: --to FILE (three recommended)")
        }
    }

    func run() throws {
        if all.count < 3 {
            printError(
                "warning: \(all.count) destination\(all.count == 1 ? "" : "s"); "
                    + "archive practice keeps three copies (三套式): add --to for each")
        }
        let results = try database.open().backup(to: all.map { URL(fileURLWithPath: $0) }, overwrite: overwrite)
        var failed = 0
        for result in results {
            if let report = result.report, result.error == nil {
                print(
                    "ok: backed up \(report.events) events in \(report.runs) runs to \(result.destination); "
                        + "the copy verifies")
            } else {
                failed += 1
                printError("error: \(result.error?.message ?? "backup to \(result.destination) failed")")
            }
        }
        if failed > 0 {
            throw CLIError("\(failed) of \(results.count) backups failed", kind: .io)
        }
    }
}

/// `qflow overdue`: open items past their deadline.
struct OverdueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overdue", abstract: "List open items past their deadline, the most overdue first.",
        discussion: """
            With --upcoming P7D, list instead what falls due within that period: deadlines and the steps of their \
            escalation ladders (reminders, escalations) not reached yet, earliest first.
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The moment to compare with, ISO-8601 (default: now).") var at: String?
    @Option(help: "List what falls due within this ISO-8601 period instead (e.g. P7D).") var upcoming: String?
    @Option(help: "text or json") var format: OutputFormat = .text

    func run() throws {
        var now = Date()
        if let at {
            guard let parsed = Timestamp.parse(at) else {
                throw CLIError("--at: not a time; write ISO-8601 with a zone, e.g. 2027-01-01T08:00:00+08:00")
            }
            now = parsed
        }
        if let upcoming {
            let period: ISODuration
            do {
                period = try ISODuration(parsing: upcoming)
            } catch {
                throw CLIError("--upcoming: a period is an ISO-8601 duration such as P7D or PT12H")
            }
            let steps = try database.open().upcoming(within: period, at: now)
            if format == .json { return try printJSON(steps) }
            if steps.isEmpty { return print("nothing falls due within \(period.text)") }
            for s in steps {
                let what = s.item.isEmpty ? "(queue)" : s.item
                let verb = s.to.isEmpty ? "due" : s.escalates ? "escalate to" : "remind"
                print(
                    "\(s.dueAt)  \(s.runId)  \(s.subjectId)  \(s.protocolId)/\(what)  step \(s.step)  "
                        + "\(verb) \(s.to.joined(separator: ","))  owner \(s.owner ?? "-")")
            }
            return
        }
        let items = try database.open().overdue(at: now)
        if format == .json { return try printJSON(items) }
        if items.isEmpty { return print("nothing overdue") }
        for item in items {
            print(
                "\(Timestamp.format(item.dueAt))  \(item.runId)  \(item.subjectId)  \(item.room ?? "-")  "
                    + "\(item.protocolId)/\(item.item)  → \(item.escalateTo ?? "-")")
        }
    }
}
