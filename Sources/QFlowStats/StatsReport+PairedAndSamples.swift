extension StatsReport {
    /// The report for McNemar's test: the discordant pairs, corrected and uncorrected χ², exact and mid-p, the
    /// conditional odds ratio with its exact interval and, given the number of pairs, the observed power.
    public static func mcnemar(_ m: McNemarTest, pairs: Int? = nil, language: Language) -> String {
        let t = { (en: String, zh: String) in text(language, en, zh) }
        var lines: [String] = []
        lines.append(t("McNemar test (paired binary data)", "McNemar 检验（配对二分类资料）"))
        lines.append(
            t(
                "Discordant pairs: b = \(m.b) (no → yes), c = \(m.c) (yes → no), b + c = \(m.b + m.c)",
                "不一致对子：b = \(m.b)（否 → 是），c = \(m.c)（是 → 否），b + c = \(m.b + m.c)"))
        lines.append(
            table([
                ["", t("Value", "值"), "df", t("Sig. (2-sided)", "显著性（双侧）")],
                [
                    t("McNemar χ² (continuity corrected)", "McNemar χ²（连续性校正）"), Format.fixed(m.chi2, 3), "1",
                    Format.spssP(m.p),
                ],
                [
                    t("McNemar χ² (uncorrected)", "McNemar χ²（未校正）"), Format.fixed(m.uncorrectedChi2, 3), "1",
                    Format.spssP(m.uncorrectedP),
                ],
                [t("Exact binomial", "精确二项检验"), "", "", Format.spssP(m.exactP)],
                [t("Mid-p", "mid-p 值"), "", "", Format.spssP(m.midP)],
            ]))
        lines.append("")
        lines.append(
            t(
                "Test used: the exact binomial test on the discordant pairs, \(Format.journalP(m.exactP)).",
                "采用的检验：不一致对子的精确二项检验，\(Format.journalP(m.exactP))。"))
        lines.append(
            t(
                "Rule: the exact test is valid for any number of discordant pairs; "
                    + "the mid-p (Fagerland et al. 2013) is "
                    + "shown as a less conservative check.",
                "规则：精确检验对任意数量的不一致对子均适用；另列 mid-p 值（Fagerland 等，2013）作为较不保守的参考。"))
        lines.append(
            t(
                "Conclusion: the change between the paired measurements \(significance(m.exactP, language)) "
                    + "at the 0.05 "
                    + "level (\(Format.journalP(m.exactP))).",
                "结论：配对前后的\(significance(m.exactP, language))（\(Format.journalP(m.exactP))，检验水准 α=0.05）。"))
        lines.append(contentsOf: mcnemarExtras(m, pairs: pairs, language: language))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report for Welch's t-test: group statistics, t, df, p, the mean difference and its 95% interval.
    public static func welch(_ w: WelchTTest, groupLabels: (String, String)? = nil, language: Language)
        -> String
    {
        let t = { (en: String, zh: String) in text(language, en, zh) }
        let groups = groupLabels ?? (t("A", "A组"), t("B", "B组"))
        var lines: [String] = []
        lines.append(t("Group Statistics", "组统计量"))
        lines.append(
            table([
                ["", "N", t("Mean", "均值"), t("Std. Deviation", "标准差"), t("Std. Error Mean", "均值的标准误")],
                [
                    groups.0, "\(w.summaryA.count)", Format.fixed(w.summaryA.mean, 3),
                    Format.fixed(w.summaryA.standardDeviation, 3), Format.fixed(w.summaryA.standardError, 3),
                ],
                [
                    groups.1, "\(w.summaryB.count)", Format.fixed(w.summaryB.mean, 3),
                    Format.fixed(w.summaryB.standardDeviation, 3), Format.fixed(w.summaryB.standardError, 3),
                ],
            ]))
        lines.append("")
        lines.append(t("Welch's t-test (equal variances not assumed)", "Welch t 检验（不假定方差相等）"))
        let ci = w.interval
        lines.append(
            table(
                [
                    [
                        "t", "df", t("Sig. (2-tailed)", "显著性（双侧）"), t("Mean Difference", "均值差"),
                        t("95% CI Lower", "95% 置信区间下限"), t("95% CI Upper", "95% 置信区间上限"),
                    ],
                    [
                        Format.fixed(w.t, 3), Format.fixed(w.degreesOfFreedom, 3), Format.spssP(w.p),
                        Format.fixed(w.meanDifference, 3), Format.fixed(ci?.low, 3), Format.fixed(ci?.high, 3),
                    ],
                ], leftColumns: 0))
        lines.append("")
        lines.append(
            t(
                "Test used: Welch's t-test; rule: it does not assume equal variances, so it is used by default "
                    + "for two independent samples.",
                "采用的检验：Welch t 检验；规则：该检验不要求两组方差相等，故作为两独立样本均数比较的默认方法。"))
        let stat = "t=\(Format.fixed(w.t, 3))" + t(", ", "，") + Format.journalP(w.p)
        lines.append(
            t(
                "Conclusion: the difference in means between \(groups.0) and \(groups.1) "
                    + "(\(Format.fixed(w.meanDifference, 3))) \(significance(w.p, language)) "
                    + "at the 0.05 level (\(stat)).",
                "结论：\(groups.0)与\(groups.1)均值的\(significance(w.p, language))"
                    + "（均值差 \(Format.fixed(w.meanDifference, 3))，\(stat)，检验水准 α=0.05）。"))
        if let power = w.observedPower { lines.append(welchPowerSentence(power, language: language)) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report for the Mann–Whitney U test: ranks, U, Z and the asymptotic p-value.
    ///
    /// Given the Hodges–Lehmann shift of the same samples, it is printed with its interval.
    public static func mannWhitney(
        _ m: MannWhitneyTest, groupLabels: (String, String)? = nil, shift: HodgesLehmann? = nil,
        language: Language
    ) -> String {
        let t = { (en: String, zh: String) in text(language, en, zh) }
        let groups = groupLabels ?? (t("A", "A组"), t("B", "B组"))
        var lines: [String] = []
        lines.append(t("Ranks", "秩"))
        lines.append(
            table([
                ["", "N", t("Mean Rank", "平均秩"), t("Sum of Ranks", "秩和")],
                [
                    groups.0, "\(m.countA)", Format.fixed(m.meanRankA, 2),
                    Format.fixed(m.meanRankA * Double(m.countA), 2),
                ],
                [
                    groups.1, "\(m.countB)", Format.fixed(m.meanRankB, 2),
                    Format.fixed(m.meanRankB * Double(m.countB), 2),
                ],
            ]))
        lines.append("")
        lines.append(t("Test Statistics", "检验统计量"))
        lines.append(
            table([
                [t("Mann–Whitney U (of \(groups.0))", "Mann–Whitney U（\(groups.0)）"), Format.plain(m.u)],
                ["Z", Format.fixed(m.z, 3)],
                [t("Asymp. Sig. (2-tailed)", "渐近显著性（双侧）"), Format.spssP(m.p)],
            ]))
        lines.append("")
        lines.append(
            t(
                "Test used: Mann–Whitney U, normal approximation with tie and continuity correction (as R wilcox.test "
                    + "with exact = FALSE).",
                "采用的检验：Mann–Whitney U 检验，正态近似并作结（同秩）校正与连续性校正（同 R wilcox.test, exact = FALSE）。"))
        let sep = t(", ", "，")
        let stat = "U=\(Format.plain(m.u))" + sep + "Z=\(Format.fixed(m.z, 3))" + sep + Format.journalP(m.p)
        lines.append(
            t(
                "Conclusion: the difference in distribution between \(groups.0) and \(groups.1) "
                    + "\(significance(m.p, language)) at the 0.05 level (\(stat)).",
                "结论：\(groups.0)与\(groups.1)的分布\(significance(m.p, language))（\(stat)，检验水准 α=0.05）。"))
        if let shift { lines.append(hodgesLehmannSentence(shift, language: language)) }
        return lines.joined(separator: "\n") + "\n"
    }
}
