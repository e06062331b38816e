/// Human-readable reports in the layout SPSS users know, in English or Chinese.
///
/// Each report ends with the test the conclusion rests on, the rule that chose it, and one plain sentence.
///
/// ```swift
/// let block = try ProportionsComparison(x1: 229, n1: 233, x2: 221, n2: 233)
/// print(StatsReport.proportions(block, language: .zh))
/// ```
public enum StatsReport {
    /// The significance level used in the plain-language sentences.
    public static let alpha = 0.05

    /// Picks the English or the Chinese text.
    static func text(_ language: Language, _ en: String, _ zh: String) -> String {
        language == .en ? en : zh
    }

    /// Lays out rows of cells: the first `leftColumns` columns left-aligned, the others right-aligned.
    static func table(_ rows: [[String]], leftColumns: Int = 1, gap: Int = 2) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (j, cell) in row.enumerated() { widths[j] = max(widths[j], Format.displayWidth(cell)) }
        }
        let spacer = String(repeating: " ", count: gap)
        return rows.map { row in
            var cells: [String] = []
            for j in 0..<columns {
                let cell = j < row.count ? row[j] : ""
                cells.append(j < leftColumns ? Format.right(cell, widths[j]) : Format.left(cell, widths[j]))
            }
            var line = cells.joined(separator: spacer)
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }

    /// "is / is not statistically significant" as a phrase in either language.
    static func significance(_ p: Double?, _ language: Language) -> String {
        guard let p else { return text(language, "cannot be tested (the statistic is undefined)", "无法检验（统计量无定义）") }
        return p < alpha
            ? text(language, "is statistically significant", "差异有统计学意义")
            : text(language, "is not statistically significant", "差异无统计学意义")
    }
}
