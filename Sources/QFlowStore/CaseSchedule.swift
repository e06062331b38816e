import Foundation
import QFlowEngine

/// One case of a schedule, with the line it starts on.
public struct CaseRow: Sendable, Hashable {
    /// The 1-based line of the file where the row starts (0 when the row did not come from a file).
    public var line: Int
    /// The case, its facts typed and written canonically (`true`/`false`, ISO-8601 UTC times).
    public var subject: Subject

    /// Creates a row.
    public init(line: Int, subject: Subject) {
        self.line = line
        self.subject = subject
    }
}

/// The day's OR schedule as a CSV file: parsing and checking, without a database.
///
/// The file is RFC 4180 CSV (quoted fields may hold commas, quotes written twice, and line breaks) in UTF-8, with
/// or without a byte-order mark; at most ``maximumBytes`` bytes and ``maximumRows`` rows. The first line names the
/// columns: ``standardColumns`` plus any subject fact a published protocol declares (`implant`, `uses_esu`, …).
/// Times are ISO-8601 with a zone, or local `YYYY-MM-DD HH:MM` (or `T` between) read in the site's time zone.
/// Every problem is reported with its line and column; the value entered is never repeated.
///
/// ```swift
/// let rows = try CaseSchedule.parse(bytes, context: try store.scheduleContext())   // or, in one step:
/// let report = try store.importSchedule(bytes, mode: .create, by: headNurse, at: now)
/// ```
public enum CaseSchedule {
    /// Largest accepted file: 2 MB.
    public static let maximumBytes = 2 * 1_048_576
    /// Most cases in one file.
    public static let maximumRows = 5_000
    /// Columns every schedule may have; `case_id` is required, and `room` and `scheduled_start` for surgical cases.
    public static let standardColumns = [
        "case_id", "kind", "room", "procedure", "scheduled_start", "patient_ref", "ward",
    ]
    /// The kind of a row without a `kind` column or value.
    public static let defaultKind = "surgical-case"

    /// What a schedule is read against: the facts each kind of subject has (from the published protocols'
    /// `subject_fields`) and the site's time zone for local times.
    public struct Context: Sendable {
        /// Declared subject fields by subject kind.
        public var fieldsByKind: [String: [SubjectFieldSpec]]
        /// The site's time zone; nil when no site is published (then every time needs a zone).
        public var timeZone: TimeZone?

        /// Creates a context.
        public init(fieldsByKind: [String: [SubjectFieldSpec]], timeZone: TimeZone?) {
            self.fieldsByKind = fieldsByKind
            self.timeZone = timeZone
        }
    }

    typealias Problem = StoreError.Problem

    /// Parses and checks a whole file; throws one `invalid_input` error carrying every problem found.
    public static func parse(_ bytes: [UInt8], context: Context) throws(StoreError) -> [CaseRow] {
        var problems: [Problem] = []
        let rows = parse(bytes, context: context, problems: &problems)
        guard problems.isEmpty else {
            throw StoreError(summary(problems), problems: problems)
        }
        return rows
    }

    /// `N problems in M rows; nothing was imported`.
    static func summary(_ problems: [Problem]) -> String {
        let lines = Set(problems.compactMap(\.line)).count
        let rows = lines == 0 ? "" : " in \(lines) line\(lines == 1 ? "" : "s")"
        return "\(problems.count) problem\(problems.count == 1 ? "" : "s")\(rows); nothing was imported"
    }

