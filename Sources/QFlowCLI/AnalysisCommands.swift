import ArgumentParser
import Foundation
import QFlowAnalysis
import QFlowDemo
import QFlowEngine
import QFlowReports
import QFlowStats
import QFlowStore

/// `qflow demo`: the main job.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract:
            "Build a fresh database replaying a reconstruction of the published OR study, and print its findings.",
        discussion: """
            The data are a reconstruction from the study's published totals (466 patients, 233 per group; 32 staff
            surveyed before and after), generated from a seed: not patient data. The database is replaced each time.

            With --hospital it builds a training and benchmark sandbox instead: a year (2025) of --cases generated
            cases in --rooms operating rooms, the site file (Site/site.yaml beside the protocols) published with
            those rooms, and demo accounts, in a database marked as a test database.
            Example: qflow demo --hospital --cases 36000 --db sandbox.sqlite --rooms 50
            """)

    @Option(name: .customLong("db"), help: "The demo database (replaced).") var path = "qflow-demo.sqlite"
    @Option(help: "The protocol library (with its examples/ worked runs).") var protocols = "Protocols"
    @Option(help: "Surgical cases (even; half without the flows, half under them).") var cases = 466
    @Option(help: "Seed of the generator.") var seed: UInt64 = 20_140_501
    @Option(help: "Language: zh or en.") var lang: Language = .en
    @Option(help: "The study report to write as a workbook (default: the database's name with .xlsx).")
    var report: String?
    @Flag(help: "Build a training/benchmark hospital (a year of --cases cases) instead of the study.")
    var hospital = false
    @Option(help: "Operating rooms of the --hospital sandbox.") var rooms = 50
    @Option(help: "The site file the --hospital sandbox publishes (default: Site/site.yaml beside the protocols).")
    var site: String?

    func validate() throws {
        if hospital {
            guard (1...2_000_000).contains(cases) else { throw ValidationError("--cases must be from 1 to 2,000,000") }
            guard (1...500).contains(rooms) else { throw ValidationError("--rooms must be from 1 to 500") }
            return
        }
        guard cases >= 20, cases % 2 == 0, cases <= 2_000_000 else {
            throw ValidationError("--cases must be an even number from 20 to 2,000,000")
        }
    }

    func run() throws {
        if FileManager.default.fileExists(atPath: path) {
            // Replace only a QualityFlow database (never some other file given by mistake).
            _ = try Store.open(path: path)
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let started = Date()
        let store = try Store.open(path: path, create: true)
        if hospital { return try buildHospital(store, started: started) }
        var options = Demo.Options()
        options.cases = cases
        options.seed = seed
        let summary = try Demo.run(store: store, protocols: protocols, options: options, language: lang) {
            printError("demo: \($0)")
        }
        print(summary.report, terminator: "")
        let definition = URL(fileURLWithPath: protocols).deletingLastPathComponent()
            .appendingPathComponent("Reports/study.yaml").path
        if FileManager.default.fileExists(atPath: definition) {
            let workbook = report ?? (path.hasSuffix(".sqlite") ? String(path.dropLast(7)) : path) + ".xlsx"
            try ReportWriter(spec: try ReportFile.load(path: definition), store: store, language: lang)
                .write(to: workbook)
            print(lang.text(zh: "\n报告工作簿：\(workbook)", en: "\nReport workbook: \(workbook)"))
        }
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        let next = "qflow compare item:sat.overall --cohort flows --cohort no-flows --db \(path)"
        print(
            lang.text(
                zh: "\n数据库：\(path)（用时 \(seconds) 秒）。可继续：\(next)",
                en: "\nDatabase: \(path) (built in \(seconds) s). Try: \(next)"))
    }
}

