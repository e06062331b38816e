extension StatsReport {
    /// The report for a p-chart: one line per subgroup with its limits and signal, then the run-chart signals
    /// (shift ≥ 6, trend ≥ 5) on the plotted proportions, and one plain sentence.
    public static func pChart(_ c: PChart, language: Language) -> String {
        let t = { (en: String, zh: String) in text(language, en, zh) }
        var lines: [String] = []
        lines.append(
            t(
                "p-chart: centre p̄ = \(Format.percent(c.center, 2)) (Σevents / Σtotals), limits p̄ ± 3σ per subgroup",
                "p 控制图：中心线 p̄ = \(Format.percent(c.center, 2))（Σ事件数 / Σ样本量），各子组控制限 p̄ ± 3σ"))
        var rows: [[String]] = [["#", "n", "x", "p", "LCL", "UCL", t("Signal", "信号")]]
        let proportions = c.proportions
        for i in c.totals.indices {
            let p = proportions[i]
            let signal =
                p > c.upperLimits[i]
                ? t("above UCL", "高于上控制限")
                : (p < c.lowerLimits[i] ? t("below LCL", "低于下控制限") : "")
            rows.append([
                "\(i + 1)", "\(c.totals[i])", "\(c.events[i])", Format.percent(p, 2),
                Format.percent(c.lowerLimits[i], 2), Format.percent(c.upperLimits[i], 2), signal,
            ])
        }
        lines.append(table(rows, leftColumns: 0))
        lines.append("")
        var runSignals: [RunChart.Signal] = []
        if let run = try? RunChart(values: proportions) {
            runSignals = run.signals
            lines.append(
                t(
                    "Run-chart signals (median \(Format.percent(run.median, 2))):",
                    "趋势图信号（中位数 \(Format.percent(run.median, 2))）："))
            lines.append(contentsOf: describe(run.signals, language))
        }
        let rules = chartRules(c, language: language)
        lines.append(contentsOf: rules.lines)
        lines.append("")
        let flagged = rules.laney?.outOfControl ?? c.outOfControl
        let limits = rules.laney == nil ? t("control limits", "控制限") : t("Laney p′ limits", "Laney p′ 控制限")
        let outside = flagged.map { "\($0 + 1)" }.joined(separator: ", ")
        if flagged.isEmpty && runSignals.isEmpty {
            lines.append(
                t(
                    "Conclusion: no subgroup is outside its \(limits) and there is no shift or trend: "
                        + "the process shows only common-cause variation.",
                    "结论：无子组超出\(limits)，亦无偏移或趋势信号，过程仅表现为随机（普通原因）变异。"))
        } else {
            let en =
                flagged.isEmpty
                ? "no subgroup is outside its \(limits)"
                : "\(flagged.count) subgroup(s) are outside their \(limits) (#\(outside))"
            let zh = flagged.isEmpty ? "无子组超出\(limits)" : "\(flagged.count) 个子组超出\(limits)（第 \(outside) 个）"
            lines.append(
                t(
                    "Conclusion: \(en), with \(runSignals.count) run-chart signal(s): look for special causes.",
                    "结论：\(zh)，趋势图信号 \(runSignals.count) 个，提示可能存在特殊原因变异，应查找原因。"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report for a run chart of any monthly series.
    public static func runChart(_ r: RunChart, language: Language) -> String {
        let t = { (en: String, zh: String) in text(language, en, zh) }
        var lines = [
            t(
                "Run chart: \(r.values.count) points, median \(Format.plain(r.median))",
                "趋势图：\(r.values.count) 个点，中位数 \(Format.plain(r.median))")
        ]
        lines.append(contentsOf: describe(r.signals, language))
        let a = r.anhoj
        lines.append(
            t(
                "Anhøj rules (\(a.usefulPoints) useful points): longest run \(a.longestRun) (signal if > "
                    + "\(a.longestRunLimit)), crossings \(a.crossings) (signal if < \(a.crossingsLimit))"
                    + (a.signal ? ": non-random variation." : ": no signal."),
                "Anhøj 规则（有效点 \(a.usefulPoints) 个）：最长连串 \(a.longestRun)（> \(a.longestRunLimit) 为信号），"
                    + "穿越次数 \(a.crossings)（< \(a.crossingsLimit) 为信号）" + (a.signal ? "：存在非随机变异。" : "：无信号。")))
        return lines.joined(separator: "\n") + "\n"
    }

    static func describe(_ signals: [RunChart.Signal], _ language: Language) -> [String] {
        let t = { (en: String, zh: String) in text(language, en, zh) }
        if signals.isEmpty {
            return [
                t(
                    "  none (rules: shift = 6 or more points on one side of the median; trend = 5 or more points "
                        + "steadily rising or falling)",
                    "  无（规则：偏移 = 连续 6 个及以上的点位于中位数同一侧；趋势 = 连续 5 个及以上的点持续上升或下降）")
            ]
        }
        return signals.map { s in
            let span = "\(s.start + 1)–\(s.end + 1)"
            switch (s.kind, s.direction) {
            case (.shift, .up):
                return t(
                    "  shift up: points \(span), \(s.length) points above the median",
                    "  向上偏移：第 \(span) 点，\(s.length) 个点位于中位数之上")
            case (.shift, .down):
                return t(
                    "  shift down: points \(span), \(s.length) points below the median",
                    "  向下偏移：第 \(span) 点，\(s.length) 个点位于中位数之下")
            case (.trend, .up):
                return t(
                    "  upward trend: points \(span), \(s.length) points rising",
                    "  上升趋势：第 \(span) 点，连续 \(s.length) 个点上升")
            case (.trend, .down):
                return t(
                    "  downward trend: points \(span), \(s.length) points falling",
                    "  下降趋势：第 \(span) 点，连续 \(s.length) 个点下降")
            }
        }
    }
}
