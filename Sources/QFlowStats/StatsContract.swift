import Foundation

/// The machine contract behind `qflow stats run`: a JSON array of requests in, a JSON array of results out.
///
/// Each request is an object with an optional `id` (echoed as given, `null` if absent), a `test` name and the
/// test's inputs. Each result is an object whose first key is `id`, followed by exactly these keys
/// (per test: input keys → result keys):
///
/// - `proportions`: `a: [x1, n1]`, `b: [x2, n2]` → `pearson_chi2`, `pearson_p`, `yates_chi2`, `yates_p`, `fisher_p`,
///   `likelihood_ratio_chi2`, `likelihood_ratio_p`, `risk_difference`, `rd_ci_low`, `rd_ci_high`, `odds_ratio`,
///   `or_ci_low`, `or_ci_high`, `wilson_a_low`, `wilson_a_high`, `wilson_b_low`, `wilson_b_high`, `min_expected`,
///   `relative_risk`, `rr_ci_low`, `rr_ci_high`, `cohens_h`, `h_ci_low`, `h_ci_high`, `exact_odds_ratio`,
///   `exact_or_ci_low`, `exact_or_ci_high`, `observed_power`, `observed_power_exact`
/// - `contingency`: `table: [[…], …]` → `chi2`, `df`, `p`, `cramers_v`, `min_expected`
/// - `mcnemar`: `b`, `c`, optional `n` (all pairs) → `chi2`, `p`, `exact_p`, `mid_p`, `odds_ratio`, `or_ci_low`,
///   `or_ci_high`, `observed_power`, `observed_power_exact` (null without `n`)
/// - `welch`: `a: […]`, `b: […]` → `t`, `df`, `p`, `mean_diff`, `ci_low`, `ci_high`, `observed_power`
/// - `mann_whitney`: `a: […]`, `b: […]` → `u`, `p`, `hodges_lehmann`, `hl_ci_low`, `hl_ci_high`
/// - `pchart`: `events: […]`, `totals: […]` → `center`, `ucl`, `lcl`, `out_of_control`, `dispersion_chi2`,
///   `dispersion_p`, `sigma_z`, `chart` (`"p"` or `"laney"`), `laney_ucl`, `laney_lcl`, `laney_out_of_control`,
///   `anhoj_useful`, `anhoj_longest_run`, `anhoj_longest_run_limit`, `anhoj_crossings`, `anhoj_crossings_limit`,
///   `anhoj_signal`
/// - `power_proportions`: `p1`, `p2`, and `n` or `n1`+`n2`, or `power`; optional `alpha` → `n1`, `n2`, `power`,
///   `power_arcsine`, `power_exact`, `cohens_h`, `n_required`
/// - `power_mcnemar`: `p01`, `p10`, and `n` (pairs) or `power`; optional `alpha` → `n`, `power`, `power_exact`,
///   `n_required`
/// - `power_welch`: `delta`, `sd` or `sd1`+`sd2`, and `n` or `n1`+`n2`, or `power`; optional `alpha` → `n1`, `n2`,
///   `df`, `ncp`, `power`, `n_required`
/// - `its`: `events`, `totals`, `intervention` (index of the first month after), optional `times` → `scale`, then for
///   each of `baseline`, `pre_slope`, `level_change`, `slope_change`, `post_slope`: the estimate and `_se`
///   (Newey–West), `_ols_se`, `_p`, `_ci_low`, `_ci_high`; `df`, `nw_lag`, `durbin_watson`, `lag1_autocorrelation`,
///   `bg_chi2`, `bg_df`, `bg_p`
///
/// With `power`, the sample size is solved (`n_required`, fractional) and `n1`, `n2`, `power` are those of the
/// size rounded up. Effect sizes, power conventions and the R function each matches are in the README.
///
/// A malformed request (unknown test or key, a missing or mistyped field, negative counts, x > n, an empty
/// sample, an all-zero row or column, a Welch sample of size 1…) yields `{"id": …, "error": "message"}` and the
/// other requests are still answered. Doubles are written in their shortest round-trip form (so 1e-150 survives
/// exactly). NaN and Infinity are never written: a value that is mathematically undefined for a well-formed
/// request is `null` — the chi-square statistics of a 2×2 with no events (an expected count of 0), Welch's t,
/// df, p and interval when both samples are constant, and the Mann–Whitney p when every value is tied.
///
/// ```swift
/// let out = try StatsContract.run(Data(#"[{"id":1,"test":"mcnemar","b":4,"c":1}]"#.utf8))
/// ```
public enum StatsContract {
    /// The test names the contract understands.
    public static let testNames = [
        "proportions", "contingency", "mcnemar", "welch", "mann_whitney", "pchart", "power_proportions",
        "power_mcnemar", "power_welch", "its",
    ]

