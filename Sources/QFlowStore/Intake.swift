import Foundation
import GRDB
import QFlowCrypto
import QFlowEngine

/// How an import treats a case that already exists with different content.
public enum ImportMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// New cases are added; a changed existing case is refused (reported like any bad row).
    case create
    /// New cases are added; a changed existing case is updated (an `updated` subject event; bundles do not restart).
    case update
}

/// A run started by intake: by one of the site's bundles, or by a trigger of a run the bundle started.
public struct StartedRun: Sendable, Hashable, Codable {
    /// The run's id.
    public var runId: String
    /// The protocol it follows.
    public var protocolId: String
    /// The bundle that started it; nil when a trigger of another run did.
    public var bundleId: String?
    /// The run whose trigger started it, if any.
    public var triggeredByRun: String?
}

/// What adding one case did.
public struct IntakeResult: Sendable, Hashable, Codable {
    /// The case (subject) added.
    public var subjectId: String
    /// Every run started for it, in the order they started (bundle runs and the runs their triggers started).
    public var runs: [StartedRun]
}

/// What an import did: every case is added, unchanged or updated (or, on any problem, nothing is written).
public struct ImportReport: Sendable, Hashable, Codable {
    /// Ids of the cases added, in file order.
    public var added: [String] = []
    /// Ids of cases already present with the same content.
    public var unchanged: [String] = []
    /// Ids of cases whose content was updated (`ImportMode.update`).
    public var updated: [String] = []
    /// What each added case started.
    public var results: [IntakeResult] = []

    /// Runs started by the import.
    public var runsStarted: Int { results.reduce(0) { $0 + $1.runs.count } }

    /// `12 added, 0 unchanged, 0 updated; 52 runs started`.
    public var summary: String {
        "\(added.count) added, \(unchanged.count) unchanged, \(updated.count) updated; \(runsStarted) "
            + "run\(runsStarted == 1 ? "" : "s") started"
    }
}

/// One entry of the subject log: a case added or updated by intake.
public struct SubjectEvent: Sendable, Hashable, Codable {
    /// The entry's number (increasing across the database).
    public var seq: Int
    /// The subject.
    public var subjectId: String
    /// `added` or `updated`.
    public var kind: String
    /// When.
    public var at: Date
    /// Who, in which role, at which workstation.
    public var actor: Actor
    /// SHA-256 of the subject's canonical JSON before the change (nil when added).
    public var hashBefore: String?
    /// SHA-256 of the subject's canonical JSON after the change.
    public var hashAfter: String
}

extension Subject {
    /// SHA-256 of the subject's canonical JSON: two subjects with the same content have the same hash.
    public var contentHash: String { SHA256.hex(of: CanonicalJSON.encode(self)) }
}

extension Store {
    /// What a schedule is read against now: the published protocols' subject fields by kind and the site's zone.
    public func scheduleContext() throws(StoreError) -> CaseSchedule.Context {
        try read("read the intake context") { db in
            let context = try Intake.Context(db, cache: nil)
            return CaseSchedule.Context(
                fieldsByKind: context.fieldsByKind.mapValues { $0.values.sorted { $0.name < $1.name } },
                timeZone: context.site?.timeZone)
        }
    }

    /// Adds a case and starts its bundles in one transaction.
    ///
    /// The case is checked first: its kind, each fact against the type the published protocols declare, its room
    /// against the site's rooms (surgical cases) or laundry lines (linen batches). Then it is inserted, an `added`
    /// subject event is recorded, and every bundle of the site for its kind whose conditions hold on its facts is
    /// started through the engine with `actor` (the same path as `perform(.start…)`; the runs' triggers fire as
    /// usual). A protocol that already has a run on the case (started by a trigger) is not started twice. A linen
    /// batch without a `standard` fact gets the site's linen parameter set. When no site is published, the case is
    /// added and no bundle starts.
    ///
    /// ```swift
    /// let result = try store.addCase(subject, by: headNurse, at: now)   // result.runs: the started runs
    /// ```
    public func addCase(_ subject: Subject, by actor: Actor, at: Date) throws(StoreError) -> IntakeResult {
        try writer.submit("add case \(subject.id)") { db, cache in
            let context = try Intake.Context(db, cache: cache)
            let candidate = context.normalized(subject)
            let problems = Intake.actorProblems(actor) + context.problems(candidate, line: nil)
            guard problems.isEmpty else {
                let first = problems.count == 1 ? problems[0].description : "\(problems.count) problems"
                throw StoreError("case \(Intake.safeId(subject.id)): \(first)", problems: problems)
            }
            if try Registry.subject(candidate.id, db) != nil {
                throw StoreError(.alreadyExists, "case \(candidate.id) already exists", item: "case_id")
            }
            return try context.insert(candidate, by: actor, at: at, db, cache: cache)
        }
    }