    static func parse(_ bytes: [UInt8], context: Context, problems: inout [Problem]) -> [CaseRow] {
        guard let text = decode(bytes, &problems) else { return [] }
        let records: [Record]
        do {
            records = try Self.records(text)
        } catch {
            problems += error.problems
            return []
        }
        guard let header = records.first else {
            problems.append(
                Problem(
                    line: 1,
                    LocalizedText(
                        zh: "文件为空：第一行应为列名（case_id、room、scheduled_start……）",
                        en: "the file is empty: the first line names the columns (case_id, room, scheduled_start, …)")))
            return []
        }
        let dataRecords = records.dropFirst()
        guard dataRecords.count <= maximumRows else {
            problems.append(
                Problem(
                    LocalizedText(
                        zh: "文件有 \(dataRecords.count) 行；一份排程最多 \(maximumRows) 行（请拆分）",
                        en:
                            "the file has \(dataRecords.count) rows; a schedule may have at most \(maximumRows) "
                            + "(split it)"
                    ))
            )
            return []
        }
        guard let columns = self.columns(header, context, &problems) else { return [] }
        var rows: [CaseRow] = []
        for record in dataRecords {
            if let row = self.row(record, columns, context, &problems) { rows.append(row) }
        }
        // A case id twice in one file: every row with it is reported.
        let byId = Dictionary(grouping: rows, by: \.subject.id)
        for row in rows {
            guard let same = byId[row.subject.id], same.count > 1 else { continue }
            let others = same.map(\.line).filter { $0 != row.line }.map(String.init).joined(separator: ", ")
            problems.append(
                Problem(line: row.line, field: "case_id", Intake.sameId(others)))
        }
        if rows.isEmpty, problems.isEmpty {
            problems.append(
                Problem(line: header.line, LocalizedText(zh: "文件只有表头，没有手术", en: "the file has a header but no cases")))
        }
        problems.sort { ($0.line ?? 0, $0.field ?? "") < ($1.line ?? 0, $1.field ?? "") }
        return rows.filter { byId[$0.subject.id]?.count == 1 }
    }

    // MARK: Bytes and records

    /// UTF-8 with or without a BOM; anything else is refused with what to do.
    static func decode(_ bytes: [UInt8], _ problems: inout [Problem]) -> String? {
        guard bytes.count <= maximumBytes else {
            problems.append(
                Problem(
                    LocalizedText(
                        zh: "文件超过 \(maximumBytes / 1_048_576) MB，即排程的上限（请拆分）",
                        en:
                            "the file is larger than \(maximumBytes / 1_048_576) MB, the most a schedule may be "
                            + "(split it)"
                    ))
            )
            return nil
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            problems.append(
                Problem(
                    line: 1,
                    LocalizedText(
                        zh: "文件是 UTF-16 编码；请另存为 UTF-8（Excel 中选“CSV UTF-8”）",
                        en: "the file is UTF-16; save it as UTF-8 (in Excel: CSV UTF-8)")))
            return nil
        }
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        let content = Array(body)
        if let bad = UTF8Validation.firstInvalidByte(content) {
            let line = content[..<bad].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            problems.append(
                Problem(
                    line: line,
                    LocalizedText(
                        zh: "文件不是 UTF-8 编码（可能是 GB 18030 等）；请另存为 UTF-8（Excel 中选“CSV UTF-8”）",
                        en:
                            "the file is not UTF-8 (GB 18030 or another encoding?); save it as UTF-8 (in Excel: CSV "
                            + "UTF-8)"
                    ))
            )
            return nil
        }
        if let nul = content.firstIndex(of: 0) {
            let line = content[..<nul].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            problems.append(
                Problem(
                    line: line,
                    LocalizedText(
                        zh: "文件含有 NUL 字节：这是 CSV 文本文件吗？", en: "the file contains a NUL byte; is it a CSV text file?")))
            return nil
        }
        return String(decoding: content, as: UTF8.self)
    }

    /// One CSV record and the line it starts on.
    struct Record {
        var line: Int
        var fields: [String]
        /// Whether every field is blank (such lines are skipped).
        var isEmpty: Bool { fields.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }
    }

