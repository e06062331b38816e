import Foundation
import QFlowAnalysis
import QFlowCrypto
import QFlowEngine
import QFlowStats
import QFlowStore

/// Writes a report's workbook: summary, comparisons laid out like SPSS, compliance, SPC charts, corrective actions,
/// raw data (long and wide) and a data dictionary.
///
/// Each sheet kind lives in its own file (`ReportWriter+Summary.swift`, …). A committee sheet is laid out with a
/// `SheetBuilder` (a row cursor and widths fitted to the content), written, then given its page setup with
/// `finish(_:_:lastRow:columns:repeatRows:)`. To add a sheet: write `ReportWriter+Kind.swift` with a
/// `kindSheet(_ w: Writing)` method and call it from `write(to:now:)` at its place among the committee sheets.
public struct ReportWriter {
    /// The report.
    public var spec: ReportSpec
    /// The database read.
    public var store: Store
    /// Language of every label.
    public var language: Language
    /// Hospital name, committee-only output.
    public var options: ReportOptions
    /// Called with (rows written, total or nil) while the raw sheets stream; set it to show progress.
    public var progress: (Int, Int?) -> Void = { _, _ in } {
        didSet { progressWanted = true }
    }
    var progressWanted = false

    /// The font of a Chinese workbook (installed with `fonts-noto-cjk`; Excel substitutes its own CJK font when it
    /// is missing).
    public static let chineseFont = "Noto Sans CJK SC"

    /// The secret behind this writer's pseudonyms (random, never written anywhere).
    let pseudonymKey: [UInt8]

    /// Creates a writer.
    public init(spec: ReportSpec, store: Store, language: Language, options: ReportOptions = ReportOptions()) {
        self.spec = spec
        self.store = store
        self.language = language
        self.options = options
        var generator = SystemRandomNumberGenerator()
        pseudonymKey = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// The raw answers, as every data sheet and CSV file reads them: with respondents pseudonymised when asked.
    func forEachAnswer(
        in cohort: Cohort = .everyone, protocols: [String] = [], _ body: (AnswerRecord) throws -> Void
    ) throws {
        guard options.pseudonymiseRespondents else {
            return try store.forEachAnswer(in: cohort, protocols: protocols, body)
        }
        var subjectRoles: [String: Set<String>] = [:]
        try store.forEachAnswer(in: cohort, protocols: protocols) { answer in
            var a = answer
            if subjectRoles[a.protocolId] == nil {
                let roles = try store.spec(a.protocolId, version: a.version).spec.roles
                subjectRoles[a.protocolId] = Set(roles.filter { $0.isSubject == true }.map(\.id))
            }
            if let roles = subjectRoles[a.protocolId], !roles.isEmpty {
                a.subjectId = pseudonym(a.subjectId)
                if let role = a.role, roles.contains(role), let actor = a.actor { a.actor = pseudonym(actor) }
            }
            try body(a)
        }
    }

    /// The raw answers one run at a time: the run's first answer and its answers by item.
    ///
    /// - Parameter pseudonymised: read through ``forEachAnswer(in:protocols:_:)`` (respondents pseudonymised when
    ///   asked); `false` reads the store's answers as recorded.
    func forEachRun(
        in cohort: Cohort = .everyone, protocols: [String], pseudonymised: Bool = true,
        _ body: (_ first: AnswerRecord, _ answers: [String: AnswerRecord]) throws -> Void
    ) throws {
        var run: (first: AnswerRecord, answers: [String: AnswerRecord])?
        func add(_ a: AnswerRecord) throws {
            if let current = run, current.first.runId != a.runId {
                try body(current.first, current.answers)
                run = nil
            }
            if run == nil { run = (a, [:]) }
            run?.answers[a.item] = a
        }
        if pseudonymised {
            try forEachAnswer(in: cohort, protocols: protocols, add)
        } else {
            try store.forEachAnswer(in: cohort, protocols: protocols, add)
        }
        if let run { try body(run.first, run.answers) }
    }

    /// A comparison as this workbook's reader may see it (respondents counted, not named, when pseudonymised).
    func identified(_ comparison: Comparison) -> Comparison {
        options.pseudonymiseRespondents ? comparison.withoutRespondentIds() : comparison
    }

    /// A stable pseudonym within this writer's output: `P-` and 10 hex digits of an HMAC-like keyed SHA-256.
    func pseudonym(_ id: String) -> String {
        "P-" + SHA256.hex(of: pseudonymKey + Array(id.utf8) + pseudonymKey).prefix(10)
    }

    /// A cohort by name: defined in the report, else saved in the database.
    func cohort(_ name: String?) throws -> Cohort {
        guard let name else { return .everyone }
        if let own = spec.cohorts.first(where: { $0.name == name }) { return own }
        return try store.cohort(name)
    }

    /// What every sheet of one workbook shares while it is written.
    struct Writing {
        let book: Workbook
        let title: String
        let now: Date
        /// The zone of every local time in the workbook: the site's, else this machine's.
        let zone: TimeZone
        /// The hidden helper sheet's blocks.
        let charts: ChartData

        /// An ISO time as an Excel date cell in the workbook's zone (text if it does not parse).
        func date(_ iso: String) -> Worksheet.Cell {
            guard let date = Timestamp.parse(iso) else { return .text(iso) }
            return self.date(date)
        }

        /// A time as an Excel date cell (days since 1899-12-30) in the workbook's zone.
        func date(_ date: Date) -> Worksheet.Cell {
            .date((date.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: date))) / 86_400 + 25_569)
        }