    /// Imports a schedule: every row is checked first, then all of them are written in one transaction, or none.
    ///
    /// A case already present with the same content is `unchanged`. With different content it is refused in
    /// `.create` mode (reported with its line like any bad row) and updated in `.update` mode (an `updated`
    /// subject event; its runs are kept and their projections follow the new facts; bundles do not restart).
    /// A refused batch throws `invalid_input` with every row's problem in ``StoreError/problems``. With `kinds`,
    /// a row of another kind of subject (one the acting role does not add) refuses the whole batch as `forbidden`.
    public func importCases(
        _ rows: [CaseRow], mode: ImportMode = .create, kinds: Set<String>? = nil, by actor: Actor, at: Date
    ) throws(StoreError) -> ImportReport {
        try importRows(rows, problems: [], mode: mode, kinds: kinds, by: actor, at: at)
    }

    /// Parses a CSV schedule (``CaseSchedule``) and imports it like ``importCases(_:mode:by:at:)``; the problems of
    /// the file and of its cases are reported together, every bad row with its line.
    ///
    /// ```swift
    /// let report = try store.importSchedule(Array(csv.utf8), by: headNurse, at: now)
    /// print(report.summary)   // 12 added, 0 unchanged, 0 updated; 52 runs started
    /// ```
    public func importSchedule(
        _ bytes: [UInt8], mode: ImportMode = .create, kinds: Set<String>? = nil, by actor: Actor, at: Date
    ) throws(StoreError) -> ImportReport {
        var problems: [StoreError.Problem] = []
        let rows = CaseSchedule.parse(bytes, context: try scheduleContext(), problems: &problems)
        // A file that could not be read as a table has nothing more to check.
        if rows.isEmpty, !problems.isEmpty { throw StoreError(CaseSchedule.summary(problems), problems: problems) }
        return try importRows(rows, problems: problems, mode: mode, kinds: kinds, by: actor, at: at)
    }

