import ArgumentParser
import Foundation
import QFlowEngine
import QFlowStore

/// `qflow case …`: the subjects runs are about (surgical cases, linen batches, audits, respondents).
struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case", abstract: "Add and list cases (and other subjects: linen batches, audits, respondents).",
        subcommands: [Add.self, Import.self, List.self, Show.self])

    /// `qflow case add ID …`
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a case and start the site's bundles for it.",
            discussion: """
                Example: qflow case add C2026-0001 --room OR3 --procedure "Laparoscopic cholecystectomy" \\
                           --scheduled-start "2026-03-02 08:00" --patient-ref P-9f3a --flag implant
                Use a pseudonymous --patient-ref, never a name or hospital number. The case is checked like a
                schedule row (facts typed by the published protocols, the room against the site file) and the site's
                bundles for its kind start in the same transaction (none when no site is published). A time without
                a zone is read in the site's time zone. Who adds it is given by --user and --role.
                """)

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actor: ActorOptions
        @Argument(help: "Case number (or batch number, audit id, respondent id).") var id: String
        @Option(help: "surgical-case, linen-batch, audit or respondent.") var kind = "surgical-case"
        @Option(help: "Operating room (or laundry line).") var room: String?
        @Option(help: "Ward or department.") var ward: String?
        @Option(help: "Procedure booked.") var procedure: String?
        @Option(help: "Scheduled start: ISO-8601 with a zone, or YYYY-MM-DD HH:MM in the site's zone.")
        var scheduledStart: String?
        @Option(help: "Pseudonymous patient id.") var patientRef: String?
        @Option(help: "A short label.") var label: String?
        @Option(name: .customLong("fact"), help: "A subject field as NAME=VALUE (repeatable).")
        var facts: [Assignment] = []
        @Option(name: .customLong("flag"), help: "A yes/no subject field that is true, e.g. implant (repeatable).")
        var flags: [String] = []

        func run() throws {
            var values = Assignment.dictionary(facts)
            for flag in flags { values[flag] = "true" }
            let store = try database.open()
            let who = try actor.actor()
            let at = try actor.time()
            var start: Date?
            if let scheduledStart {
                switch CaseSchedule.time(scheduledStart, in: try store.scheduleContext().timeZone) {
                case .success(let date): start = date
                case .failure(let why): throw CLIError("--scheduled-start: \(why.message)")
                }
            }
            let subject = Subject(
                id: id, kind: kind, label: label, patientRef: patientRef, room: room, ward: ward,
                procedure: procedure, scheduledStart: start, facts: values)
            let result = try store.addCase(subject, by: who, at: at)
            print("added \(kind) \(id)")
            for run in result.runs { print("  " + startedLine(run)) }
        }
    }

    /// `qflow case import FILE.csv`
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import the day's schedule (CSV): every row is checked first, then all are written or none.",
            discussion: """
                Columns (first line): case_id, room, procedure, scheduled_start, patient_ref, ward, kind (default
                surgical-case), and any subject fact the published protocols declare (implant, uses_esu, …;
                yes/no/true/false/1/0 for yes-or-no facts). UTF-8 with or without BOM, at most 2 MB and 5,000 rows.
                Times: ISO-8601 with a zone, or YYYY-MM-DD HH:MM in the site's time zone. Re-importing the same
                schedule changes nothing; a case whose content changed is refused unless --update is given.
                Each bad row is printed as FILE:LINE: column: message, and nothing is imported (exit 1).
                """)

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var actor: ActorOptions
        @Argument(help: "The schedule, a .csv file.") var file: String
        @Flag(help: "Update cases that exist with different content (recorded as an update; bundles do not restart).")
        var update = false
        @Option(help: "text or json") var format: OutputFormat = .text

        func run() throws {
            let bytes = try readSchedule(file)
            let store = try database.open()
            let who = try actor.actor()
            let at = try actor.time()
            let report: ImportReport
            do throws(StoreError) {
                report = try store.importSchedule(bytes, mode: update ? .update : .create, by: who, at: at)
            } catch {
                // The problems' lines are lines of this file: the root prints them as FILE:LINE.
                var located = error
                located.file = file
                throw located
            }
            if format == .json { return try printJSON(report) }
            print(report.summary)
        }
    }

    /// `qflow case list`
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List cases by scheduled start.")

        @OptionGroup var database: DatabaseOptions
        @Option(help: "Only this kind of subject.") var kind: String?
        @Option(help: "text or json") var format: OutputFormat = .text

        func run() throws {
            let subjects = try database.open().subjects(kind: kind)
            if format == .json { return try printJSON(subjects.map(SubjectJSON.init)) }
            for s in subjects {
                print(
                    [s.id, s.kind, s.room ?? "-", s.scheduledStart.map(Timestamp.format) ?? "-", s.procedure ?? ""]
                        .joined(separator: "  "))
            }
        }
    }

    /// `qflow case show ID`
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a case and its runs.")

        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Case id.") var id: String
        @Option(help: "text or json") var format: OutputFormat = .text

        func run() throws {
            let store = try database.open()
            guard let subject = try store.subject(id) else { throw CLIError("no case \(id)", kind: .notFound) }
            let runs = try store.runs(subject: id)
            if format == .json {
                struct Out: Encodable {
                    var subject: SubjectJSON
                    var runs: [RunSummary]
                }
                return try printJSON(Out(subject: SubjectJSON(subject), runs: runs))
            }
            print("\(subject.kind) \(subject.id)")
            for (key, value) in [
                ("room", subject.room), ("ward", subject.ward), ("procedure", subject.procedure),
                ("scheduled start", subject.scheduledStart.map(Timestamp.format)),
                ("patient ref", subject.patientRef),
            ] {
                if let value { print("  \(key): \(value)") }
            }
            for (key, value) in subject.facts.sorted(by: { $0.key < $1.key }) { print("  \(key): \(value)") }
            print("runs:")
            for run in runs.reversed() { print("  " + runLine(run)) }
        }
    }
}