extension DemoCommand {
    /// `--hospital`: the training and benchmark sandbox.
    func buildHospital(_ store: Store, started: Date) throws {
        let parent = (protocols as NSString).deletingLastPathComponent
        let beside = parent.isEmpty ? "Site/site.yaml" : parent + "/Site/site.yaml"
        let siteFile = site ?? (FileManager.default.fileExists(atPath: beside) ? beside : nil)
        let built = try HospitalSandbox.build(
            store: store, protocols: protocols, siteFile: siteFile, cases: cases, rooms: rooms, seed: seed
        ) { printError("demo: \($0)") }
        let scale = built.scale
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        print(
            "Built a training hospital: \(scale.cases) cases in \(rooms) rooms over 2025, \(scale.runs) runs, "
                + "\(scale.events) events (\(seconds) s).")
        let source = siteFile.map { " from \($0)" } ?? " (generated)"
        print("Site \(built.site.id) version \(built.site.version) published\(source) with rooms OR1…OR\(rooms).")
        print("")
        print(
            "THIS IS A TEST DATABASE (training sandbox): generated data, no patients. "
                + "Never record real cases in it.")
        print("Demo accounts (password '\(HospitalSandbox.password)'):")
        for account in HospitalSandbox.accounts { print("  \(account.id)  \(account.roles.joined(separator: ", "))") }
        print("")
        print("Database: \(path). Try: qflow serve --db \(path)")
    }
}

