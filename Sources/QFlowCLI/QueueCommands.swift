import ArgumentParser
import Foundation
import QFlowEngine
import QFlowStore

/// `qflow queue --mine | --role ROLE`: the open runs of work queues.
struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "List work: the runs you own (--mine) or those offered to a role (--role ROLE).",
        discussion: "--mine reads your staff id from --user (or QFLOW_USER). Unclaimed runs come first.")

    @OptionGroup var database: DatabaseOptions
    @Flag(help: "The open runs you own (claimed or reassigned to you).") var mine = false
    @Option(help: "The open runs offered to this role.") var role: String?
    @Option(help: "Your staff id, for --mine (default: $QFLOW_USER).") var user: String?
    @Option(help: "At most this many.") var limit = 200
    @Option(help: "text or json") var format: OutputFormat = .text

    func validate() throws {
        guard mine != (role != nil) else { throw ValidationError("give either --mine or --role ROLE") }
    }

    func run() throws {
        let store = try database.open()
        let entries: [QueueEntry]
        if mine {
            guard let me = user ?? ProcessInfo.processInfo.environment["QFLOW_USER"], !me.isEmpty else {
                throw CLIError("whose work? pass --user ID (or set QFLOW_USER)")
            }
            entries = try store.myWork(user: me, limit: limit)
        } else {
            entries = try store.queue(role: role!, limit: limit)
        }
        if format == .json { return try printJSON(entries) }
        if entries.isEmpty { return print(mine ? "no work of yours is open" : "nothing in the queue") }
        for e in entries {
            var line = "\(e.runId)  \(e.protocolId)@\(e.version)  \(e.subjectId)  \(e.status)"
            line += e.owner.map { "  owner \($0)" } ?? "  unclaimed since \(e.waitingSince ?? "-")"
            if let step = e.lastStep { line += "  reached \(step)" }
            if let next = e.nextStep, let due = e.nextStepDue { line += "  next \(next) at \(due)" }
            print(line)
        }
    }
}

/// `qflow escalate [--now T]`: records the escalation steps that are due.
struct EscalateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escalate",
        abstract: "Record every reminder and escalation step that is due (run it from cron; running it twice is safe).",
        discussion: """
            Each step of a deadline's ladder, the overdue step and a queue's unclaimed limit is recorded once, as an \
            'escalated' event of its run, in the order the steps fell due.
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The moment to escalate at, ISO-8601 with a zone (default: now).") var now: String?
    @Option(help: "text or json") var format: OutputFormat = .text

    func run() throws {
        var moment = Date()
        if let now {
            guard let parsed = Timestamp.parse(now) else {
                throw CLIError("--now: not a time; write ISO-8601 with a zone, e.g. 2027-01-01T08:00:00+08:00")
            }
            moment = parsed
        }
        let result = try database.open().escalate(now: moment)
        if format == .json { return try printJSON(result) }
        if result.steps.isEmpty { return print("nothing to escalate") }
        for s in result.steps {
            let what = s.item.isEmpty ? "(queue)" : s.item
            let verb = s.escalates ? "escalated to" : "reminded"
            print(
                "\(s.runId)  \(what)  step \(s.step)  due \(s.dueAt)  "
                    + "\(verb) \(s.to.joined(separator: ","))  owner \(s.owner ?? "-")")
        }
    }
}