        /// The generation time as the reader's local minute, with its UTC offset.
        var generated: String { LocalTime.minute(now, in: zone) }
    }

    /// Writes the workbook to `path` (streaming the raw sheets in constant memory).
    public func write(to path: String, now: Date = Date()) throws {
        let book = try Workbook(path: path, constantMemory: true)
        if language == .zh { book.font = Self.chineseFont }
        let title = spec.title.text(language)
        try book.setProperties(
            title: title, subject: language.text(zh: "质量报告", en: "Quality report"), author: "QualityFlow",
            keywords: "QualityFlow, quality, nursing",
            comments: language.text(zh: "由 qflow report 生成，数据库 ", en: "Generated by qflow report from ")
                + URL(fileURLWithPath: store.path).lastPathComponent)
        let w = Writing(
            book: book, title: title, now: now, zone: try store.localTimeZone(),
            charts: ChartData(sheet: language.text(zh: "图表数据", en: "Chart data")))
        try committeeSheets(w)
        // Data sheets: not part of a committee print.
        if !options.committeeOnly {
            if let raw = spec.raw {
                try longSheet(w, raw)
                try wideSheets(w, raw)
            }
            try dictionarySheet(w)
        }
        try w.charts.write(to: book)
        try book.close()
    }

    /// The sheets a committee reads, in reading order: summary, comparisons, compliance, SPC, actions, deviations
    /// and documents.
    func committeeSheets(_ w: Writing) throws {
        let comparisons = try spec.comparisons.map { c in (c, try comparison(c)) }
        try summarySheet(w, comparisons: comparisons)
        for (index, (c, result)) in comparisons.enumerated() {
            try comparisonSheet(w, index: index + 1, spec: c, result: result)
        }
        if let compliance = spec.compliance { try complianceSheet(w, compliance) }
        if let spc = spec.spc { try spcSheet(w, spc) }
        if spec.actions { try actionsSheet(w) }
        if spec.deviations { try deviationsSheet(w) }
        try documentsSheet(w)
    }

    /// A comparison of the report, run on the database, as this workbook's reader may see it.
    func comparison(_ c: ReportSpec.ComparisonSpec) throws -> Comparison {
        try identified(
            Comparison.run(
                try Measure(parsing: c.measure), cohorts: try c.cohorts.map(cohort), overTime: c.overTime,
                interruptedTimeSeries: c.interruptedTimeSeries, store: store))
    }
}