    private func importRows(
        _ rows: [CaseRow], problems parsed: [StoreError.Problem], mode: ImportMode, kinds: Set<String>?,
        by actor: Actor, at: Date
    ) throws(StoreError) -> ImportReport {
        guard rows.count <= CaseSchedule.maximumRows else {
            throw StoreError(
                .invalidInput, "an import has at most \(CaseSchedule.maximumRows) cases; this one has \(rows.count)")
        }
        if let kinds, let row = rows.first(where: { !kinds.contains($0.subject.kind) }) {
            var error = StoreError(
                .forbidden, "role \(actor.role) may not add subjects of kind \(row.subject.kind.prefix(40))",
                item: "kind")
            error.problems = [
                StoreError.Problem(
                    line: row.line > 0 ? row.line : nil, field: "kind",
                    LocalizedText(
                        zh: "当前角色不能添加 \(row.subject.kind.prefix(40)) 类对象",
                        en: "role \(actor.role) may not add subjects of kind \(row.subject.kind.prefix(40))"))
            ]
            throw error
        }
        return try writer.submit("import \(rows.count) cases") { db, cache in
            let context = try Intake.Context(db, cache: cache)
            var problems = Intake.actorProblems(actor) + parsed
            var plan: [(row: CaseRow, old: Subject?)] = []
            var report = ImportReport()
            var lines: [String: [Int]] = [:]
            for row in rows { lines[row.subject.id, default: []].append(row.line) }
            for row in rows {
                let subject = context.normalized(row.subject)
                let line = row.line > 0 ? row.line : nil
                if let same = lines[subject.id], same.count > 1 {
                    let others = same.filter { $0 != row.line }.map(String.init).joined(separator: ", ")
                    problems.append(
                        StoreError.Problem(line: line, field: "case_id", Intake.sameId(others)))
                    continue
                }
                let found = context.problems(subject, line: line)
                guard found.isEmpty else {
                    problems += found
                    continue
                }
                guard let existing = try Registry.subject(subject.id, db) else {
                    plan.append((CaseRow(line: row.line, subject: subject), nil))
                    continue
                }
                if existing.contentHash == subject.contentHash {
                    report.unchanged.append(subject.id)
                } else if existing.kind != subject.kind {
                    problems.append(
                        StoreError.Problem(
                            line: line, field: "kind",
                            LocalizedText(
                                zh: "此编号已作为另一类对象存在；对象类别不能更改",
                                en: "the case exists as another kind of subject; a kind never changes")))
                } else if mode == .create {
                    problems.append(
                        StoreError.Problem(
                            line: line, field: "case_id",
                            LocalizedText(
                                zh: "此手术已存在且内容不同：如需修改，请以更新模式导入（--update）",
                                en:
                                    "the case exists with different content: import in update mode (--update) to "
                                    + "change it"
                            ))
                    )
                } else {
                    plan.append((CaseRow(line: row.line, subject: subject), existing))
                }
            }
            guard problems.isEmpty else {
                problems.sort { ($0.line ?? 0, $0.field ?? "") < ($1.line ?? 0, $1.field ?? "") }
                throw StoreError(CaseSchedule.summary(problems), problems: problems)
            }
            for (row, old) in plan {
                if let old {
                    try context.update(old, to: row.subject, by: actor, at: at, db, cache: cache)
                    report.updated.append(row.subject.id)
                } else {
                    report.results.append(try context.insert(row.subject, by: actor, at: at, db, cache: cache))
                    report.added.append(row.subject.id)
                }
            }
            return report
        }
    }

    /// The subject log of one subject (added, updated), oldest first.
    public func subjectEvents(_ subjectId: String) throws(StoreError) -> [SubjectEvent] {
        try read("read subject events") { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM subject_event WHERE subject_id = ? ORDER BY seq", arguments: [subjectId]
            ).map { row in
                SubjectEvent(
                    seq: row["seq"], subjectId: row["subject_id"], kind: row["kind"],
                    at: Timestamp.parse(row["at"]) ?? Date(timeIntervalSince1970: 0),
                    actor: Actor(id: row["actor"], role: row["role"], workstation: row["workstation"]),
                    hashBefore: row["hash_before"], hashAfter: row["hash_after"])
            }
        }
    }
}

/// Intake inside the writer's transaction: the checks every path shares, the insert with its bundles, updates.
enum Intake {
    /// Column names that are the subject's own fields, not facts.
    static let standardFields: Set<String> = [
        "case_id", "id", "kind", "room", "procedure", "scheduled_start", "patient_ref", "ward", "label",
    ]

    /// A subject id is safe to print (it is the case number) once it is one short line.
    static func safeId(_ id: String) -> String {
        textProblem(id, maximum: 100) == nil ? id : "(invalid id)"
    }

    /// Why a text field is refused, without repeating it; nil when it is fine.
    static func textProblem(_ text: String, maximum: Int) -> LocalizedText? {
        if text.count > maximum { return LocalizedText(zh: "最多 \(maximum) 个字符", en: "at most \(maximum) characters") }
        if text.contains(where: { $0.isNewline || $0 == "\0" }) {
            return LocalizedText(zh: "必须写在一行内", en: "must be on one line")
        }
        return nil
    }

    /// A field left empty.
    static let isEmpty = LocalizedText(zh: "为空", en: "is empty")

    /// A case id that is on other lines of the same file too.
    static func sameId(_ lines: String) -> LocalizedText {
        LocalizedText(zh: "同一 case_id 也出现在第 \(lines) 行", en: "the same case_id is also on line \(lines)")
    }

