import Foundation

extension StatsReport {
    /// The McNemar odds-ratio line and, given the pairs, the power sentence.
    static func mcnemarExtras(_ m: McNemarTest, pairs: Int?, language: Language) -> [String] {
        let t = { (en: String, zh: String) in text(language, en, zh) }
        var lines: [String] = []
        if let or = m.conditionalOddsRatio {
            let interval = range(Format.fixed(or.low, 3), or.high.map { Format.fixed($0, 3) } ?? "∞", language)
            lines.append(
                t(
                    "Effect size: odds ratio of a change b/c = \(or.estimate.map { Format.fixed($0, 3) } ?? "∞"), "
                        + "exact 95% CI \(interval) (Clopper–Pearson on b of b + c).",
                    "效应量：变化的比值比 b/c = \(or.estimate.map { Format.fixed($0, 3) } ?? "∞")，"
                        + "精确 95% 置信区间 \(interval)（b/(b+c) 的 Clopper–Pearson 区间）。"))
        }
        if let pairs, let power = m.observedPower(pairs: pairs) {
            let normal = Format.fixed(100 * power.power, 0)
            let exact = Format.fixed(100 * power.exactPower, 0)
            let size = try? McNemarPower.sampleSize(p01: power.p01, p10: power.p10, power: 0.8)
            lines.append(
                t(
                    "Power: this comparison had \(exact) % power to detect the observed difference (exact power of the "
                        + "exact test, \(pairs) pairs; Connor's normal approximation \(normal) %)"
                        + (size.map { "; 80 % power needs \($0.pairs) pairs." } ?? "."),
                    "检验效能：本比较检出所观察到差异的检验效能为 \(exact)%（精确检验的精确效能，\(pairs) 对；Connor 正态近似 "
                        + "\(normal)%）" + (size.map { "；达到 80% 效能需 \($0.pairs) 对。" } ?? "。")))
        }
        return lines
    }

    /// "This comparison had N % power …" for Welch's test.
    public static func welchPowerSentence(_ p: WelchPower, language: Language) -> String {
        let power = Format.fixed(100 * p.power, 0)
        return text(
            language,
            "Power: this comparison had \(power) % power to detect the observed difference (α = 0.05, two-sided; "
                + "noncentral t at the Welch df, as R power.t.test for equal groups).",
            "检验效能：本比较检出所观察到差异的检验效能为 \(power)%（α = 0.05，双侧；Welch 自由度下的非中心 t 分布，"
                + "等组时同 R power.t.test）。")
    }

    /// The Hodges–Lehmann line.
    static func hodgesLehmannSentence(_ s: HodgesLehmann, language: Language) -> String {
        let interval = s.interval.map { range(Format.plain($0.low), Format.plain($0.high), language) }
        return text(
            language,
            "Effect size: Hodges–Lehmann shift \(Format.plain(s.estimate))"
                + (interval.map { ", 95% CI \($0) (as R wilcox.test, exact = FALSE, conf.int = TRUE)." }
                    ?? " (the 95% interval cannot be reached with samples this small)."),
            "效应量：Hodges–Lehmann 位移 \(Format.plain(s.estimate))"
                + (interval.map { "，95% 置信区间 \($0)（同 R wilcox.test, exact = FALSE, conf.int = TRUE）。" }
                    ?? "（样本过小，无法达到 95% 置信水平）。"))
    }