/// A subject as JSON (times as ISO-8601 text).
struct SubjectJSON: Encodable {
    var id, kind: String
    var label, patientRef, room, ward, procedure, scheduledStart: String?
    var facts: [String: String]

    init(_ s: Subject) {
        id = s.id
        kind = s.kind
        label = s.label
        patientRef = s.patientRef
        room = s.room
        ward = s.ward
        procedure = s.procedure
        scheduledStart = s.scheduledStart.map(Timestamp.format)
        facts = s.facts
    }
}

/// Reads a schedule file, refusing one larger than the schedule limit without reading all of it.
func readSchedule(_ path: String) throws -> [UInt8] {
    guard let handle = FileHandle(forReadingAtPath: path) else {
        throw CLIError("\(path): no such file, or it cannot be read", kind: .io)
    }
    defer { try? handle.close() }
    let data = try handle.read(upToCount: CaseSchedule.maximumBytes + 1) ?? Data()
    return [UInt8](data)
}

/// `started R000001 or_circulating_nurse (bundle surgical_case)` or `(triggered by R000001)`.
func startedLine(_ run: StartedRun) -> String {
    let origin = run.bundleId.map { "bundle \($0)" } ?? run.triggeredByRun.map { "triggered by \($0)" } ?? ""
    return "started \(run.runId) \(run.protocolId) (\(origin))"
}

/// One line per run for listings.
func runLine(_ run: RunSummary) -> String {
    var line = "\(run.id)  \(run.protocolId)@\(run.version)  \(run.subjectId)  \(run.status.rawValue)"
    if let phase = run.currentPhase, run.status.isOpen { line += "  phase \(phase)" }
    if run.openRequired > 0, run.status != .completed { line += "  \(run.openRequired) open" }
    if run.criticalFailures > 0 { line += "  \(run.criticalFailures) critical failed" }
    if let parent = run.triggeredByRun { line += "  (from \(parent) \(run.triggerId ?? ""))" }
    return line + "  #\(run.lastSeq)"
}