/// `qflow cohort …`: named, saved filters over subjects.
struct CohortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cohort", abstract: "Define and list cohorts: saved filters over cases and other subjects.",
        subcommands: [Add.self, List.self, Show.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Save a cohort (replacing one of the same name).",
            discussion: """
                Example: qflow cohort add q1-or3 --kind surgical-case --from 2025-01-01 --to 2025-04-01 --room OR3 \\
                           --with-protocol or_circulating_nurse --fact emergency=false
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Cohort name.") var name: String
        @Option(help: "What it is, in words.") var description: String?
        @Option(help: "Only subjects of this kind.") var kind: String?
        @Option(help: "Subjects with a run of this protocol (repeatable).") var withProtocol: [String] = []
        @Option(help: "Subjects without any run of this protocol (repeatable).") var withoutProtocol: [String] = []
        @Option(help: "From this date or time (inclusive).") var from: String?
        @Option(help: "Until this date or time (exclusive).") var to: String?
        @Option(help: "Only this room (repeatable).") var room: [String] = []
        @Option(help: "Only this ward (repeatable).") var ward: [String] = []
        @Option(help: "Subject fact NAME=VALUE (repeatable).") var fact: [Assignment] = []

        func run() throws {
            let facts = Assignment.dictionary(fact)
            let cohort = Cohort(
                name: name, description: description, subjectKind: kind, withProtocol: withProtocol,
                withoutProtocol: withoutProtocol, from: from, to: to, rooms: room, wards: ward, facts: facts)
            try database.open().saveCohort(cohort, at: Date())
            print("saved cohort \(name)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List saved cohorts.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "text or json") var format: OutputFormat = .text
        func run() throws {
            let cohorts = try database.open().cohorts()
            if format == .json { return try printJSON(cohorts) }
            for cohort in cohorts { print("\(cohort.name)  \(cohort.description ?? "")") }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a cohort's definition and how many subjects it holds.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Cohort name.") var name: String
        func run() throws {
            let store = try database.open()
            let cohort = try store.cohort(name)
            try printJSON(cohort)
        }
    }
}

/// `qflow compare MEASURE --cohort A --cohort B`.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare a measure between cohorts with the test the data's design calls for, and say why.",
        discussion: """
            MEASURE is KIND:NAME — item:ITEM (pass/fail), completion:PROTOCOL, critical-free:PROTOCOL,
            compliance:PROTOCOL (share of items passed per run), duration:PROTOCOL (minutes), number:ITEM.
            Different subjects and a yes/no measure → the SPSS 2×2 block; the same respondents in both cohorts →
            McNemar; a continuous measure → Welch and Mann–Whitney; --over month → a p-chart per cohort
            (Laney p′ when overdispersed, Anhøj rules); --over month --design its with two cohorts (before, after)
            → an interrupted time series (segmented regression, Newey–West errors). Every comparison states the
            power it had to detect the observed difference.
            """)

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The measure, e.g. item:sat.overall.") var measure: String
    @Option(help: "A saved cohort (give two; one or more with --over).") var cohort: [String] = []
    @Option(help: "Chart over time instead, by this period.") var over: Period?
    @Option(help: "With --over month and two cohorts (before, after): its (interrupted time series).")
    var design: Design?
    @Option(help: "Language: zh or en.") var lang: Language = .en
    @Option(help: "text or json") var format: OutputFormat = .text

    /// The period of a chart over time.
    enum Period: String, ExpressibleByArgument, CaseIterable {
        case month
    }

    /// A study design to analyse the cohorts by.
    enum Design: String, ExpressibleByArgument, CaseIterable {
        /// Interrupted time series: the first cohort before, the second after.
        case its
    }

    func validate() throws {
        if design != nil && over == nil { throw ValidationError("--design its needs --over month") }
    }

    func run() throws {
        let store = try database.open()
        let cohorts = try cohort.map { try store.cohort($0) }
        let parsed = try Measure(parsing: measure)
        let comparison = try Comparison.run(
            parsed, cohorts: cohorts, overTime: over != nil, interruptedTimeSeries: design == .its, store: store)
        if format == .json {
            print(String(decoding: try comparison.json(language: lang), as: UTF8.self))
        } else {
            print(comparison.text(language: lang), terminator: "")
        }
    }
}

/// `qflow measure compliance --by item,month`.
struct MeasureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "measure", abstract: "Measures from the recorded runs.", subcommands: [Compliance.self])

    struct Compliance: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: """
                Item compliance (passed / (passed + failed); n.a. left out) grouped by item, phase, protocol, role, \
                room or month.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(
            help: ArgumentHelp(
                "Dimensions, comma-separated: item, phase, protocol, role, room, month.", valueName: "dimension,…"))
        var by = Dimensions([.protocol])
        @Option(help: "Only this saved cohort.") var cohort: String?
        @Option(name: .customLong("protocol"), help: "Only this protocol.") var protocolId: String?
        @Option(help: "text or json") var format: OutputFormat = .text

        func run() throws {
            let dimensions = by.dimensions
            let store = try database.open()
            let rows = try store.compliance(
                by: dimensions, in: try cohort.map { try store.cohort($0) } ?? .everyone, protocolId: protocolId)
            if format == .json { return try printJSON(rows) }
            for row in rows {
                let key = dimensions.map { row.group[$0.rawValue] ?? "" }.joined(separator: "  ")
                let rate = row.rate.map { String(format: "%5.1f%%", 100 * $0) } ?? "    –"
                print("\(key)  \(rate)  pass \(row.pass)  fail \(row.fail)  n.a. \(row.notApplicable)")
            }
        }
    }
}

extension MeasureCommand {
    /// `--by item,month`: the dimensions to group compliance by, each one of ``ComplianceDimension``.
    struct Dimensions: ExpressibleByArgument {
        /// The dimensions, in the order given.
        var dimensions: [ComplianceDimension]

        /// Groups by these dimensions.
        init(_ dimensions: [ComplianceDimension]) { self.dimensions = dimensions }

        /// Reads a comma-separated list; nil when a name is not a dimension.
        init?(argument: String) {
            var dimensions: [ComplianceDimension] = []
            for name in argument.split(separator: ",") {
                guard let d = ComplianceDimension(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                    return nil
                }
                dimensions.append(d)
            }
            guard !dimensions.isEmpty else { return nil }
            self.dimensions = dimensions
        }

        /// The default as help shows it.
        var defaultValueDescription: String { dimensions.map(\.rawValue).joined(separator: ",") }
    }
}
