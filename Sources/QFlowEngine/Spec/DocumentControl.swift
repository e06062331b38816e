/// The document-control header of a protocol: which controlled document it is, who owns and approved it, when it is
/// in force and due for review, and what changed in each version.
///
/// ```yaml
/// document:
///   number: HL-SSS-003
///   owner: { zh: 护理部, en: Nursing department }
///   approver: { zh: 护理部主任, en: Director of Nursing }
///   effective: 2026-12-01
///   review_by: 2029-11-30
///   changes:
///     - { version: 1, date: 2026-03-01, summary: { zh: 首次发布, en: First issue } }
/// ```
public struct DocumentControl: Sendable, Hashable, Codable {
    /// One entry of the change log.
    public struct Change: Sendable, Hashable, Codable {
        /// The protocol version the entry describes.
        public var version: Int
        /// When that version was approved (`YYYY-MM-DD`).
        public var date: String
        /// What changed.
        public var summary: LocalizedText

        /// Creates a change-log entry.
        public init(version: Int, date: String, summary: LocalizedText) {
            self.version = version
            self.date = date
            self.summary = summary
        }
    }

    /// The document number in the hospital's document register.
    public var number: String
    /// The department that owns the document.
    public var owner: LocalizedText
    /// Who approved this version (a post, e.g. the head of nursing).
    public var approver: LocalizedText
    /// The day this version comes into force (`YYYY-MM-DD`).
    public var effective: String
    /// The day by which the document must be reviewed (`YYYY-MM-DD`).
    public var reviewBy: String
    /// The change log, oldest first.
    public var changes: [Change]

    /// Creates a document-control header.
    public init(
        number: String, owner: LocalizedText, approver: LocalizedText, effective: String, reviewBy: String,
        changes: [Change]
    ) {
        self.number = number
        self.owner = owner
        self.approver = approver
        self.effective = effective
        self.reviewBy = reviewBy
        self.changes = changes
    }

    /// Whether `text` is a calendar day written `YYYY-MM-DD`.
    public static func isDay(_ text: String) -> Bool {
        Timestamp.parse(text + "T00:00:00Z") != nil && text.utf8.count == 10
    }
}

extension ProtocolSpec {
    /// Document-control problems that depend on the day: a review date before `today` (`YYYY-MM-DD`).
    ///
    /// The engine has no clock: callers pass the day (the CLI its local date, tests a fixed one).
    public func reviewIssues(today: String) -> [SpecIssue] {
        guard let document, DocumentControl.isDay(document.reviewBy), document.reviewBy < today else { return [] }
        return [
            SpecIssue(
                SpecPath().key("document").key("review_by"),
                "review date \(document.reviewBy) has passed (today is \(today)): review the protocol and publish a "
                    + "new version, or pass --allow-overdue-review in a sandbox"
            )
        ]
    }

    /// The document-control checks that hold on any day: well-formed dates, an approver, a change log that covers
    /// this version and no later one.
    func documentIssues(_ root: SpecPath) -> [SpecIssue] {
        guard let document else { return [] }
        let path = root.key("document")
        var issues: [SpecIssue] = []
        if document.number.trimmingCharacters(in: .whitespaces).isEmpty {
            issues.append(.init(path.key("number"), "give the document number"))
        }
        if document.approver.zh.trimmingCharacters(in: .whitespaces).isEmpty
            || document.approver.en.trimmingCharacters(in: .whitespaces).isEmpty
        {
            issues.append(.init(path.key("approver"), "a protocol needs an approver (zh and en)"))
        }
        for (key, day) in [("effective", document.effective), ("review_by", document.reviewBy)]
        where !DocumentControl.isDay(day) {
            issues.append(.init(path.key(key), "\(key) must be a day written YYYY-MM-DD, not '\(day.prefix(20))'"))
        }
        if DocumentControl.isDay(document.effective), DocumentControl.isDay(document.reviewBy),
            document.reviewBy <= document.effective
        {
            issues.append(.init(path.key("review_by"), "review_by must come after effective (\(document.effective))"))
        }
        for (n, change) in document.changes.enumerated() {
            let cpath = path.key("changes").index(n)
            if !DocumentControl.isDay(change.date) {
                issues.append(.init(cpath.key("date"), "date must be a day written YYYY-MM-DD"))
            }
            if change.version > version {
                issues.append(
                    .init(cpath.key("version"), "version \(change.version) is later than this protocol's (\(version))"))
            }
            if n > 0, change.version <= document.changes[n - 1].version {
                issues.append(.init(cpath.key("version"), "the change log lists versions oldest first, each once"))
            }
        }
        if !document.changes.contains(where: { $0.version == version }) {
            issues.append(.init(path.key("changes"), "the change log needs an entry for version \(version)"))
        }
        return issues
    }
}
