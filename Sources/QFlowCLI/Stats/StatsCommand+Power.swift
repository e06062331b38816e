import ArgumentParser
import Foundation
import QFlowStats

extension StatsCommand {
    /// `qflow stats power proportions|mcnemar|welch`: power for given sizes, or the size for a target power.
    struct Power: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Power and sample size for two proportions, paired proportions (McNemar) or two means (Welch).",
            discussion: """
                Give the sizes to get the power, or --power to get the size. Two-sided, α = 0.05 unless --alpha.
                  qflow stats power proportions --p1 0.983 --p2 0.948 --n 233
                  qflow stats power proportions --p1 0.983 --p2 0.948 --power 0.8
                  qflow stats power mcnemar --p01 0.125 --p10 0.03125 --n 32
                  qflow stats power welch --delta 5 --sd1 8 --sd2 12 --power 0.9
                """,
            subcommands: [ProportionsPowerCommand.self, McNemarPowerCommand.self, WelchPowerCommand.self])
    }

    /// Sizes or a target power, and α.
    struct PlanOptions: ParsableArguments {
        @Option(help: "Size of each group (or pairs, for mcnemar).") var n: Int?
        @Option(help: "Size of group A.") var n1: Int?
        @Option(help: "Size of group B.") var n2: Int?
        @Option(help: "Target power: find the size instead.") var power: Double?
        @Option(help: "Two-sided significance level.") var alpha: Double = 0.05

        func validate() throws {
            let sized = n != nil || n1 != nil || n2 != nil
            guard sized != (power != nil) else {
                throw ValidationError("give either the sizes (--n, or --n1 and --n2) or --power, and not both")
            }
            if n != nil && (n1 != nil || n2 != nil) { throw ValidationError("give --n or --n1 and --n2, not both") }
            if n == nil && power == nil && (n1 == nil || n2 == nil) { throw ValidationError("give both --n1 and --n2") }
        }

        /// The JSON fields of the request.
        var fields: String {
            var out = [#""alpha":\#(alpha)"#]
            if let n { out.append(#""n":\#(n)"#) }
            if let n1 { out.append(#""n1":\#(n1)"#) }
            if let n2 { out.append(#""n2":\#(n2)"#) }
            if let power { out.append(#""power":\#(power)"#) }
            return out.joined(separator: ",")
        }
    }

    struct ProportionsPowerCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "proportions",
            abstract: "Two independent proportions: normal (power.prop.test), arcsine (pwr) and exact power.")
        @Option(help: "Event probability in group A.") var p1: Double
        @Option(help: "Event probability in group B.") var p2: Double
        @OptionGroup var plan: PlanOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            if output.format == .json {
                return try StatsCommand.printContractResult(
                    #"{"test":"power_proportions","p1":\#(p1),"p2":\#(p2),\#(plan.fields)}"#)
            }
            print(try report(), terminator: "")
        }

        /// The report: the power for the sizes given, or the size that reaches the target power.
        func report() throws(StatsError) -> String {
            if let target = plan.power {
                let s = try ProportionsPower.sampleSize(p1: p1, p2: p2, power: target, alpha: plan.alpha)
                return StatsReport.proportionsPower(s.achieved, required: s.n, language: output.lang)
            }
            let p = try ProportionsPower(
                p1: p1, p2: p2, n1: plan.n ?? plan.n1 ?? 0, n2: plan.n ?? plan.n2 ?? 0, alpha: plan.alpha)
            return StatsReport.proportionsPower(p, language: output.lang)
        }
    }

    struct McNemarPowerCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mcnemar", abstract: "Paired proportions: Connor's approximation and the exact power.")
        @Option(help: "P(no → yes) per pair (McNemar's b / n).") var p01: Double
        @Option(help: "P(yes → no) per pair (McNemar's c / n).") var p10: Double
        @OptionGroup var plan: PlanOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if plan.n1 != nil || plan.n2 != nil { throw ValidationError("mcnemar takes --n (pairs), not --n1/--n2") }
        }

        func run() throws {
            if output.format == .json {
                return try StatsCommand.printContractResult(
                    #"{"test":"power_mcnemar","p01":\#(p01),"p10":\#(p10),\#(plan.fields)}"#)
            }
            print(try report(), terminator: "")
        }

        /// The report: the power for the sizes given, or the size that reaches the target power.
        func report() throws(StatsError) -> String {
            if let target = plan.power {
                let s = try McNemarPower.sampleSize(p01: p01, p10: p10, power: target, alpha: plan.alpha)
                return StatsReport.mcnemarPower(s.achieved, required: s.n, language: output.lang)
            }
            let p = try McNemarPower(pairs: plan.n ?? 0, p01: p01, p10: p10, alpha: plan.alpha)
            return StatsReport.mcnemarPower(p, language: output.lang)
        }
    }

    struct WelchPowerCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "welch", abstract: "Two means, unequal variances: noncentral t (power.t.test when equal).")
        @Option(help: "True mean difference.") var delta: Double
        @Option(help: "Common standard deviation.") var sd: Double?
        @Option(help: "Standard deviation in group A.") var sd1: Double?
        @Option(help: "Standard deviation in group B.") var sd2: Double?
        @OptionGroup var plan: PlanOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard (sd != nil) != (sd1 != nil || sd2 != nil), sd != nil || (sd1 != nil && sd2 != nil) else {
                throw ValidationError("give --sd, or both --sd1 and --sd2")
            }
        }

        /// The standard deviations of groups A and B.
        var deviations: (a: Double, b: Double) { (sd1 ?? sd ?? 0, sd2 ?? sd ?? 0) }

        func run() throws {
            let (a, b) = deviations
            if output.format == .json {
                return try StatsCommand.printContractResult(
                    #"{"test":"power_welch","delta":\#(delta),"sd1":\#(a),"sd2":\#(b),\#(plan.fields)}"#)
            }
            print(try report(), terminator: "")
        }

        /// The report: the power for the sizes given, or the size that reaches the target power.
        func report() throws(StatsError) -> String {
            let (a, b) = deviations
            if let target = plan.power {
                let s = try WelchPower.sampleSize(delta: delta, sd1: a, sd2: b, power: target, alpha: plan.alpha)
                return StatsReport.welchPower(s.achieved, required: s.n, language: output.lang)
            }
            let n1 = Double(plan.n ?? plan.n1 ?? 0)
            let n2 = Double(plan.n ?? plan.n2 ?? 0)
            let p = try WelchPower(delta: delta, sd1: a, sd2: b, n1: n1, n2: n2, alpha: plan.alpha)
            return StatsReport.welchPower(p, language: output.lang)
        }
    }

    /// `qflow stats its --events … --totals … --intervention K`: segmented regression of monthly proportions.
    struct ITS: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "its",
            abstract: "Interrupted time series: level and slope change of monthly proportions, Newey–West errors.")
        @Option(help: ArgumentHelp("Events per month, comma-separated.", valueName: "x1,x2,…")) var events: String
        @Option(help: ArgumentHelp("Cases per month, comma-separated.", valueName: "n1,n2,…")) var totals: String
        @Option(help: "0-based index of the first month after the intervention.") var intervention: Int
        @Option(help: ArgumentHelp("Month numbers (gaps allowed), comma-separated.", valueName: "t1,t2,…"))
        var times: String?
        @OptionGroup var output: OutputOptions

        func run() throws {
            let e = try StatsCommand.counts(events, name: "--events")
            let n = try StatsCommand.counts(totals, name: "--totals")
            let t = try times.map { try StatsCommand.counts($0, name: "--times") }
            if output.format == .json {
                let list = { (v: [Int]) in v.map(String.init).joined(separator: ",") }
                let timesField = t.map { #","times":[\#(list($0))]"# } ?? ""
                return try StatsCommand.printContractResult(
                    #"{"test":"its","events":[\#(list(e))],"totals":[\#(list(n))],"#
                        + #""intervention":\#(intervention)\#(timesField)}"#)
            }
            let its = try InterruptedTimeSeries(events: e, totals: n, times: t, intervention: intervention)
            print(StatsReport.interruptedTimeSeries(its, language: output.lang), terminator: "")
        }
    }
}
