import Foundation

/// The site's electronic archive: its fonds number (全宗号) and the record classes (门类) it files, each with a
/// retention period (保管期限) and the roles that may read its records.
///
/// Archive numbers (档号) follow `{fonds}-{class}·{year}-{retention}-{org}-{seq:04}`, e.g. `A014-WS·2016-Y-BGS-0026`
/// (see ``ArchiveNumber``). The store assigns them; this type only describes what a site allows.
///
/// ```yaml
/// archive:
///   fonds: A014
///   classes:
///     - { code: WS, title: { zh: 文书, en: Documents }, retention: Y, roles: [archivist] }
/// ```
public struct ArchiveSpec: Sendable, Hashable, Codable {
    /// The fonds number (全宗号): 1–16 upper-case letters and digits, e.g. `A014`.
    public var fonds: String
    /// The record classes, in file order.
    public var classes: [ArchiveClassSpec]

    /// Creates an archive section.
    public init(fonds: String, classes: [ArchiveClassSpec]) {
        self.fonds = fonds
        self.classes = classes
    }

    /// The class with this code, if the site files it.
    public func recordClass(_ code: String) -> ArchiveClassSpec? { classes.first { $0.code == code } }

    /// Problems of the section, located under `path` (the site file's `archive`).
    public func validate(_ path: SpecPath) -> [SpecIssue] {
        var issues: [SpecIssue] = []
        if !ArchiveNumber.isCode(fonds, maximum: 16) {
            issues.append(
                SpecIssue(path.key("fonds"), "a fonds number is 1–16 upper-case letters or digits (e.g. A014)"))
        }
        if classes.isEmpty { issues.append(SpecIssue(path.key("classes"), "an archive needs at least one class")) }
        if classes.count > SiteSpec.maximumEntries {
            issues.append(SpecIssue(path.key("classes"), "at most \(SiteSpec.maximumEntries) classes"))
        }
        var codes = Set<String>()
        for (i, recordClass) in classes.enumerated() {
            let p = path.key("classes").index(i)
            if !ArchiveNumber.isCode(recordClass.code, maximum: 4) {
                issues.append(SpecIssue(p.key("code"), "a class code is 1–4 upper-case letters or digits (e.g. WS)"))
            } else if !codes.insert(recordClass.code).inserted {
                issues.append(SpecIssue(p.key("code"), "duplicate class code '\(recordClass.code)'"))
            }
            if recordClass.roles.isEmpty {
                issues.append(SpecIssue(p.key("roles"), "name at least one role that may read this class"))
            }
            for (r, role) in recordClass.roles.enumerated()
            where role.range(of: "^[a-z][a-z0-9_]{0,63}$", options: .regularExpression) == nil {
                issues.append(SpecIssue(p.key("roles").index(r), "a role is an id like archivist"))
            }
        }
        return issues
    }
}

/// A record class (门类) of the archive, e.g. `WS` (文书, documents).
public struct ArchiveClassSpec: Sendable, Hashable, Codable {
    /// The class code in archive numbers (1–4 upper-case letters or digits).
    public var code: String
    /// Its name for people.
    public var title: LocalizedText
    /// How long its records are kept.
    public var retention: RetentionPeriod
    /// The roles that may read (and number, and void) its records.
    public var roles: [String]

    /// Creates a class.
    public init(code: String, title: LocalizedText, retention: RetentionPeriod, roles: [String]) {
        self.code = code
        self.title = title
        self.retention = retention
        self.roles = roles
    }
}

/// A retention period (保管期限) as archive numbers write it: `Y` permanent (永久), `D30` 30 years, `D10` 10 years.
public enum RetentionPeriod: String, Sendable, Hashable, Codable, CaseIterable {
    /// Kept permanently (永久).
    case permanent = "Y"
    /// Kept 30 years (定期30年).
    case thirtyYears = "D30"
    /// Kept 10 years (定期10年).
    case tenYears = "D10"

    /// Years kept, or nil when permanent.
    public var years: Int? {
        switch self {
        case .permanent: nil
        case .thirtyYears: 30
        case .tenYears: 10
        }
    }

    /// The last day a record filed in `year` is kept (`YYYY-12-31`), or nil when it is kept permanently.
    ///
    /// The period is counted from 1 January of the year after filing (the usual Chinese archival rule), so a
    /// 2016 record kept 30 years is kept to the end of 2046.
    public func lastDay(filedIn year: Int) -> String? { years.map { "\(year + $0)-12-31" } }

    /// Its name for people.
    public var title: LocalizedText {
        switch self {
        case .permanent: LocalizedText(zh: "永久", en: "permanent")
        case .thirtyYears: LocalizedText(zh: "30年", en: "30 years")
        case .tenYears: LocalizedText(zh: "10年", en: "10 years")
        }
    }
}

/// An archive number (档号): `{fonds}-{class}·{year}-{retention}-{org}-{seq:04}`, e.g. `A014-WS·2016-Y-BGS-0026`.
///
/// The parts come in the order of the seed's rule — fonds (全宗号), class (门类代码), year (年度), retention
/// (保管期限), organisation or problem code (机构（问题）代码), item number (件号). The separator between class and
/// year is the middle dot U+00B7; `•` (U+2022) and `.` are read as it too. Item numbers count from 1 per
/// (class, year, retention, organisation) and are at least four digits.
public struct ArchiveNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 全宗号.
    public var fonds: String
    /// 门类代码.
    public var classCode: String
    /// 年度.
    public var year: Int
    /// 保管期限.
    public var retention: RetentionPeriod
    /// 机构（问题）代码.
    public var org: String
    /// 件号, from 1.
    public var seq: Int

    /// Creates a number from its parts.
    public init(fonds: String, classCode: String, year: Int, retention: RetentionPeriod, org: String, seq: Int) {
        self.fonds = fonds
        self.classCode = classCode
        self.year = year
        self.retention = retention
        self.org = org
        self.seq = seq
    }

    /// The middle dot between class and year.
    public static let dot = "\u{00B7}"

    /// The series the item number counts in: `{class}·{year}-{retention}-{org}`.
    public var series: String { "\(classCode)\(Self.dot)\(year)-\(retention.rawValue)-\(org)" }

    /// The number as written.
    public var description: String {
        let digits = String(seq)
        return "\(fonds)-\(series)-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Reads a written number; nil when it does not follow the pattern.
    public init?(_ text: String) {
        let normal = text.replacingOccurrences(of: "\u{2022}", with: Self.dot)
            .replacingOccurrences(of: ".", with: Self.dot)
        guard normal.count <= 80 else { return nil }
        let parts = normal.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5 else { return nil }
        let classYear = parts[1].components(separatedBy: Self.dot)
        guard classYear.count == 2, let year = Int(classYear[1]), classYear[1].count == 4,
            let retention = RetentionPeriod(rawValue: parts[2]), let seq = Int(parts[4]), seq >= 1,
            parts[4].count >= 4, parts[4].allSatisfy(\.isASCII)
        else { return nil }
        guard Self.isCode(parts[0], maximum: 16), Self.isCode(classYear[0], maximum: 4),
            Self.isCode(parts[3], maximum: 16)
        else { return nil }
        self.init(fonds: parts[0], classCode: classYear[0], year: year, retention: retention, org: parts[3], seq: seq)
    }

    /// Whether `text` is 1…`maximum` upper-case ASCII letters or digits (a fonds, class or organisation code).
    public static func isCode(_ text: String, maximum: Int) -> Bool {
        !text.isEmpty && text.count <= maximum
            && text.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }
}
