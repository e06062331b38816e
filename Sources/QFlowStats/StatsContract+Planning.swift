import Foundation

/// The contract's effect sizes, chart rules, power and time-series requests (see the table in `StatsContract`).
extension StatsContract {
    typealias Fields = [(key: String, value: JSONValue)]

    static func proportionsEffects(_ p: ProportionsComparison) -> Fields {
        let exact = p.exactOddsRatio
        let power = p.observedPower
        return [
            ("relative_risk", .double(p.relativeRisk)), ("rr_ci_low", .double(p.relativeRiskInterval.low)),
            ("rr_ci_high", .double(p.relativeRiskInterval.high)), ("cohens_h", .double(p.cohensH)),
            ("h_ci_low", .double(p.cohensHInterval.low)), ("h_ci_high", .double(p.cohensHInterval.high)),
            ("exact_odds_ratio", .double(exact.flatMap { $0.estimate.isFinite ? $0.estimate : nil })),
            ("exact_or_ci_low", .double(exact?.low)), ("exact_or_ci_high", .double(exact?.high)),
            ("observed_power", .double(power?.power)), ("observed_power_exact", .double(power?.exactPower)),
        ]
    }

    static func mcnemarEffects(_ m: McNemarTest, pairs: Int?) -> Fields {
        let or = m.conditionalOddsRatio
        let power = pairs.flatMap { m.observedPower(pairs: $0) }
        return [
            ("odds_ratio", .double(or?.estimate)), ("or_ci_low", .double(or?.low)), ("or_ci_high", .double(or?.high)),
            ("observed_power", .double(power?.power)), ("observed_power_exact", .double(power?.exactPower)),
        ]
    }

    static func welchEffects(_ w: WelchTTest) -> Fields {
        [("observed_power", .double(w.observedPower?.power))]
    }

    static func chartExtras(_ c: PChart) throws(StatsError) -> Fields {
        let laney = c.events.count >= 2 ? try LaneyPChart(events: c.events, totals: c.totals) : nil
        let o =
            if let laney { Overdispersion(chart: laney) } else {
                try Overdispersion(events: c.events, totals: c.totals)
            }
        let a = AnhojRules(values: c.proportions, centre: c.center)
        func list(_ v: [Double]?) -> JSONValue { v.map { .array($0.map { .double($0) }) } ?? .null }
        return [
            ("dispersion_chi2", .double(o.chi2)), ("dispersion_p", .double(o.p)), ("sigma_z", .double(o.sigmaZ)),
            ("chart", .string(o.detected ? "laney" : "p")), ("laney_ucl", list(laney?.upperLimits)),
            ("laney_lcl", list(laney?.lowerLimits)),
            ("laney_out_of_control", laney.map { .array($0.outOfControl.map { .number(Double($0)) }) } ?? .null),
            ("anhoj_useful", .number(Double(a.usefulPoints))), ("anhoj_longest_run", .number(Double(a.longestRun))),
            ("anhoj_longest_run_limit", .number(Double(a.longestRunLimit))),
            ("anhoj_crossings", .number(Double(a.crossings))),
            ("anhoj_crossings_limit", .number(Double(a.crossingsLimit))), ("anhoj_signal", .bool(a.signal)),
        ]
    }