    /// A kind of subject no published protocol runs on.
    static func unknownKind(_ kinds: some Sequence<String>) -> LocalizedText {
        let kinds = kinds.sorted()
        return LocalizedText(
            zh: "不是已发布流程所针对的对象类别（\(kinds.isEmpty ? "尚未发布" : kinds.joined(separator: "、"))）",
            en:
                "not a kind of subject the published protocols run on "
                + "(\(kinds.isEmpty ? "none published" : kinds.joined(separator: ", ")))"
        )
    }

    static func actorProblems(_ actor: Actor) -> [StoreError.Problem] {
        var out: [StoreError.Problem] = []
        for (name, value) in [("user", actor.id), ("role", actor.role)]
        where value.isEmpty || textProblem(value, maximum: 100) != nil {
            out.append(
                StoreError.Problem(
                    field: name,
                    LocalizedText(
                        zh: "操作者的 \(name) 须为一行、1–100 个字符", en: "the acting \(name) must be 1–100 characters on one line"
                    )))
        }
        if let station = actor.workstation, textProblem(station, maximum: 100) != nil {
            out.append(
                StoreError.Problem(
                    field: "workstation",
                    LocalizedText(
                        zh: "工作站名称须为一行、1–100 个字符", en: "the workstation name must be 1–100 characters on one line")))
        }
        return out
    }

    /// A fact's value written canonically (`true`/`false`, a plain number, a UTC ISO-8601 time, trimmed text), or
    /// why it does not fit the declared type (without repeating the value).
    static func canonicalFact(_ raw: String, _ field: SubjectFieldSpec, timeZone: TimeZone?)
        -> Result<String, CaseSchedule.TimeProblem>
    {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        switch field.type {
        case .bool:
            switch text.lowercased() {
            case "true", "yes", "y", "1", "是": return .success("true")
            case "false", "no", "n", "0", "否": return .success("false")
            default:
                return .failure(
                    .init(
                        LocalizedText(
                            zh: "应为是或否（是/否、yes/no、true/false、1/0）", en: "is yes or no (yes/no, true/false, 1/0)")))
            }
        case .number:
            guard let x = Double(text), x.isFinite, text.allSatisfy(\.isASCII) else {
                return .failure(.init(LocalizedText(zh: "应为数字", en: "is a number")))
            }
            return .success(Value.number(x).description)
        case .time:
            switch CaseSchedule.time(text, in: timeZone) {
            case .success(let date): return .success(Timestamp.format(date))
            case .failure(let why): return .failure(why)
            }
        case .date:
            guard let day = CivilDate(parsing: text) else {
                return .failure(
                    .init(LocalizedText(zh: "应为日期（年-月-日，如 2027-03-31）", en: "is a day (YYYY-MM-DD, e.g. 2027-03-31)")))
            }
            return .success(day.description)
        case .text:
            if let why = textProblem(text, maximum: 200) { return .failure(.init(why)) }
            return .success(text)
        }
    }

    /// What intake checks against: the published protocols' declared facts by subject kind, and the site.
    struct Context {
        var fieldsByKind: [String: [String: SubjectFieldSpec]] = [:]
        var site: PublishedSite?

        init(_ db: Database, cache: WriterCache?) throws {
            for spec in try Store.latestSpecs(db, cache: cache) {
                var fields = fieldsByKind[spec.subject] ?? [:]
                for field in spec.subjectFields where fields[field.name] == nil { fields[field.name] = field }
                fieldsByKind[spec.subject] = fields
            }
            site = try Store.site(db)
        }

        /// The subject as it will be stored: facts written canonically, the time to the millisecond, and a linen
        /// batch's `standard` taken from the site when it has none. Values that do not parse are left for
        /// `problems` to report.
        func normalized(_ subject: Subject) -> Subject {
            var out = subject
            if let start = subject.scheduledStart { out.scheduledStart = Timestamp.parse(Timestamp.format(start)) }
            let fields = fieldsByKind[subject.kind] ?? [:]
            for (name, raw) in subject.facts {
                if let field = fields[name],
                    case .success(let value) = canonicalFact(raw, field, timeZone: site?.timeZone)
                {
                    out.facts[name] = value
                }
            }
            if subject.kind == "linen-batch", out.facts["standard"] == nil, let site, fields["standard"] != nil {
                out.facts["standard"] = site.spec.linenParameterSet.rawValue
            }
            return out
        }