    /// Splits RFC 4180 text into records (LF or CRLF line ends); lines with nothing on them are skipped.
    static func records(_ text: String) throws(StoreError) -> [Record] {
        func fail(_ problem: Problem) -> StoreError { StoreError(problem.message, problems: [problem]) }
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var line = 1
        var recordLine = 1
        var quoted = false
        var wasQuoted = false
        var afterQuote = false
        var quoteLine = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar?
        func endRecord() {
            fields.append(field)
            let record = Record(line: recordLine, fields: fields)
            if !record.isEmpty || wasQuoted { records.append(record) }
            fields = []
            field = ""
            wasQuoted = false
            afterQuote = false
        }
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    let next = iterator.next()
                    if next == "\"" {
                        field.unicodeScalars.append("\"")
                    } else {
                        quoted = false
                        afterQuote = true
                        pending = next
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case ",":
                fields.append(field)
                field = ""
                afterQuote = false
            case "\r":
                let next = iterator.next()
                if next != "\n" { pending = next }
                endRecord()
                line += 1
                recordLine = line
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            case "\"":
                guard field.trimmingCharacters(in: .whitespaces).isEmpty, !afterQuote else {
                    throw fail(
                        Problem(
                            line: line,
                            LocalizedText(
                                zh: "未加引号的字段中有引号（第 \(fields.count + 1) 列）：请给整个字段加引号，字段内的引号写两次",
                                en:
                                    "a quote inside an unquoted field (column \(fields.count + 1)); quote the whole "
                                    + "field and write the quote twice"
                            )))
                }
                field = ""
                quoted = true
                wasQuoted = true
                quoteLine = line
            default:
                if afterQuote {
                    if c == " " || c == "\t" { continue }
                    throw fail(
                        Problem(
                            line: line,
                            LocalizedText(
                                zh: "结束引号后还有文字（第 \(fields.count + 1) 列）：请给整个字段加引号",
                                en: "text after a closing quote (column \(fields.count + 1)); quote the whole field")))
                }
                field.unicodeScalars.append(c)
            }
        }
        if quoted {
            throw fail(
                Problem(
                    line: quoteLine,
                    LocalizedText(
                        zh: "带引号的字段没有结束：缺少一个引号（\"）", en: "a quoted field is not closed: a quote (\") is missing")))
        }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRecord() }
        return records
    }

    // MARK: Header and rows

    /// A column of the file: a standard column or a subject fact.
    struct Column {
        var name: String
        var isStandard: Bool
    }

    static func columns(_ header: Record, _ context: Context, _ problems: inout [Problem]) -> [Column]? {
        let facts = Set(context.fieldsByKind.values.flatMap { $0.map(\.name) }).subtracting(standardColumns)
        let known = standardColumns + facts.sorted()
        var columns: [Column] = []
        var seen = Set<String>()
        var bad = false
        for (i, raw) in header.fields.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if name.isEmpty {
                // Trailing empty header cells (a spreadsheet's extra commas) are ignored, others are not.
                if header.fields[i...].allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { break }
                problems.append(
                    Problem(
                        line: header.line, field: "column \(i + 1)",
                        LocalizedText(zh: "此列没有列名", en: "the column has no name")))
                bad = true
                continue
            }
            guard known.contains(name) else {
                let closest = RuleExpression.closest(name, known)
                problems.append(
                    Problem(
                        line: header.line, field: String(name.prefix(40)),
                        LocalizedText(
                            zh: "未知的列"
                                + (closest.map { "（是否应为 '\($0)'？）" } ?? "（可用的列：\(known.joined(separator: "、"))）"),
                            en: "unknown column"
                                + (closest.map { " (did you mean '\($0)'?)" }
                                    ?? " (columns: \(known.joined(separator: ", ")))"))
                    ))
                bad = true
                continue
            }
            guard seen.insert(name).inserted else {
                problems.append(
                    Problem(
                        line: header.line, field: name, LocalizedText(zh: "此列出现了两次", en: "the column appears twice")))
                bad = true
                continue
            }
            columns.append(Column(name: name, isStandard: standardColumns.contains(name)))
        }
        if !seen.contains("case_id") {
            problems.append(
                Problem(
                    line: header.line, field: "case_id",
                    LocalizedText(zh: "表头没有 case_id 列", en: "the header has no case_id column")))
            bad = true
        }
        return bad ? nil : columns
    }

    static func row(_ record: Record, _ columns: [Column], _ context: Context, _ problems: inout [Problem])
        -> CaseRow?
    {
        let line = record.line
        if record.fields.count < columns.count
            || (record.fields.count > columns.count
                && !record.fields[columns.count...].allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }))
        {
            problems.append(
                Problem(
                    line: line,
                    LocalizedText(
                        zh: "此行有 \(record.fields.count) 个字段，表头有 \(columns.count) 个",
                        en: "the row has \(record.fields.count) fields; the header has \(columns.count)")))
            return nil
        }
        var values: [String: String] = [:]
        for (column, raw) in zip(columns, record.fields) {
            let value = raw.trimmingCharacters(in: .whitespaces)
            if !value.isEmpty { values[column.name] = value }
        }
        let before = problems.count
        func problem(_ field: String, _ text: LocalizedText) {
            problems.append(Problem(line: line, field: field, text))
        }
        let id = values["case_id"] ?? ""
        if id.isEmpty { problem("case_id", Intake.isEmpty) }
        let kind = values["kind"] ?? defaultKind
        let fields = context.fieldsByKind[kind]
        if fields == nil {
            problem("kind", Intake.unknownKind(context.fieldsByKind.keys))
        }
        for name in ["case_id", "room", "procedure", "patient_ref", "ward"] {
            if let value = values[name], let why = Intake.textProblem(value, maximum: name == "case_id" ? 100 : 200) {
                problem(name, why)
            }
        }
        var start: Date?
        if let text = values["scheduled_start"] {
            switch time(text, in: context.timeZone) {
            case .success(let date): start = date
            case .failure(let why): problem("scheduled_start", why.text)
            }
        }
        if kind == "surgical-case" {
            if values["room"] == nil {
                problem("room", LocalizedText(zh: "手术需要填写手术间", en: "a surgical case needs its operating room"))
            }
            if values["scheduled_start"] == nil {
                problem(
                    "scheduled_start",
                    LocalizedText(zh: "手术需要填写计划开始时间", en: "a surgical case needs its scheduled start"))
            }
        }
        var facts: [String: String] = [:]
        for column in columns where !column.isStandard {
            guard let text = values[column.name] else { continue }
            guard let fields else { continue }
            guard let field = fields.first(where: { $0.name == column.name }) else {
                problem(
                    column.name,
                    LocalizedText(
                        zh: "不是 \(kind) 对象的信息项：此行请留空", en: "not a fact of \(kind) subjects: leave it empty on this row")
                )
                continue
            }
            switch Intake.canonicalFact(text, field, timeZone: context.timeZone) {
            case .success(let value): facts[field.name] = value
            case .failure(let why): problem(column.name, why.text)
            }
        }
        guard problems.count == before else { return nil }
        return CaseRow(
            line: line,
            subject: Subject(
                id: id, kind: kind, patientRef: values["patient_ref"], room: values["room"], ward: values["ward"],
                procedure: values["procedure"], scheduledStart: start, facts: facts))
    }

    // MARK: Times

    /// Why a time could not be read.
    public struct TimeProblem: Error, Sendable {
        /// What is wrong, without the value, in English and Chinese.
        public var text: LocalizedText
        /// What is wrong, without the value.
        public var message: String { text.en }

        /// Creates a problem.
        public init(_ text: LocalizedText) { self.text = text }
    }

    /// Reads a time: ISO-8601 with a zone (`2026-03-02T08:00:00+08:00`, `…Z`), or local `YYYY-MM-DD HH:MM[:SS]`
    /// (a space or `T` between) in `zone`.
    public static func time(_ text: String, in zone: TimeZone?) -> Result<Date, TimeProblem> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let date = Timestamp.parse(trimmed) { return .success(date) }
        if trimmed.count > 10, trimmed.dropFirst(10).first == " ",
            let date = Timestamp.parse(String(trimmed.prefix(10)) + "T" + String(trimmed.dropFirst(11)))
        {
            return .success(date)
        }
        let pattern = #"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(:(\d{2}))?$"#
        guard let match = trimmed.range(of: pattern, options: .regularExpression),
            match == trimmed.startIndex..<trimmed.endIndex
        else {
            return .failure(
                TimeProblem(
                    LocalizedText(
                        zh: "不是时间：请写 2026-03-02 08:00（院区时间）或 2026-03-02T08:00:00+08:00",
                        en: "not a time: write 2026-03-02 08:00 (site time) or 2026-03-02T08:00:00+08:00")))
        }
        guard let zone else {
            return .failure(
                TimeProblem(
                    LocalizedText(
                        zh: "不带时区的时间需要院区时区，但尚未发布院区文件：请加上时区（如 +08:00）或发布院区文件",
                        en:
                            "a time without a zone needs the site's time zone, and no site is published: add the zone "
                            + "(e.g. +08:00) or publish the site file"
                    )))
        }
        let digits = trimmed.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        var parts = DateComponents()
        parts.year = digits[0]
        parts.month = digits[1]
        parts.day = digits[2]
        parts.hour = digits[3]
        parts.minute = digits[4]
        parts.second = digits.count > 5 ? digits[5] : 0
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let date = calendar.date(from: parts),
            calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
                == DateComponents(
                    year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute,
                    second: parts.second)
        else {
            return .failure(
                TimeProblem(
                    LocalizedText(zh: "在院区时区中不是真实存在的日期时间", en: "not a real date and time in the site's time zone")))
        }
        return .success(date)
    }
}