    /// A power or sample-size report for two proportions.
    public static func proportionsPower(
        _ p: ProportionsPower, required: Double? = nil, language: Language
    ) -> String {
        let t = { (en: String, zh: String) in text(language, en, zh) }
        var lines = [
            t(
                "Power: two independent proportions (two-sided, α = \(Format.plain(p.alpha)))",
                "检验效能：两独立样本率比较（双侧，α = \(Format.plain(p.alpha))）"),
            table([
                [t("p1", "p1"), Format.percent(p.p1, 2), t("n1", "n1"), "\(p.n1)"],
                [t("p2", "p2"), Format.percent(p.p2, 2), t("n2", "n2"), "\(p.n2)"],
                ["Cohen's h", Format.fixed(p.cohensH, 4)],
            ]),
            "",
            table([
                [t("Method", "方法"), t("Power", "效能")],
                [t("normal approximation (R power.prop.test)", "正态近似（R power.prop.test）"), Format.percent(p.power, 2)],
                [
                    t("arcsine, Cohen's h (R pwr.2p2n.test)", "反正弦变换，Cohen's h（R pwr.2p2n.test）"),
                    Format.percent(p.arcsinePower, 2),
                ],
                [t("exact, Pearson χ² test", "精确，Pearson χ² 检验"), Format.percent(p.exactPower, 2)],
            ]),
        ]
        if let required {
            lines.append("")
            lines.append(
                t(
                    "Sample size: n = \(Format.fixed(required, 2)) per group (normal approximation); "
                        + "plan \(p.n1) per group.",
                    "样本量：每组 n = \(Format.fixed(required, 2))（正态近似）；按每组 \(p.n1) 例设计。"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A power or pairs report for McNemar's test.
    public static func mcnemarPower(_ p: McNemarPower, required: Double? = nil, language: Language) -> String {
        let t = { (en: String, zh: String) in text(language, en, zh) }
        var lines = [
            t(
                "Power: McNemar's test, \(p.pairs) pairs, p01 = \(Format.plain(p.p01)), p10 = \(Format.plain(p.p10)) "
                    + "(two-sided, α = \(Format.plain(p.alpha)))",
                "检验效能：McNemar 检验，\(p.pairs) 对，p01 = \(Format.plain(p.p01))，p10 = \(Format.plain(p.p10))"
                    + "（双侧，α = \(Format.plain(p.alpha))）"),
            table([
                [t("Connor's normal approximation", "Connor 正态近似"), Format.percent(p.power, 2)],
                [t("exact, exact binomial test", "精确，精确二项检验"), Format.percent(p.exactPower, 2)],
            ]),
        ]
        if let required {
            lines.append(
                t(
                    "Pairs needed: \(Format.fixed(required, 2)) (Connor 1987); plan \(p.pairs).",
                    "所需对子数：\(Format.fixed(required, 2))（Connor 1987）；按 \(p.pairs) 对设计。"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A power or sample-size report for Welch's test.
    public static func welchPower(_ p: WelchPower, required: Double? = nil, language: Language) -> String {
        let t = { (en: String, zh: String) in text(language, en, zh) }
        var lines = [
            t(
                "Power: Welch's t-test, δ = \(Format.plain(p.delta)), SD \(Format.plain(p.sd1)) and "
                    + "\(Format.plain(p.sd2)), n \(Format.plain(p.n1)) and \(Format.plain(p.n2)) (two-sided, α = "
                    + "\(Format.plain(p.alpha)))",
                "检验效能：Welch t 检验，δ = \(Format.plain(p.delta))，标准差 \(Format.plain(p.sd1)) 与 "
                    + "\(Format.plain(p.sd2))，例数 \(Format.plain(p.n1)) 与 \(Format.plain(p.n2))（双侧，α = "
                    + "\(Format.plain(p.alpha))）"),
            t(
                "df = \(Format.fixed(p.degreesOfFreedom, 3)), noncentrality = \(Format.fixed(p.noncentrality, 4)), "
                    + "power = \(Format.percent(p.power, 2)) (R power.t.test convention, strict = FALSE)",
                "自由度 = \(Format.fixed(p.degreesOfFreedom, 3))，非中心参数 = \(Format.fixed(p.noncentrality, 4))，"
                    + "效能 = \(Format.percent(p.power, 2))（同 R power.t.test，strict = FALSE）"),
        ]
        if let required {
            lines.append(
                t(
                    "Sample size: n = \(Format.fixed(required, 2)) per group; plan \(Format.plain(p.n1)) per group.",
                    "样本量：每组 n = \(Format.fixed(required, 2))；按每组 \(Format.plain(p.n1)) 例设计。"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report for an interrupted time series: the segmented regression table, autocorrelation tests and one
    /// plain sentence about the level and slope change.
    public static func interruptedTimeSeries(
        _ its: InterruptedTimeSeries, labels: [String]? = nil, language: Language
    ) -> String {
        let t = { (en: String, zh: String) in text(language, en, zh) }
        func pp(_ x: Double) -> String { Format.fixed(100 * x, 2) }
        var lines = [
            t(
                "Interrupted time series: segmented regression of the monthly proportion, identity scale (effects in "
                    + "percentage points), OLS with Newey–West standard errors (lag \(its.lag)), t with "
                    + "\(its.residualDegreesOfFreedom) df",
                "间断时间序列：按月比例的分段回归，恒等尺度（效应以百分点表示），OLS 估计，Newey–West 标准误（滞后 \(its.lag)），"
                    + "t 分布自由度 \(its.residualDegreesOfFreedom)"),
            t(
                "  \(its.intervention) months before, \(its.values.count - its.intervention) after",
                "  干预前 \(its.intervention) 个月，干预后 \(its.values.count - its.intervention) 个月")
                + (labels.map { " (" + $0[its.intervention] + t(" is the first month after)", " 为干预后首月）") } ?? ""),
        ]
        var rows: [[String]] = [
            [
                "", t("Estimate (pp)", "估计值（百分点）"), t("NW SE", "NW 标准误"), t("OLS SE", "OLS 标准误"), "p",
                t("95% CI", "95% 置信区间"),
            ]
        ]
        for (name, c) in [
            (t("Baseline level", "基线水平"), its.baseline), (t("Slope before, per month", "干预前斜率（每月）"), its.preSlope),
            (t("Level change", "水平变化"), its.levelChange), (t("Slope change, per month", "斜率变化（每月）"), its.slopeChange),
            (t("Slope after, per month", "干预后斜率（每月）"), its.postSlope),
        ] {
            rows.append([
                name, pp(c.estimate), pp(c.standardError), pp(c.olsStandardError), Format.spssP(c.p),
                range(pp(c.interval.low), pp(c.interval.high), language),
            ])
        }
        lines.append(table(rows))
        lines.append("")
        let bg = its.breuschGodfrey
        lines.append(
            t(
                "Autocorrelation: Durbin–Watson \(Format.fixed(its.durbinWatson, 3)), lag-1 r = "
                    + "\(Format.fixed(its.lagOneAutocorrelation, 3)), "
                    + "Breusch–Godfrey χ²(\(bg?.degreesOfFreedom ?? its.lag)) = "
                    + "\(Format.fixed(bg?.statistic, 3)), p = \(Format.spssP(bg?.p))"
                    + ((bg?.p ?? 1) < 0.05 ? ": residuals are autocorrelated, so rely on the Newey–West errors." : "."),
                "自相关：Durbin–Watson \(Format.fixed(its.durbinWatson, 3))，滞后 1 阶 r = "
                    + "\(Format.fixed(its.lagOneAutocorrelation, 3))，"
                    + "Breusch–Godfrey χ²(\(bg?.degreesOfFreedom ?? its.lag)) = "
                    + "\(Format.fixed(bg?.statistic, 3))，p = \(Format.spssP(bg?.p))"
                    + ((bg?.p ?? 1) < 0.05 ? "：残差存在自相关，应以 Newey–West 标准误为准。" : "。")))
        let level = its.levelChange
        let slope = its.slopeChange
        lines.append(
            t(
                "Conclusion: at the intervention the level changed by \(pp(level.estimate)) percentage points "
                    + "(95% CI \(range(pp(level.interval.low), pp(level.interval.high), language))), which "
                    + "\(significance(level.p, language)); the slope changed by \(pp(slope.estimate)) points per month "
                    + "(95% CI \(range(pp(slope.interval.low), pp(slope.interval.high), language))), which "
                    + "\(significance(slope.p, language)).",
                "结论：干预时水平变化 \(pp(level.estimate)) 个百分点（95% 置信区间 "
                    + "\(range(pp(level.interval.low), pp(level.interval.high), language))），"
                    + "\(significance(level.p, language))；"
                    + "斜率每月变化 \(pp(slope.estimate)) 个百分点（95% 置信区间 "
                    + "\(range(pp(slope.interval.low), pp(slope.interval.high), language))），"
                    + "\(significance(slope.p, language))。"
            ))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The Anhøj and overdispersion lines of a p-chart report, and the Laney table when the rule chooses it.
    static func chartRules(_ c: PChart, language: Language) -> (lines: [String], laney: LaneyPChart?) {
        let t = { (en: String, zh: String) in text(language, en, zh) }
        var lines: [String] = []
        let a = AnhojRules(values: c.proportions, centre: c.center)
        lines.append(
            t(
                "Anhøj rules (about p̄, \(a.usefulPoints) useful points): longest run \(a.longestRun) (signal if > "
                    + "\(a.longestRunLimit)), crossings \(a.crossings) (signal if < \(a.crossingsLimit))"
                    + (a.signal ? ": non-random variation." : ": no signal."),
                "Anhøj 规则（围绕 p̄，有效点 \(a.usefulPoints) 个）：最长连串 \(a.longestRun)（> \(a.longestRunLimit) 为信号），"
                    + "穿越次数 \(a.crossings)（< \(a.crossingsLimit) 为信号）" + (a.signal ? "：存在非随机变异。" : "：无信号。")))
        let chart = c.events.count >= 2 ? try? LaneyPChart(events: c.events, totals: c.totals) : nil
        guard
            let o = chart.map(Overdispersion.init(chart:)) ?? (try? Overdispersion(events: c.events, totals: c.totals))
        else { return (lines, nil) }
        let rule = language == .en ? Overdispersion.rule.en : Overdispersion.rule.zh
        lines.append(
            t(
                "Overdispersion: χ²(\(o.degreesOfFreedom)) = \(Format.fixed(o.chi2, 2)), p = \(Format.spssP(o.p)), "
                    + "σz = \(Format.fixed(o.sigmaZ, 3)). Rule: \(rule) → "
                    + (o.detected ? "Laney p′-chart chosen." : "the p-chart stands."),
                "过度离散：χ²(\(o.degreesOfFreedom)) = \(Format.fixed(o.chi2, 2))，p = \(Format.spssP(o.p))，"
                    + "σz = \(Format.fixed(o.sigmaZ, 3))。规则：\(rule) → " + (o.detected ? "采用 Laney p′ 图。" : "仍用 p 图。")))
        guard o.detected, let laney = chart else { return (lines, nil) }
        var rows: [[String]] = [["#", "p", "LCL′", "UCL′", t("Signal", "信号")]]
        let ps = laney.proportions
        for i in ps.indices {
            let signal =
                ps[i] > laney.upperLimits[i]
                ? t("above UCL′", "高于上控制限′") : (ps[i] < laney.lowerLimits[i] ? t("below LCL′", "低于下控制限′") : "")
            rows.append([
                "\(i + 1)", Format.percent(ps[i], 2), Format.percent(laney.lowerLimits[i], 2),
                Format.percent(laney.upperLimits[i], 2), signal,
            ])
        }
        lines.append(t("Laney p′-chart (limits p̄ ± 3·σz·σᵢ):", "Laney p′ 控制图（控制限 p̄ ± 3·σz·σᵢ）："))
        lines.append(table(rows, leftColumns: 0))
        return (lines, laney)
    }
}