        /// Every problem of one case; messages name the field, never the value (except the site's own room ids).
        func problems(_ subject: Subject, line: Int?) -> [StoreError.Problem] {
            var out: [StoreError.Problem] = []
            func problem(_ field: String, _ text: LocalizedText) {
                out.append(StoreError.Problem(line: line, field: field, text))
            }
            if subject.id.isEmpty {
                problem("case_id", Intake.isEmpty)
            } else if let why = textProblem(subject.id, maximum: 100) {
                problem("case_id", why)
            }
            for (name, value) in [
                ("label", subject.label), ("patient_ref", subject.patientRef), ("room", subject.room),
                ("ward", subject.ward), ("procedure", subject.procedure),
            ] {
                if let value, let why = textProblem(value, maximum: 200) { problem(name, why) }
            }
            guard let fields = fieldsByKind[subject.kind] else {
                problem("kind", Intake.unknownKind(fieldsByKind.keys))
                return out
            }
            if subject.facts.count > 64 { problem("facts", LocalizedText(zh: "最多 64 项信息", en: "at most 64 facts")) }
            for (name, raw) in subject.facts.sorted(by: { $0.key < $1.key }) {
                if Self.isStandard(name) {
                    problem(
                        name,
                        LocalizedText(
                            zh: "这是手术本身的字段（单独一列），不是信息项",
                            en: "is the case's own field (a column of its own), not a fact"))
                    continue
                }
                guard let field = fields[name] else {
                    let safe = ProtocolSpec.isValidIdentifier(name) ? name : "(invalid name)"
                    let closest = RuleExpression.closest(name, fields.keys)
                    let facts = fields.keys.filter { !Self.isStandard($0) }.sorted()
                    problem(
                        safe,
                        LocalizedText(
                            zh:
                                "不是 \(subject.kind) 对象的信息项\(closest.map { "（是否应为 '\($0)'？）" } ?? "")（信息项"
                                + "：\(facts.joined(separator: "、"))）",
                            en:
                                "not a fact of \(subject.kind) "
                                + "subjects\(closest.map { " (did you mean '\($0)'?)" } ?? "") "
                                + "(facts: \(facts.joined(separator: ", ")))"
                        ))
                    continue
                }
                if case .failure(let why) = canonicalFact(raw, field, timeZone: site?.timeZone) {
                    problem(name, why.text)
                }
            }
            if let site {
                if let places = site.spec.places(for: subject.kind), let room = subject.room,
                    !places.contains(where: { $0.id == room })
                {
                    let linen = subject.kind == "linen-batch"
                    let list = Self.list(places.map(\.id))
                    problem(
                        "room",
                        LocalizedText(
                            zh: "不是院区文件中的\(linen ? "洗涤线" : "手术间")（\(list)）",
                            en: "not one of the site's \(linen ? "laundry lines" : "rooms") (\(list))"))
                }
                if subject.kind == "linen-batch", let standard = subject.facts["standard"],
                    standard != site.spec.linenParameterSet.rawValue
                {
                    let set = site.spec.linenParameterSet.rawValue
                    problem(
                        "standard",
                        LocalizedText(
                            zh: "与院区设定的织物参数集（\(set)）不同；请留空",
                            en: "differs from the site's linen parameter set (\(set)); leave it empty"))
                }
            }
            return out
        }

        static func isStandard(_ name: String) -> Bool {
            ["room", "ward", "procedure", "scheduled_start"].contains(name)
        }

        /// `OR1, OR2, OR3` or `OR1…OR12` for long lists.
        static func list(_ ids: [String]) -> String {
            if ids.isEmpty { return "none listed" }
            return ids.count <= 6 ? ids.joined(separator: ", ") : "\(ids.first!)…\(ids.last!)"
        }

