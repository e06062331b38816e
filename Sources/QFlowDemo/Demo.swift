import Foundation
import QFlowAnalysis
import QFlowEngine
import QFlowProtocolFile
import QFlowStats
import QFlowStore

/// `qflow demo`: a reconstruction of the published operating-room study, replayed through the engine.
///
/// The study compared 233 patients cared for under the process flows with 233 cared for without them (satisfaction
/// 98.3 % vs 94.8 %) and surveyed 32 OR staff before and after. Only those totals are published: every case,
/// answer, audit and linen batch here is generated — deterministically, from a seed — to be consistent with them.
public enum Demo {
    /// What to generate.
    public struct Options: Sendable {
        /// Seed of the generator (same seed, same database).
        public var seed: UInt64 = 20_140_501
        /// Surgical cases, half before the flows and half under them.
        public var cases = 466
        /// Staff surveyed before and after.
        public var staff = 32
        /// Patients satisfied under the flows and without them (the published 229/233 and 221/233 at 466 cases).
        public var satisfied: (flows: Int, noFlows: Int)? = nil
        /// Creates default options.
        public init() {}
    }

    /// What the demo did and found.
    public struct Summary: Sendable {
        /// Surgical cases, runs and events recorded.
        public var cases = 0, runs = 0, events = 0
        /// Runs started by triggers, by protocol.
        public var triggered: [String: Int] = [:]
        /// Corrective actions opened by audits, and linen washes that failed their temperature.
        public var correctiveActions = 0, failedWashes = 0
        /// The printed report.
        public var report = ""
    }

    /// Cases run under the OR process flows.
    static let flows = Cohort(
        name: "flows", description: "cases run under the OR process flows", subjectKind: "surgical-case",
        withProtocol: ["or_circulating_nurse"])
    /// Cases cared for without the flows.
    static let noFlows = Cohort(
        name: "no-flows", description: "cases cared for without the flows", subjectKind: "surgical-case",
        withoutProtocol: ["or_circulating_nurse"])
    /// The staff survey before the flows.
    static let staffBefore = Cohort(
        name: "staff-before", description: "staff survey before the flows", subjectKind: "respondent",
        from: "2024-12-01", to: "2025-01-01")
    /// The staff survey after six months of flows.
    static let staffAfter = Cohort(
        name: "staff-after", description: "staff survey after six months of flows", subjectKind: "respondent",
        from: "2025-06-01", to: "2025-07-01")

    /// The cohorts the demo saves: flows / no-flows by protocol use, staff before / after by period.
    public static let cohorts: [Cohort] = [flows, noFlows, staffBefore, staffAfter]

    /// Builds the demo into `store` from the protocol library in `protocols` (with its `examples/` worked runs).
    public static func run(
        store: Store, protocols: String, options: Options = Options(), language: Language = .en,
        progress: (String) -> Void = { _ in }
    ) throws -> Summary {
        let library = ProtocolLibraryLoader.load(paths: [protocols])
        guard library.isValid else {
            throw StoreError(
                .invalidInput,
                "the protocol library has problems: \(library.diagnostics.first.map(\.description) ?? "")")
        }
        let specs = Dictionary(
            library.specs.map { ($0.id, $0) }, uniquingKeysWith: { $0.version > $1.version ? $0 : $1 })
        let worked = try WorkedRun.loadAll(in: protocols + "/examples")
        let epoch = Date(timeIntervalSince1970: 1_735_689_600)  // publication time of the library in the demo
        _ = try store.publish(
            library.files.compactMap { file in file.spec.map { ($0, Optional(file.file)) } }, at: epoch)
        for cohort in cohorts { try store.saveCohort(cohort, at: epoch) }

        var builder = Builder(store: store, specs: specs, worked: worked, rng: SplitMix(seed: options.seed))
        let half = options.cases / 2
        let satisfied =
            options.satisfied ?? (
                flows: Int((Double(half) * 229 / 233).rounded()), noFlows: Int((Double(half) * 221 / 233).rounded())
            )
        progress("cases without the flows (Jul–Dec 2024)…")
        try builder.cases(half, flows: false, from: "2024-07-01", months: 6, satisfied: satisfied.noFlows)
        progress("cases under the flows (Jan–Jun 2025)…")
        try builder.cases(half, flows: true, from: "2025-01-01", months: 6, satisfied: satisfied.flows)
        progress("staff surveys, QC audits, linen batches…")
        try builder.staffSurveys(options.staff)
        try builder.audits()
        try builder.linen(batches: 48)
        var summary = builder.summary
        summary.cases = options.cases
        let verify = try store.verify()
        guard verify.isIntact else {
            throw StoreError(.corrupt, "the demo database does not verify: \(verify.problems)")
        }
        summary.events = verify.events
        summary.runs = verify.runs
        summary.report = try report(store: store, summary: summary, language: language)
        return summary
    }

