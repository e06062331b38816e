import ArgumentParser
import Foundation
import QFlowStats

extension StatsCommand {
    /// Two numeric samples, given inline (`--a 1,2,3 --b 4,5,6`) or as a CSV column split by a group column.
    struct SampleInput: ParsableArguments {
        @Option(help: ArgumentHelp("Sample A, comma-separated numbers.", valueName: "1,2,3"))
        var a: String?

        @Option(help: ArgumentHelp("Sample B, comma-separated numbers.", valueName: "4,5,6"))
        var b: String?

        @Option(help: ArgumentHelp("A CSV file with a header row (instead of --a/--b).", valueName: "file"))
        var csv: String?

        @Option(help: "The CSV column holding the values.")
        var column: String?

        @Option(name: .customLong("group-column"), help: "The CSV column that says which group a row belongs to.")
        var groupColumn: String?

        @Option(
            help: ArgumentHelp(
                "The two group values to compare, comma-separated (default: the first two in the file).",
                valueName: "A,B"))
        var groups: String?

        func validate() throws {
            if csv == nil {
                guard let a, let b else {
                    throw ValidationError(
                        "give both samples with --a and --b, or a CSV with --csv, --column and --group-column")
                }
                _ = try StatsCommand.numbers(a, name: "--a")
                _ = try StatsCommand.numbers(b, name: "--b")
            } else {
                guard a == nil, b == nil else { throw ValidationError("use either --a/--b or --csv, not both") }
                guard column != nil, groupColumn != nil else {
                    throw ValidationError("--csv needs --column NAME and --group-column NAME")
                }
                if let groups, groups.split(separator: ",").count != 2 {
                    throw ValidationError("--groups needs exactly two comma-separated values")
                }
            }
        }

        /// The two samples and their labels (nil labels for inline samples).
        func load() throws -> (a: [Double], b: [Double], labels: (String, String)?) {
            if let csv, let column, let groupColumn {
                let split = try StatsCSV.read(path: csv).twoGroups(
                    value: column, group: groupColumn,
                    names: groups.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } })
                return (split.a, split.b, split.labels)
            }
            return (try StatsCommand.numbers(a ?? "", name: "--a"), try StatsCommand.numbers(b ?? "", name: "--b"), nil)
        }

        /// The samples as JSON arrays, for `--format json`.
        static func json(_ values: [Double]) -> String {
            values.map { "\($0)" }.joined(separator: ",")
        }
    }

    /// `qflow stats welch`: Welch's two-sample t-test.
    struct Welch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Welch's t-test for two independent samples (equal variances not assumed).")

        @OptionGroup var samples: SampleInput
        @OptionGroup var output: OutputOptions

        func run() throws {
            let s = try samples.load()
            if output.format == .json {
                try StatsCommand.printContractResult(
                    #"{"test":"welch","a":[\#(SampleInput.json(s.a))],"b":[\#(SampleInput.json(s.b))]}"#)
                return
            }
            let w = try WelchTTest(a: s.a, b: s.b)
            print(StatsReport.welch(w, groupLabels: s.labels, language: output.lang), terminator: "")
        }
    }

    /// `qflow stats mann-whitney`: the Mann–Whitney U test.
    struct MannWhitney: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mann-whitney",
            abstract: "Mann–Whitney U test (normal approximation with tie and continuity correction).")

        @OptionGroup var samples: SampleInput
        @OptionGroup var output: OutputOptions

        func run() throws {
            let s = try samples.load()
            if output.format == .json {
                try StatsCommand.printContractResult(
                    #"{"test":"mann_whitney","a":[\#(SampleInput.json(s.a))],"b":[\#(SampleInput.json(s.b))]}"#)
                return
            }
            let m = try MannWhitneyTest(a: s.a, b: s.b)
            let shift = try? HodgesLehmann(a: s.a, b: s.b)
            print(
                StatsReport.mannWhitney(m, groupLabels: s.labels, shift: shift, language: output.lang),
                terminator: "")
        }
    }
}
