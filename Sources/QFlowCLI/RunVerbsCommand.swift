import ArgumentParser
import Foundation
import QFlowEngine
import QFlowStore

/// `qflow run …`: every verb of the engine, at a workstation terminal.
struct RunVerbsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Start and work through protocol runs: record answers, sign, return, jump, suspend, stop, …",
        discussion: """
            Who acts is given by --user and --role (or QFLOW_USER, QFLOW_ROLE). Pass --expect-seq N (the #N that
            'run show' printed) so that a write based on an out-of-date view is refused as a conflict (exit 3).
            """,
        subcommands: [
            Start.self, Record.self, Sign.self, Return.self, Jump.self, Suspend.self, Resume.self, Stop.self,
            Restart.self, Migrate.self, Complete.self, Claim.self, Release.self, Reassign.self, Show.self, List.self,
        ])

    /// Options every writing verb shares.
    struct WriteOptions: ParsableArguments {
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actor: ActorOptions
        @Option(help: "Refuse (as a conflict) unless the run is still at this sequence number.") var expectSeq: Int?
        @Option(help: "text or json") var format: OutputFormat = .text

        /// Performs the action and prints what it appended.
        func perform(_ action: RunAction, reason: String? = nil) throws {
            let store = try database.open()
            let request = ActionRequest(
                action, by: try actor.actor(), at: try actor.time(), reason: reason, expectedSeq: expectSeq)
            let result = try store.perform(request)
            if format == .json { return try printJSON(result) }
            let kinds = result.events.filter { $0.runId == result.runId }.map(\.kind).joined(separator: ", ")
            print("\(result.runId) #\(result.seq) \(result.status): \(kinds)")
            for run in result.triggeredRuns {
                let summary = try store.run(run).summary
                print(
                    "  started \(run) \(summary.protocolId)@\(summary.version) (trigger \(summary.triggerId ?? ""))"
                )
            }
        }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a protocol on a case.")
        @Argument(
            help: ArgumentHelp("Protocol id, or id@version (default: the latest published).", valueName: "protocol"))
        var protocolRef: ProtocolRef
        @Option(name: .customLong("case"), help: "The case (subject) id.") var subject: String
        @OptionGroup var options: WriteOptions

        func run() throws {
            try options.perform(
                .start(protocolId: protocolRef.id, version: protocolRef.version, subjectId: subject))
        }
    }

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer an item: yes/no/na, a count, a number, a time, an option id or text.")
        @Argument(help: "Run id.") var runId: String
        @Argument(help: "Item id.") var item: String
        @Argument(help: "The answer.") var value: String
        @OptionGroup var options: WriteOptions

        func run() throws {
            let spec = try options.database.open().scope(ofRun: runId).spec
            let command: RunCommand
            do throws(RunCommandTextError) {
                command = try RunCommand(verb: "record", item: item, value: value, in: spec)
            } catch {
                throw error.error
            }
            try options.perform(.command(runId: runId, command))
        }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sign a signature item in your role.")
        @Argument(help: "Run id.") var runId: String
        @Argument(help: "Signature item id.") var item: String
        @OptionGroup var options: WriteOptions
        func run() throws { try options.perform(.command(runId: runId, .sign(item: item))) }
    }

    struct Return: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Go back to the previous step (or --to ITEM); later answers are superseded, not deleted.")
        @Argument(help: "Run id.") var runId: String
        @Option(help: "The item to return to.") var to: String?
        @Option(help: "Why (required).") var reason: String?
        @OptionGroup var options: WriteOptions
        func run() throws { try options.perform(.command(runId: runId, .returnTo(item: to)), reason: reason) }
    }

    struct Jump: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Jump forward to an item; the open items passed over are marked skipped with the reason.")
        @Argument(help: "Run id.") var runId: String
        @Argument(help: "The item to jump to.") var item: String
        @Option(help: "Why (required).") var reason: String?
        @OptionGroup var options: WriteOptions
        func run() throws { try options.perform(.command(runId: runId, .jump(to: item)), reason: reason) }
    }

    struct Suspend: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suspend a run (e.g. the patient left for imaging).")
        @Argument(help: "Run id.") var runId: String
        @Option(help: "Why (required).") var reason: String?
        @OptionGroup var options: WriteOptions
        func run() throws { try options.perform(.command(runId: runId, .suspend), reason: reason) }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a suspended run.")
        @Argument(help: "Run id.") var runId: String
        @Option(help: "Why (required).") var reason: String?
        @OptionGroup var options: WriteOptions
        func run() throws { try options.perform(.command(runId: runId, .resume), reason: reason) }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop (terminate) a run.")
        @Argument(help: "Run id.") var runId: String
        @Option(help: "Why (required).") var reason: String?
        @OptionGroup var options: WriteOptions
        func run() throws { try options.perform(.command(runId: runId, .stop), reason: reason) }
    }

    struct Restart: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a new attempt of a stopped or completed run, linked to the old one.")
        @Argument(help: "Run id.") var runId: String
        @Option(help: "Why (required).") var reason: String?
        @OptionGroup var options: WriteOptions
        func run() throws { try options.perform(.restart(runId: runId), reason: reason) }
    }

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move an open run to a newer published version of its protocol.",
            discussion: "Run with --dry-run first: it lists what carries over, what is dropped and what is new.")
        @Argument(help: "Run id.") var runId: String
        @Option(help: "Target version (default: the latest published).") var toVersion: Int?
        @Option(name: .customLong("map"), help: "Rename an item: OLD=NEW (repeatable).") var maps: [Assignment] = []
        @Flag(help: "Show the plan; change nothing.") var dryRun = false
        @Option(help: "Why (required).") var reason: String?
        @OptionGroup var options: WriteOptions

        func validate() throws {
            var seen: Set<String> = []
            for map in maps where !seen.insert(map.name).inserted {
                throw ValidationError("--map renames item '\(map.name)' twice")
            }
        }

        func run() throws {
            let itemMap = Assignment.dictionary(maps)
            guard dryRun else {
                return try options.perform(
                    .migrate(runId: runId, toVersion: toVersion, itemMap: itemMap), reason: reason)
            }
            let (from, to, plan) = try options.database.open().planMigration(
                runId: runId, toVersion: toVersion, itemMap: itemMap)
            if options.format == .json {
                struct Plan: Encodable {
                    var from, to: String
                    var carried: [String: String]
                    var dropped: [String: String]
                    var added: [String]
                }
                return try printJSON(
                    Plan(
                        from: from.spec.reference, to: to.spec.reference, carried: plan.carried,
                        dropped: plan.dropped, added: plan.added))
            }
            print("dry run: \(runId) \(from.spec.reference) → \(to.spec.reference)")
            for (old, new) in plan.carried.sorted(by: { $0.key < $1.key }) {
                print(old == new ? "  carried  \(old)" : "  carried  \(old) → \(new)")
            }
            for (old, why) in plan.dropped.sorted(by: { $0.key < $1.key }) { print("  DROPPED  \(old): \(why)") }
            for item in plan.added { print("  new      \(item)") }
        }
    }

    struct Complete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Complete a run; refused while a required item is open or a critical item fails.",
            discussion: """
                With --deviation, complete a run whose critical items failed as a documented deviation: name every \
                failed critical item, give a reason, and act in a role the protocol's deviation.sign_off names. The \
                failures stay failures in every measure.
                """)
        @Argument(help: "Run id.") var runId: String
        @Option(
            help: "Complete with a documented deviation, naming the failed critical items (comma-separated).",
            transform: { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } })
        var deviation: [String]?
        @Option(help: "Why (required with --deviation).") var reason: String?
        @OptionGroup var options: WriteOptions

        func validate() throws {
            if deviation == nil, reason != nil {
                throw ValidationError("--reason goes with --deviation (complete itself needs no reason)")
            }
        }

        func run() throws {
            if let deviation {
                try options.perform(.command(runId: runId, .completeWithDeviation(items: deviation)), reason: reason)
            } else {
                try options.perform(.command(runId: runId, .complete))
            }
        }
    }

    struct Claim: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claim a run from its work queue (your role must be the one it is offered to).")
        @Argument(help: "Run id.") var runId: String
        @OptionGroup var options: WriteOptions
        func run() throws { try options.perform(.command(runId: runId, .claim)) }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a run you own back to its work queue.")
        @Argument(help: "Run id.") var runId: String
        @Option(help: "Why (optional).") var reason: String?
        @OptionGroup var options: WriteOptions
        func run() throws { try options.perform(.command(runId: runId, .release), reason: reason) }
    }

    struct Reassign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a run to a named person (a role of the queue's reassign_by, with a reason).",
            discussion: "The person must be an active user who holds the role the queue is offered to.")
        @Argument(help: "Run id.") var runId: String
        @Option(help: "The staff id of the new owner.") var to: String
        @Option(help: "Why (required).") var reason: String?
        @OptionGroup var options: WriteOptions
        func run() throws { try options.perform(.command(runId: runId, .reassign(to: to)), reason: reason) }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a run as a checklist with its answers.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Run id.") var runId: String
        @Option(help: "Language: zh or en.") var lang: Language = .en
        @Flag(help: "Also print the run's history (every event).") var history = false
        @Option(help: "text or json") var format: OutputFormat = .text

        func run() throws {
            let detail = try database.open().run(runId)
            if format == .json { return try printJSON(RunDocument(detail)) }
            print(RunRenderer(detail: detail, language: lang).render(history: history), terminator: "")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List runs, newest first.")
        @OptionGroup var database: DatabaseOptions
        @Option(name: .customLong("case"), help: "Only runs on this case.") var subject: String?
        @Option(name: .customLong("protocol"), help: "Only runs of this protocol.") var protocolId: String?
        @Option(help: "Only runs with this status.") var status: RunStatus?
        @Option(help: "At most this many.") var limit = 200
        @Option(help: "text or json") var format: OutputFormat = .text

        func run() throws {
            let runs = try database.open().runs(
                subject: subject, protocolId: protocolId, status: status, limit: limit)
            if format == .json { return try printJSON(runs) }
            if runs.isEmpty { return print("no runs") }
            for run in runs { print(runLine(run)) }
        }
    }
}
