extension StatsReport {
    /// The SPSS-style report for a 2×2 comparison of two independent proportions: the crosstabulation (counts,
    /// expected counts, row %), the Chi-Square Tests table with its footnotes, effect sizes with 95% intervals,
    /// the headline test with its rule, and one plain sentence.
    public static func proportions(
        _ r: ProportionsComparison, groupLabels: (String, String)? = nil, outcomeLabels: (String, String)? = nil,
        language: Language
    ) -> String {
        let t = { (en: String, zh: String) in text(language, en, zh) }
        let groups = groupLabels ?? (t("A", "A组"), t("B", "B组"))
        let outcomes = outcomeLabels ?? (t("Yes", "是"), t("No", "否"))
        var lines: [String] = []

        // Crosstabulation.
        lines.append(t("Crosstabulation: group × outcome", "交叉表：组别 × 结局"))
        var rows: [[String]] = [["", "", outcomes.0, outcomes.1, t("Total", "合计")]]
        let observed = r.observed
        let colTotals = [observed[0][0] + observed[1][0], observed[0][1] + observed[1][1]]
        for (i, label) in [groups.0, groups.1].enumerated() {
            let n = observed[i][0] + observed[i][1]
            rows.append([label, t("Count", "计数"), "\(observed[i][0])", "\(observed[i][1])", "\(n)"])
            rows.append([
                "", t("Expected Count", "期望计数"), Format.fixed(r.expected[i][0], 1),
                Format.fixed(r.expected[i][1], 1), Format.fixed(Double(n), 1),
            ])
            rows.append([
                "", t("% within group", "组内百分比"), Format.percent(Double(observed[i][0]) / Double(n)),
                Format.percent(Double(observed[i][1]) / Double(n)), "100.0%",
            ])
        }
        let total = Double(r.total)
        rows.append([t("Total", "合计"), t("Count", "计数"), "\(colTotals[0])", "\(colTotals[1])", "\(r.total)"])
        rows.append([
            "", t("Expected Count", "期望计数"), Format.fixed(Double(colTotals[0]), 1),
            Format.fixed(Double(colTotals[1]), 1), Format.fixed(total, 1),
        ])
        rows.append([
            "", t("% within group", "组内百分比"), Format.percent(Double(colTotals[0]) / total),
            Format.percent(Double(colTotals[1]) / total), "100.0%",
        ])
        lines.append(table(rows, leftColumns: 2))
        lines.append("")

        // Chi-Square Tests.
        lines.append(t("Chi-Square Tests", "卡方检验"))
        let f = r.fisher
        let tests: [[String]] = [
            [
                "", t("Value", "值"), "df", t("Asymp. Sig. (2-sided)", "渐进显著性（双侧）"),
                t("Exact Sig. (2-sided)", "精确显著性（双侧）"), t("Exact Sig. (1-sided)", "精确显著性（单侧）"),
            ],
            [
                t("Pearson Chi-Square", "Pearson 卡方"), Format.fixed(r.pearsonChi2, 3) + "a", "1",
                Format.spssP(r.pearsonP),
            ],
            [t("Continuity Correction", "连续性校正") + "b", Format.fixed(r.yatesChi2, 3), "1", Format.spssP(r.yatesP)],
            [
                t("Likelihood Ratio", "似然比"), Format.fixed(r.likelihoodRatioChi2, 3), "1",
                Format.spssP(r.likelihoodRatioP),
            ],
            [
                t("Fisher's Exact Test", "Fisher 精确检验"), "", "", "", Format.spssP(f.twoSidedP),
                Format.spssP(f.oneSidedP),
            ],
            [t("N of Valid Cases", "有效个案数"), "\(r.total)"],
        ]
        lines.append(table(tests))
        let share = Format.fixed(Double(r.cellsBelowFive) / 4 * 100, 1)
        let minE = Format.fixed(r.minExpected, 2)
        lines.append(
            t(
                "a. \(r.cellsBelowFive) cells (\(share)%) have expected count less than 5. "
                    + "The minimum expected count is \(minE).",
                "a. \(r.cellsBelowFive) 个单元格 (\(share)%) 的期望计数少于 5。最小期望计数为 \(minE)。"))
        lines.append(t("b. Computed only for a 2x2 table", "b. 仅对 2x2 表进行计算"))
        if r.pearsonChi2 == nil {
            lines.append(t("(— : undefined, because an expected count is 0.)", "（—：因有期望计数为 0，统计量无定义。）"))
        }
        lines.append("")

        // Effect sizes.
        lines.append(t("Effect sizes (95% confidence intervals)", "效应量（95% 置信区间）"))
        let p1 = Double(r.x1) / Double(r.n1)
        let p2 = Double(r.x2) / Double(r.n2)
        let rd = r.riskDifferenceInterval
        let or = r.oddsRatioInterval
        let oddsCorrected = observed.joined().contains(0)
        lines.append(
            table(
                [
                    [
                        t("Proportion", "率") + " " + groups.0, "\(Format.percent(p1)) (\(r.x1)/\(r.n1))",
                        "Wilson " + range(Format.percent(r.wilsonA.low), Format.percent(r.wilsonA.high), language),
                    ],
                    [
                        t("Proportion", "率") + " " + groups.1, "\(Format.percent(p2)) (\(r.x2)/\(r.n2))",
                        "Wilson " + range(Format.percent(r.wilsonB.low), Format.percent(r.wilsonB.high), language),
                    ],
                    [
                        t("Risk difference", "率差") + " (\(groups.0) − \(groups.1))",
                        Format.fixed(100 * r.riskDifference, 2) + t(" percentage points", " 个百分点"),
                        "Newcombe " + range(Format.fixed(100 * rd.low, 2), Format.fixed(100 * rd.high, 2), language),
                    ],
                    [
                        t("Odds ratio", "比值比 (OR)")
                            + (oddsCorrected ? t(" (0.5 added to each cell)", "（各格加 0.5）") : ""),
                        Format.fixed(r.oddsRatio, 3),
                        "Woolf " + range(Format.fixed(or.low, 3), Format.fixed(or.high, 3), language),
                    ],
                ] + extraEffects(r, groups: groups, language: language), leftColumns: 1))
        lines.append("")

        // Headline test, rule and sentence.
        let h = r.headline
        let statistic: String
        switch h.choice {
        case .pearson:
            statistic = "χ²=\(Format.fixed(h.statistic, 3))" + t(", ", "，") + Format.journalP(h.p)
            lines.append(
                t("Test used: Pearson chi-square test, ", "采用的检验：Pearson χ² 检验，") + statistic
                    + t(".", "。"))
        case .fisher:
            statistic = t("Fisher's exact test, ", "Fisher 确切概率法，") + Format.journalP(h.p)
            lines.append(
                t("Test used: Fisher's exact test (two-sided), ", "采用的检验：Fisher 确切概率法（双侧），")
                    + Format.journalP(h.p) + t(".", "。"))
        }
        lines.append(t("Rule: ", "规则：") + h.rule(in: language))
        let sentence: String
        if language == .en {
            sentence =
                "Conclusion: the difference between \(groups.0) (\(Format.percent(p1))) and \(groups.1) "
                + "(\(Format.percent(p2))) \(significance(h.p, language)) at the 0.05 level (\(statistic))."
        } else {
            sentence =
                "结论：\(groups.0)（\(Format.percent(p1))）与\(groups.1)（\(Format.percent(p2))）的"
                + "\(significance(h.p, language))（\(statistic)，检验水准 α=0.05）。"
        }
        lines.append(sentence)
        if let power = r.observedPower { lines.append(powerSentence(power, language: language)) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Rows for the relative risk, the conditional (exact) odds ratio and Cohen's h.
    static func extraEffects(_ r: ProportionsComparison, groups: (String, String), language: Language)
        -> [[String]]
    {
        let t = { (en: String, zh: String) in text(language, en, zh) }
        let rr = r.relativeRiskInterval
        var rows: [[String]] = [
            [
                t("Relative risk", "相对危险度 (RR)"), Format.fixed(r.relativeRisk, 3),
                "Katz " + range(Format.fixed(rr.low, 3), Format.fixed(rr.high, 3), language),
            ]
        ]
        if let exact = r.exactOddsRatio {
            rows.append([
                t("Odds ratio, conditional MLE", "比值比（条件极大似然）"),
                exact.estimate.isFinite ? Format.fixed(exact.estimate, 3) : "∞",
                t("exact ", "精确 ")
                    + range(Format.fixed(exact.low, 3), exact.high.map { Format.fixed($0, 3) } ?? "∞", language),
            ])
        }
        let h = r.cohensHInterval
        rows.append([
            "Cohen's h", Format.fixed(r.cohensH, 3), range(Format.fixed(h.low, 3), Format.fixed(h.high, 3), language),
        ])
        return rows
    }

    /// "This comparison had N % power to detect the observed difference …" with the conventions named.
    public static func powerSentence(_ p: ProportionsPower, language: Language) -> String {
        let normal = Format.fixed(100 * p.power, 0)
        let exact = Format.fixed(100 * p.exactPower, 0)
        let size = try? ProportionsPower.sampleSize(p1: p.p1, p2: p.p2, power: 0.8, alpha: p.alpha)
        let en =
            "Power: this comparison had \(normal) % power to detect the observed difference (α = 0.05, two-sided; "
            + "normal approximation as R power.prop.test; exact power of Pearson's χ² test \(exact) %)"
            + (size.map { "; 80 % power needs \($0.perGroup) per group." } ?? ".")
        let zh =
            "检验效能：本比较检出所观察到差异的检验效能为 \(normal)%（α = 0.05，双侧；正态近似，同 R power.prop.test；"
            + "皮尔逊卡方检验的精确效能 \(exact)%）" + (size.map { "；达到 80% 效能每组需 \($0.perGroup) 例。" } ?? "。")
        return text(language, en, zh)
    }

    /// "a to b" / "a～b".
    static func range(_ low: String, _ high: String, _ language: Language) -> String {
        language == .en ? "\(low) to \(high)" : "\(low)～\(high)"
    }
}