    /// The printed findings: patient satisfaction, the paired staff survey, monthly compliance with SPC signals.
    static func report(store: Store, summary: Summary, language: Language) throws -> String {
        var out = preamble(summary, language: language)
        out +=
            "\n== "
            + language.text(zh: "1. 患者满意度：流程组与非流程组", en: "1. Patient satisfaction, flows vs no flows") + "\n"
        let patients = try Comparison.run(
            .item("sat.overall"), cohorts: [flows, noFlows], store: store)
        out += patients.text(language: language)
        if case .independentBinary(let block) = patients.result {
            out += "\n" + patientsInWords(block, language: language) + "\n"
        }
        out +=
            "\n== "
            + language.text(
                zh: "2. 手术人员满意度：实施前后（按人配对）", en: "2. Staff satisfaction, before vs after (paired by respondent)")
            + "\n"
        let staff = try Comparison.run(
            .item("staff.overall"), cohorts: [staffBefore, staffAfter], store: store)
        out += staff.text(language: language)
        if case .pairedBinary(_, let mcnemar) = staff.result {
            out += "\n" + staffInWords(mcnemar, language: language) + "\n"
        }
        out +=
            "\n== "
            + language.text(
                zh: "3. 流程组各月条目合格率（p 控制图）", en: "3. Item compliance under the flows, month by month (p-chart)")
            + "\n"
        let monthly = try store.compliance(by: [.month], in: flows)
        let chart = try PChart(events: monthly.map(\.pass), totals: monthly.map { $0.pass + $0.fail })
        out +=
            language.text(zh: "月份：", en: "months: ") + monthly.map { $0.group["month"] ?? "" }.joined(separator: " ")
            + "\n"
        out += StatsReport.pChart(chart, language: language) + "\n"
        return out
    }

    /// What the figures are (a reconstruction, not patient data) and what was recorded.
    static func preamble(_ summary: Summary, language: Language) -> String {
        var out = language.text(
            zh: "重建数据：原研究只公布了汇总数（466 例患者，每组 233 例，满意度 98.3% 对 94.8%；"
                + "手术人员 32 名，流程实施前后各调查一次）。\n"
                + "以下每一例手术、每一条记录、每一次督查和每一批布类均由固定种子生成，仅与上述汇总数一致，并非真实患者数据。\n",
            en: "RECONSTRUCTION: the study publishes only totals (466 patients, 233 per group, satisfaction 98.3% vs "
                + "94.8%;\n32 staff before and after). Every case, answer, audit and linen batch below is generated "
                + "from a seed to be\nconsistent with those totals; the figures are not patient data.\n")
        out += language.text(
            zh: "\n已记录：手术 \(summary.cases) 例，流程运行 \(summary.runs) 次，事件 \(summary.events) 条（哈希链校验通过）。\n",
            en: "\nRecorded: \(summary.cases) surgical cases, \(summary.runs) runs, \(summary.events) events "
                + "(hash chain verified).\n")
        let triggered = summary.triggered.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            .joined(separator: ", ")
        out += language.text(zh: "由触发条件启动的辅助流程：", en: "Auxiliary flows started by triggers: ") + triggered + "\n"
        out += language.text(
            zh: "质控整改单（已开立并关闭）：\(summary.correctiveActions) 份；"
                + "布类洗涤温度不合格：\(summary.failedWashes) 次\n",
            en: "QC corrective actions opened and closed: \(summary.correctiveActions); "
                + "linen washes below temperature: \(summary.failedWashes)\n")
        return out
    }

    /// The patients' comparison in words: significant by Pearson, not by Yates or Fisher.
    static func patientsInWords(_ block: ProportionsComparison, language: Language) -> String {
        func p3(_ x: Double?) -> String { String(format: "%.3f", x ?? .nan) }
        let (chi2, pearson, yates, fisher) = (
            p3(block.pearsonChi2), p3(block.pearsonP), p3(block.yatesP), p3(block.fisher.twoSidedP)
        )
        return language.text(
            zh: "结论：Pearson χ² = \(chi2)，p = \(pearson)（< 0.05），与原文一致；"
                + "但连续性校正 p = \(yates)、Fisher 精确概率 p = \(fisher) 均未达到 0.05，差异处于临界。",
            en: "In words: Pearson χ² = \(chi2), p = \(pearson) (< 0.05), as the study reports; but the "
                + "continuity-corrected p = \(yates) and Fisher's exact p = \(fisher) do not reach 0.05: the "
                + "difference is borderline.")
    }

    /// The staff survey in words: paired, so McNemar, and not significant with 32 people.
    static func staffInWords(_ m: McNemarTest, language: Language) -> String {
        let exact = String(format: "%.3f", m.exactP)
        return language.text(
            zh: "结论：原文报告满意度 84.4% → 93.9%，P < 0.05；但前后两次为同一批 32 人，应采用 McNemar 配对检验。"
                + "在本重建数据（27/32 → 30/32）上精确概率 p = \(exact)：32 人的样本下差异无统计学意义。",
            en: "In words: the study reports 84.4% → 93.9% with P < 0.05; the same 32 people answered twice, so the "
                + "right test is McNemar's. On this reconstruction (27/32 → 30/32) its exact p = \(exact): with 32 "
                + "staff the change is not significant.")
    }
}

/// Deterministic pseudo-random numbers (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    /// `0..<n` in a random order (Fisher–Yates).
    mutating func shuffled(_ n: Int) -> [Int] {
        var indices = Array(0..<n)
        for i in 0..<n { indices.swapAt(i, i + int(n - i)) }
        return indices
    }
    /// `count` distinct indices out of `n`.
    mutating func sample(_ count: Int, of n: Int) -> Set<Int> { Set(shuffled(n).prefix(count)) }
}