    /// Answers every request of a JSON array; throws `StatsError` (`.malformedJSON`) only when the document is not
    /// valid JSON or not an array.
    public static func run(_ input: Data) throws(StatsError) -> Data {
        let document = try JSONValue.parse(input)
        guard case .array(let requests) = document else {
            throw StatsError(.malformedJSON, "the input must be a JSON array of requests, not \(document.kindName)")
        }
        let results = requests.map { answer($0).serialized() }
        let text = results.isEmpty ? "[]\n" : "[\n" + results.joined(separator: ",\n") + "\n]\n"
        return Data(text.utf8)
    }

    /// The result object for one request.
    static func answer(_ request: JSONValue) -> JSONValue {
        let id = request["id"] ?? .null
        do {
            let fields = try compute(request)
            return .object([("id", id)] + fields)
        } catch {
            return .object([("id", id), ("error", .string(error.message))])
        }
    }

    private static func compute(_ request: JSONValue) throws(StatsError) -> [(key: String, value: JSONValue)] {
        guard case .object = request else {
            throw .invalid("each request must be a JSON object, not \(request.kindName)")
        }
        guard let testValue = request["test"] else { throw .invalid("the request has no \"test\" field") }
        guard case .string(let test) = testValue else { throw .invalid("\"test\" must be a string") }
        let r = Request(value: request, test: test)
        switch test {
        case "proportions":
            try r.allowOnly(["a", "b"])
            let a = try r.countPair("a")
            let b = try r.countPair("b")
            let p = try ProportionsComparison(x1: a.x, n1: a.n, x2: b.x, n2: b.n)
            return [
                ("pearson_chi2", .double(p.pearsonChi2)), ("pearson_p", .double(p.pearsonP)),
                ("yates_chi2", .double(p.yatesChi2)), ("yates_p", .double(p.yatesP)),
                ("fisher_p", .double(p.fisher.twoSidedP)),
                ("likelihood_ratio_chi2", .double(p.likelihoodRatioChi2)),
                ("likelihood_ratio_p", .double(p.likelihoodRatioP)),
                ("risk_difference", .double(p.riskDifference)),
                ("rd_ci_low", .double(p.riskDifferenceInterval.low)),
                ("rd_ci_high", .double(p.riskDifferenceInterval.high)),
                ("odds_ratio", .double(p.oddsRatio)), ("or_ci_low", .double(p.oddsRatioInterval.low)),
                ("or_ci_high", .double(p.oddsRatioInterval.high)),
                ("wilson_a_low", .double(p.wilsonA.low)), ("wilson_a_high", .double(p.wilsonA.high)),
                ("wilson_b_low", .double(p.wilsonB.low)), ("wilson_b_high", .double(p.wilsonB.high)),
                ("min_expected", .double(p.minExpected)),
            ] + proportionsEffects(p)
        case "contingency":
            try r.allowOnly(["table"])
            let t = try ContingencyTest(table: try r.table("table"))
            return [
                ("chi2", .double(t.chi2)), ("df", .number(Double(t.degreesOfFreedom))), ("p", .double(t.p)),
                ("cramers_v", .double(t.cramersV)), ("min_expected", .double(t.minExpected)),
            ]
        case "mcnemar":
            try r.allowOnly(["b", "c", "n"])
            let m = try McNemarTest(b: try r.count("b"), c: try r.count("c"))
            let pairs = try r.optionalCount("n")
            if let pairs, pairs < m.b + m.c {
                throw .invalid("\"n\" (all pairs, \(pairs)) cannot be smaller than b + c = \(m.b + m.c)")
            }
            return [
                ("chi2", .double(m.chi2)), ("p", .double(m.p)), ("exact_p", .double(m.exactP)),
                ("mid_p", .double(m.midP)),
            ] + mcnemarEffects(m, pairs: pairs)
        case "welch":
            try r.allowOnly(["a", "b"])
            let w = try WelchTTest(a: try r.sample("a"), b: try r.sample("b"))
            return [
                ("t", .double(w.t)), ("df", .double(w.degreesOfFreedom)), ("p", .double(w.p)),
                ("mean_diff", .double(w.meanDifference)), ("ci_low", .double(w.interval?.low)),
                ("ci_high", .double(w.interval?.high)),
            ] + welchEffects(w)
        case "mann_whitney":
            try r.allowOnly(["a", "b"])
            let m = try MannWhitneyTest(a: try r.sample("a"), b: try r.sample("b"))
            let hl = try HodgesLehmann(a: try r.sample("a"), b: try r.sample("b"))
            return [
                ("u", .double(m.u)), ("p", .double(m.p)), ("hodges_lehmann", .double(hl.estimate)),
                ("hl_ci_low", .double(hl.interval?.low)), ("hl_ci_high", .double(hl.interval?.high)),
            ]
        case "pchart":
            try r.allowOnly(["events", "totals"])
            let c = try PChart(events: try r.counts("events"), totals: try r.counts("totals"))
            return [
                ("center", .double(c.center)), ("ucl", .array(c.upperLimits.map { .double($0) })),
                ("lcl", .array(c.lowerLimits.map { .double($0) })),
                ("out_of_control", .array(c.outOfControl.map { .number(Double($0)) })),
            ] + (try chartExtras(c))
        case "power_proportions", "power_mcnemar", "power_welch", "its":
            return try planning(test, r)
        default:
            throw StatsError(
                .unknownTest, "unknown test \"\(test)\"; known tests: \(testNames.joined(separator: ", "))")
        }
    }

