import ArgumentParser
import Foundation
import QFlowStats

extension StatsCommand {
    /// `qflow stats proportions 229/233 221/233`: two independent proportions, the SPSS 2×2 report.
    struct Proportions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare two independent proportions x/n: crosstab, Chi-Square Tests, effect sizes, conclusion.")

        @Argument(help: ArgumentHelp("Events and size of group A, as x/n (e.g. 229/233).", valueName: "x1/n1"))
        var groupA: String

        @Argument(help: ArgumentHelp("Events and size of group B, as x/n.", valueName: "x2/n2"))
        var groupB: String

        @Option(help: ArgumentHelp("Names of the two groups, comma-separated.", valueName: "A,B"))
        var labels: String?

        @Option(help: ArgumentHelp("Names of the two outcome columns, comma-separated.", valueName: "yes,no"))
        var outcomes: String?

        @OptionGroup var output: OutputOptions

        func validate() throws {
            _ = try Self.fraction(groupA, name: "x1/n1")
            _ = try Self.fraction(groupB, name: "x2/n2")
            for (name, value) in [("--labels", labels), ("--outcomes", outcomes)] {
                if let value, value.split(separator: ",").count != 2 {
                    throw ValidationError("\(name) needs exactly two comma-separated names")
                }
            }
        }

        /// Parses "x/n" into counts, checking 0 ≤ x ≤ n and n ≥ 1; errors name the argument (`x1/n1`), not its text.
        static func fraction(_ text: String, name: String) throws -> (x: Int, n: Int) {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let x = Int(parts[0]), let n = Int(parts[1]) else {
                throw ValidationError("<\(name)>: write events/size, e.g. 229/233")
            }
            guard n >= 1 else { throw ValidationError("<\(name)>: the group size must be at least 1") }
            guard x >= 0, x <= n else { throw ValidationError("<\(name)>: events must be between 0 and the size") }
            return (x, n)
        }

        func run() throws {
            let a = try Self.fraction(groupA, name: "x1/n1")
            let b = try Self.fraction(groupB, name: "x2/n2")
            if output.format == .json {
                try StatsCommand.printContractResult(
                    #"{"test":"proportions","a":[\#(a.x),\#(a.n)],"b":[\#(b.x),\#(b.n)]}"#)
                return
            }
            let block = try ProportionsComparison(x1: a.x, n1: a.n, x2: b.x, n2: b.n)
            print(
                StatsReport.proportions(
                    block, groupLabels: Self.pair(labels), outcomeLabels: Self.pair(outcomes),
                    language: output.lang), terminator: "")
        }

        static func pair(_ text: String?) -> (String, String)? {
            guard let parts = text?.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }),
                parts.count == 2
            else { return nil }
            return (parts[0], parts[1])
        }
    }

    /// `qflow stats mcnemar B C`: paired binary data from the discordant pairs.
    struct McNemar: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mcnemar",
            abstract: "McNemar's test from the discordant pairs b (no → yes) and c (yes → no).")

        @Argument(help: "Pairs that changed from no to yes.")
        var b: Int

        @Argument(help: "Pairs that changed from yes to no.")
        var c: Int

        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard b >= 0, c >= 0 else { throw ValidationError("b and c are counts and must be 0 or more") }
        }

        func run() throws {
            if output.format == .json {
                try StatsCommand.printContractResult(#"{"test":"mcnemar","b":\#(b),"c":\#(c)}"#)
                return
            }
            let m = try McNemarTest(b: b, c: c)
            print(StatsReport.mcnemar(m, language: output.lang), terminator: "")
        }
    }

    /// `qflow stats pchart --events 3,4,5 --totals 50,50,60`: a p-chart with run-chart signals.
    struct PChart: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pchart",
            abstract: "A p-chart (stepped 3σ limits per subgroup) with run-chart signals (shift ≥ 6, trend ≥ 5).")

        @Option(help: ArgumentHelp("Events per subgroup (e.g. per month), comma-separated.", valueName: "x1,x2,…"))
        var events: String

        @Option(help: ArgumentHelp("Subgroup sizes, comma-separated.", valueName: "n1,n2,…"))
        var totals: String

        @OptionGroup var output: OutputOptions

        func validate() throws {
            let e = try StatsCommand.counts(events, name: "--events")
            let t = try StatsCommand.counts(totals, name: "--totals")
            guard e.count == t.count else {
                throw ValidationError("--events has \(e.count) values but --totals has \(t.count)")
            }
        }

        func run() throws {
            let e = try StatsCommand.counts(events, name: "--events")
            let t = try StatsCommand.counts(totals, name: "--totals")
            if output.format == .json {
                let list = { (v: [Int]) in v.map(String.init).joined(separator: ",") }
                try StatsCommand.printContractResult(
                    #"{"test":"pchart","events":[\#(list(e))],"totals":[\#(list(t))]}"#)
                return
            }
            let chart = try QFlowStats.PChart(events: e, totals: t)
            print(StatsReport.pChart(chart, language: output.lang), terminator: "")
        }
    }
}