    static func planning(_ test: String, _ r: Request) throws(StatsError) -> Fields {
        switch test {
        case "power_proportions":
            try r.allowOnly(["p1", "p2", "n", "n1", "n2", "power", "alpha"])
            let (p1, p2) = (try r.number("p1"), try r.number("p2"))
            let alpha = try r.optionalNumber("alpha") ?? 0.05
            let result: ProportionsPower
            var required: Double?
            if let target = try r.optionalNumber("power") {
                guard !r.has("n") && !r.has("n1") && !r.has("n2") else {
                    throw .invalid("give either \"power\" (to find n) or the sizes, not both")
                }
                let s = try ProportionsPower.sampleSize(p1: p1, p2: p2, power: target, alpha: alpha)
                required = s.n
                result = s.achieved
            } else {
                let (n1, n2) = try sizes(r)
                result = try ProportionsPower(p1: p1, p2: p2, n1: n1, n2: n2, alpha: alpha)
            }
            return [
                ("n1", .number(Double(result.n1))), ("n2", .number(Double(result.n2))),
                ("power", .double(result.power)),
                ("power_arcsine", .double(result.arcsinePower)), ("power_exact", .double(result.exactPower)),
                ("cohens_h", .double(result.cohensH)), ("n_required", .double(required)),
            ]
        case "power_mcnemar":
            try r.allowOnly(["p01", "p10", "n", "power", "alpha"])
            let (p01, p10) = (try r.number("p01"), try r.number("p10"))
            let alpha = try r.optionalNumber("alpha") ?? 0.05
            let result: McNemarPower
            var required: Double?
            if let target = try r.optionalNumber("power") {
                guard !r.has("n") else { throw .invalid("give either \"power\" (to find n) or \"n\", not both") }
                let s = try McNemarPower.sampleSize(p01: p01, p10: p10, power: target, alpha: alpha)
                required = s.n
                result = s.achieved
            } else {
                result = try McNemarPower(pairs: try r.count("n"), p01: p01, p10: p10, alpha: alpha)
            }
            return [
                ("n", .number(Double(result.pairs))), ("power", .double(result.power)),
                ("power_exact", .double(result.exactPower)), ("n_required", .double(required)),
            ]
        case "power_welch":
            try r.allowOnly(["delta", "sd", "sd1", "sd2", "n", "n1", "n2", "power", "alpha"])
            let delta = try r.number("delta")
            let common = r.has("sd") ? try r.number("sd") : nil
            guard let sd1 = try r.optionalNumber("sd1") ?? common, let sd2 = try r.optionalNumber("sd2") ?? common
            else { throw .invalid("test power_welch needs \"sd\" or both \"sd1\" and \"sd2\"") }
            let alpha = try r.optionalNumber("alpha") ?? 0.05
            let result: WelchPower
            var required: Double?
            if let target = try r.optionalNumber("power") {
                guard !r.has("n") && !r.has("n1") && !r.has("n2") else {
                    throw .invalid("give either \"power\" (to find n) or the sizes, not both")
                }
                let s = try WelchPower.sampleSize(delta: delta, sd1: sd1, sd2: sd2, power: target, alpha: alpha)
                required = s.n
                result = s.achieved
            } else {
                let (n1, n2) = try sizes(r)
                result = try WelchPower(
                    delta: delta, sd1: sd1, sd2: sd2, n1: Double(n1), n2: Double(n2), alpha: alpha)
            }
            return [
                ("n1", .number(result.n1)), ("n2", .number(result.n2)), ("df", .double(result.degreesOfFreedom)),
                ("ncp", .double(result.noncentrality)), ("power", .double(result.power)),
                ("n_required", .double(required)),
            ]
        default:
            try r.allowOnly(["events", "totals", "intervention", "times"])
            let times = r.has("times") ? try r.counts("times") : nil
            let its = try InterruptedTimeSeries(
                events: try r.counts("events"), totals: try r.counts("totals"), times: times,
                intervention: try r.count("intervention"))
            return itsFields(its)
        }
    }

    /// `n` for both groups, or `n1` and `n2`.
    private static func sizes(_ r: Request) throws(StatsError) -> (Int, Int) {
        if let n = try r.optionalCount("n") {
            guard !r.has("n1") && !r.has("n2") else { throw .invalid("give \"n\" or \"n1\" and \"n2\", not both") }
            return (n, n)
        }
        return (try r.count("n1"), try r.count("n2"))
    }

    static func itsFields(_ its: InterruptedTimeSeries) -> Fields {
        var out: Fields = [("scale", .string("identity"))]
        for (name, c) in [
            ("baseline", its.baseline), ("pre_slope", its.preSlope), ("level_change", its.levelChange),
            ("slope_change", its.slopeChange), ("post_slope", its.postSlope),
        ] {
            out += [
                (name, .double(c.estimate)), (name + "_se", .double(c.standardError)),
                (name + "_ols_se", .double(c.olsStandardError)), (name + "_p", .double(c.p)),
                (name + "_ci_low", .double(c.interval.low)), (name + "_ci_high", .double(c.interval.high)),
            ]
        }
        out += [
            ("df", .number(Double(its.residualDegreesOfFreedom))), ("nw_lag", .number(Double(its.lag))),
            ("durbin_watson", .double(its.durbinWatson)),
            ("lag1_autocorrelation", .double(its.lagOneAutocorrelation)),
            ("bg_chi2", .double(its.breuschGodfrey?.statistic)),
            ("bg_df", its.breuschGodfrey.map { .number(Double($0.degreesOfFreedom)) } ?? .null),
            ("bg_p", .double(its.breuschGodfrey?.p)),
        ]
        return out
    }
}

extension WelchTTest {
    /// The power Welch's test had for its own observed mean difference and standard deviations (α = 0.05); nil
    /// when a standard deviation is 0.
    public var observedPower: WelchPower? {
        try? WelchPower(
            delta: meanDifference, sd1: summaryA.standardDeviation, sd2: summaryB.standardDeviation,
            n1: Double(summaryA.count), n2: Double(summaryB.count))
    }
}