        /// The subject's facts typed by every protocol of its kind, for bundle conditions.
        func typedFacts(_ subject: Subject) throws -> SubjectFacts {
            let fields = fieldsByKind[subject.kind] ?? [:]
            do {
                return try SubjectFacts.parse(
                    subject.allFacts.filter { fields[$0.key] != nil }, fields: Array(fields.values))
            } catch {
                throw StoreError(.invalidInput, "case \(subject.id): \(error.message)")
            }
        }

        /// Inserts a checked subject, records `added`, and starts its bundles.
        func insert(_ subject: Subject, by actor: Actor, at: Date, _ db: Database, cache: WriterCache?) throws
            -> IntakeResult
        {
            try Registry.add(subject, at: at, db, checkFacts: false, cache: cache)
            try Intake.log(subject.id, "added", before: nil, after: subject.contentHash, by: actor, at: at, db)
            var result = IntakeResult(subjectId: subject.id, runs: [])
            guard let site else { return result }
            let facts = try typedFacts(subject)
            for bundle in site.spec.bundles(for: subject.kind) {
                for entry in bundle.entries(for: facts) {
                    let exists =
                        try Bool.fetchOne(
                            db.cachedStatement(
                                sql: "SELECT 1 FROM run WHERE subject_id = ? AND protocol_id = ? LIMIT 1"),
                            arguments: [subject.id, entry.protocolId]) ?? false
                    if exists { continue }
                    let started = try Actions(db: db, cache: cache).apply(
                        ActionRequest(.start(protocolId: entry.protocolId, subjectId: subject.id), by: actor, at: at))
                    result.runs.append(
                        StartedRun(runId: started.runId, protocolId: entry.protocolId, bundleId: bundle.id))
                    for runId in started.triggeredRuns {
                        let row = try Row.fetchOne(
                            db.cachedStatement(sql: "SELECT protocol_id, triggered_by_run FROM run WHERE id = ?"),
                            arguments: [runId])
                        result.runs.append(
                            StartedRun(
                                runId: runId, protocolId: row?["protocol_id"] ?? "", bundleId: nil,
                                triggeredByRun: row?["triggered_by_run"]))
                    }
                }
            }
            return result
        }

        /// Replaces a subject's row, records `updated`, and brings its runs' projections up to date with the new
        /// facts (deadlines from `scheduled_start`, rules on facts); no run is started or restarted.
        func update(_ old: Subject, to new: Subject, by actor: Actor, at: Date, _ db: Database, cache: WriterCache?)
            throws
        {
            let runIds = try String.fetchAll(
                db, sql: "SELECT id FROM run WHERE subject_id = ? ORDER BY rowid", arguments: [old.id])
            cache?.forget(runIds)
            let before = try runIds.map { try Actions(db: db, cache: nil).load($0) }
            try db.execute(
                sql: """
                    UPDATE subject SET label = ?, patient_ref = ?, room = ?, ward = ?, procedure = ?,
                        scheduled_start = ?, facts = ? WHERE id = ?
                    """,
                arguments: [
                    new.label, new.patientRef, new.room, new.ward, new.procedure,
                    new.scheduledStart.map(Timestamp.format),
                    String(decoding: CanonicalJSON.encode(new.facts), as: UTF8.self), old.id,
                ])
            for entry in before {
                guard let rows = entry.rows else { continue }
                let facts = try new.facts(for: entry.spec, db)
                try RunRows(spec: entry.spec, state: entry.state, subject: facts, lastAt: rows.run.lastAt)
                    .write(db, replacing: rows)
            }
            try Intake.log(
                old.id, "updated", before: old.contentHash, after: new.contentHash, by: actor, at: at, db)
        }
    }

    static func log(
        _ subjectId: String, _ kind: String, before: String?, after: String, by actor: Actor, at: Date, _ db: Database
    ) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO subject_event (subject_id, kind, at, actor, role, workstation, hash_before, hash_after)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [subjectId, kind, Timestamp.format(at), actor.id, actor.role, actor.workstation, before, after])
    }
}