    /// Typed access to a request's fields, with error messages that name the field.
    struct Request {
        let value: JSONValue
        let test: String

        func allowOnly(_ keys: Set<String>) throws(StatsError) {
            guard case .object(let members) = value else { return }
            for m in members where m.key != "id" && m.key != "test" && !keys.contains(m.key) {
                throw .invalid(
                    "unknown key \"\(m.key)\" for test \(test); expected \(keys.sorted().joined(separator: ", "))")
            }
        }

        func field(_ key: String) throws(StatsError) -> JSONValue {
            guard let v = value[key] else { throw .invalid("test \(test) needs the field \"\(key)\"") }
            return v
        }

        static func integer(_ v: JSONValue, _ what: String) throws(StatsError) -> Int {
            guard case .number(let x) = v, x == x.rounded(), abs(x) <= 9_007_199_254_740_992 else {
                throw .invalid(
                    "\(what) must be an integer count, not \(v.kindName == "a number" ? "a fraction" : v.kindName)")
            }
            guard x >= 0 else { throw .invalid("\(what) must be a non-negative count (got \(Int(x)))") }
            return Int(x)
        }

        func count(_ key: String) throws(StatsError) -> Int {
            try Self.integer(try field(key), "\"\(key)\"")
        }

        func optionalCount(_ key: String) throws(StatsError) -> Int? {
            guard let v = value[key] else { return nil }
            if case .null = v { return nil }
            return try Self.integer(v, "\"\(key)\"")
        }

        func has(_ key: String) -> Bool { value[key] != nil }

        func number(_ key: String) throws(StatsError) -> Double {
            guard case .number(let x) = try field(key) else {
                throw .invalid("\"\(key)\" must be a number, not \(try field(key).kindName)")
            }
            return x
        }

        func optionalNumber(_ key: String) throws(StatsError) -> Double? {
            guard has(key) else { return nil }
            return try number(key)
        }

        func countPair(_ key: String) throws(StatsError) -> (x: Int, n: Int) {
            guard case .array(let items) = try field(key), items.count == 2 else {
                throw .invalid("\"\(key)\" must be an array [x, n] of two counts")
            }
            return (try Self.integer(items[0], "\"\(key)\"[0] (x)"), try Self.integer(items[1], "\"\(key)\"[1] (n)"))
        }

        func counts(_ key: String) throws(StatsError) -> [Int] {
            guard case .array(let items) = try field(key) else {
                throw .invalid("\"\(key)\" must be an array of counts")
            }
            var out: [Int] = []
            for (i, item) in items.enumerated() { out.append(try Self.integer(item, "\"\(key)\"[\(i)]")) }
            return out
        }

        func sample(_ key: String) throws(StatsError) -> [Double] {
            guard case .array(let items) = try field(key) else {
                throw .invalid("\"\(key)\" must be an array of numbers")
            }
            var out: [Double] = []
            for (i, item) in items.enumerated() {
                guard case .number(let x) = item else {
                    throw .invalid("\"\(key)\"[\(i)] must be a number, not \(item.kindName)")
                }
                out.append(x)
            }
            return out
        }

        func table(_ key: String) throws(StatsError) -> [[Int]] {
            guard case .array(let rows) = try field(key) else {
                throw .invalid("\"\(key)\" must be an array of rows of counts")
            }
            var out: [[Int]] = []
            for (i, row) in rows.enumerated() {
                guard case .array(let cells) = row else {
                    throw .invalid("\"\(key)\"[\(i)] must be an array of counts")
                }
                var r: [Int] = []
                for (j, cell) in cells.enumerated() { r.append(try Self.integer(cell, "\"\(key)\"[\(i)][\(j)]")) }
                out.append(r)
            }
            return out
        }
    }
}
