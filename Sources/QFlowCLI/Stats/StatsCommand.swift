import ArgumentParser
import Foundation
import QFlowStats

/// `qflow stats …`: the statistics module from the command line — the JSON machine contract (`run`) and
/// SPSS-style reports for people (`proportions`, `mcnemar`, `welch`, `mann-whitney`, `pchart`).
public struct StatsCommand: ParsableCommand {
    /// Describes the command and its subcommands.
    public static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Statistics for quality comparisons: SPSS-style reports and a JSON machine contract.",
        discussion: """
            All tests are two-sided; all intervals are 95% with z = Φ⁻¹(0.975) computed exactly.
            Examples:
              qflow stats proportions 229/233 221/233 --lang zh
              qflow stats mcnemar 4 1
              qflow stats welch --a 1,2,3,4,5 --b 2,4,6,8,10,12
              qflow stats pchart --events 30,45,60,10 --totals 100,100,100,100
              qflow stats power proportions --p1 0.983 --p2 0.948 --power 0.8
              qflow stats its --events 171,168,175,186,188,185 --totals 200,200,200,200,200,200 --intervention 3
              qflow stats run --input requests.json
            """,
        subcommands: [
            Run.self, Proportions.self, McNemar.self, Welch.self, MannWhitney.self, PChart.self, Power.self, ITS.self,
        ]
    )

    /// Creates the command (used by ArgumentParser).
    public init() {}
}

extension StatsCommand {
    /// `--lang` and `--format`, shared by the report commands.
    struct OutputOptions: ParsableArguments {
        @Option(help: "Language of the report: en or zh.")
        var lang: Language = .en

        @Option(help: "text (the SPSS-style report) or json (the machine-contract result, as `stats run`).")
        var format: OutputFormat = .text
    }

    /// Runs one machine-contract request and prints its result array; used by `--format json`.
    static func printContractResult(_ request: String) throws {
        FileHandle.standardOutput.write(try StatsContract.run(Data("[\(request)]".utf8)))
    }

    /// Parses a comma-separated list of numbers ("1,2.5, 3").
    static func numbers(_ text: String, name: String) throws -> [Double] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        var values: [Double] = []
        for (index, part) in parts.enumerated() {
            guard let v = Double(part), v.isFinite else {
                throw ValidationError(
                    "\(name): value \(index + 1) is not a number (give a comma-separated list like 1,2.5,3)")
            }
            values.append(v)
        }
        return values
    }

    /// Parses a comma-separated list of non-negative whole numbers.
    static func counts(_ text: String, name: String) throws -> [Int] {
        try text.split(separator: ",", omittingEmptySubsequences: false).enumerated().map { index, raw in
            let part = raw.trimmingCharacters(in: .whitespaces)
            guard let v = Int(part), v >= 0 else {
                throw ValidationError("\(name): value \(index + 1) is not a non-negative whole number")
            }
            return v
        }
    }
}
