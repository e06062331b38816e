import Foundation
import QFlowCrypto

/// What is local to one hospital: its time zone, rooms and laundry lines, the linen parameter set in force,
/// workstation timeouts, and the bundles of protocols that start when a subject is added.
///
/// A site definition is versioned like a protocol: a published version never changes, and versions only go up.
/// Files live in `Site/` and are read by `SiteFile` (module QFlowProtocolFile).
///
/// ```swift
/// let issues = site.validate(library: specs)   // [] when every bundle names real protocols and facts
/// ```
public struct SiteSpec: Sendable, Hashable, Codable {
    /// The site's identifier (`[a-z][a-z0-9_]*`).
    public var id: String
    /// Version number; a newer version has a larger number.
    public var version: Int
    /// The hospital's name.
    public var name: LocalizedText
    /// The hospital's IANA time zone (e.g. `Asia/Shanghai`): local times in schedules are read in it.
    public var timeZone: String
    /// Operating rooms (the `room` of surgical cases).
    public var rooms: [SitePlace]
    /// Laundry lines (the `room` of linen batches).
    public var laundryLines: [SitePlace]
    /// The linen thermal-disinfection parameter set in force (the `standard` fact of linen batches).
    public var linenParameterSet: LinenParameterSet
    /// Minutes without input after which a shared workstation asks for the password again (1–60).
    public var idleLockMinutes: Int
    /// Hours a workstation session lasts at most (1–24).
    public var sessionHours: Int
    /// Which protocols start when a subject of a kind is added.
    public var bundles: [BundleSpec]
    /// The electronic archive (fonds, record classes, retention, readers), if the site keeps one.
    public var archive: ArchiveSpec?

    /// Creates a site definition.
    public init(
        id: String, version: Int, name: LocalizedText, timeZone: String, rooms: [SitePlace],
        laundryLines: [SitePlace] = [], linenParameterSet: LinenParameterSet, idleLockMinutes: Int = 5,
        sessionHours: Int = 12, bundles: [BundleSpec] = [], archive: ArchiveSpec? = nil
    ) {
        self.id = id
        self.version = version
        self.name = name
        self.timeZone = timeZone
        self.rooms = rooms
        self.laundryLines = laundryLines
        self.linenParameterSet = linenParameterSet
        self.idleLockMinutes = idleLockMinutes
        self.sessionHours = sessionHours
        self.bundles = bundles
        self.archive = archive
    }

    /// The SHA-256 of the canonical JSON encoding of this definition, as lowercase hex.
    public var contentHash: String { SHA256.hex(of: CanonicalJSON.encode(self)) }

    /// The places a subject of `kind` may be in: laundry lines for linen batches, operating rooms for surgical
    /// cases; nil for other kinds (their `room` is not checked).
    public func places(for kind: String) -> [SitePlace]? {
        switch kind {
        case "surgical-case": rooms
        case "linen-batch": laundryLines
        default: nil
        }
    }

    /// The bundles that apply to a kind of subject, in file order.
    public func bundles(for kind: String) -> [BundleSpec] { bundles.filter { $0.subjectKind == kind } }
}

/// An operating room or a laundry line.
public struct SitePlace: Sendable, Hashable, Codable {
    /// Its id as schedules write it (e.g. `OR3`, `L1`).
    public var id: String
    /// Its name for people.
    public var title: LocalizedText

    /// Creates a place.
    public init(id: String, title: LocalizedText) {
        self.id = id
        self.title = title
    }
}

/// The linen thermal-disinfection parameter sets the linen protocols know (`subject.standard`).
public enum LinenParameterSet: String, Sendable, Hashable, Codable, CaseIterable {
    /// UK HTM 01-04: 65 °C ≥ 10 min or 71 °C ≥ 3 min.
    case htm0104
    /// US CDC 2003: ≥ 71 °C for ≥ 25 min.
    case cdc
    /// China WS/T 508: 75 °C ≥ 30 min, 80 °C ≥ 10 min or A₀ ≥ 600.
    case wst508
}

/// A set of protocols started together when a subject of a kind is added (e.g. every surgical case).
public struct BundleSpec: Sendable, Hashable, Codable {
    /// The bundle's identifier, unique in the site.
    public var id: String
    /// The kind of subject it applies to (`surgical-case`, `linen-batch`, …).
    public var subjectKind: String
    /// What it is, for people.
    public var title: LocalizedText
    /// The protocols to start, in order.
    public var protocols: [BundleEntry]
    /// A condition on the subject's facts for the whole bundle; nil means always.
    public var when: RuleExpression?

    /// Creates a bundle.
    public init(
        id: String, subjectKind: String, title: LocalizedText, protocols: [BundleEntry], when: RuleExpression? = nil
    ) {
        self.id = id
        self.subjectKind = subjectKind
        self.title = title
        self.protocols = protocols
        self.when = when
    }
}

/// One protocol of a bundle, with an optional condition of its own.
public struct BundleEntry: Sendable, Hashable, Codable {
    /// The protocol id (its latest published version is started).
    public var protocolId: String
    /// A condition on the subject's facts; nil means always.
    public var when: RuleExpression?

    /// Creates an entry.
    public init(protocolId: String, when: RuleExpression? = nil) {
        self.protocolId = protocolId
        self.when = when
    }
}

/// Subject facts as a rule environment: bundle conditions read `subject.NAME` only.
public struct SubjectFactsEnvironment: RuleEnvironment, Sendable {
    /// The typed facts.
    public var facts: SubjectFacts

    /// Wraps typed facts.
    public init(_ facts: SubjectFacts) { self.facts = facts }

    /// Items do not exist here: always unknown.
    public func value(ofItem id: String) -> Value? { nil }
    /// Items do not exist here.
    public func isAnswered(_ id: String) -> Bool { false }
    /// Items do not exist here.
    public func isNotApplicable(_ id: String) -> Bool { false }
    /// The fact, or nil when the subject does not have it.
    public func subjectValue(_ field: String) -> Value? { facts.values[field] }
}

extension BundleSpec {
    /// The entries to start for a subject with these facts: the bundle's condition and each entry's must hold
    /// (an unknown fact means the condition does not hold).
    public func entries(for facts: SubjectFacts) -> [BundleEntry] {
        let env = SubjectFactsEnvironment(facts)
        if let when, when.holds(in: env) != true { return [] }
        return protocols.filter { entry in entry.when.map { $0.holds(in: env) == true } ?? true }
    }
}

extension SiteSpec {
    /// Most rooms, laundry lines or bundles a site file may list.
    public static let maximumEntries = 500

    /// Checks the definition on its own and, when `library` is given (the protocols it may name), every bundle
    /// against it: protocol ids, their subject kind, and the facts conditions read (declared by some protocol of
    /// that subject kind under `subject_fields`).
    public func validate(library: [ProtocolSpec]? = nil) -> [SpecIssue] {
        var issues: [SpecIssue] = []
        let root = SpecPath()
        if !ProtocolSpec.isValidIdentifier(id) {
            issues.append(
                SpecIssue(root.key("site"), "a site id is lower-case letters, digits and '_', starting with a letter"))
        }
        if version < 1 { issues.append(SpecIssue(root.key("version"), "version must be 1 or more")) }
        if TimeZone(identifier: timeZone) == nil {
            issues.append(
                SpecIssue(
                    root.key("time_zone"),
                    "unknown time zone '\(timeZone.prefix(60))': write an IANA name such as Asia/Shanghai"))
        }
        if !(1...60).contains(idleLockMinutes) {
            issues.append(SpecIssue(root.key("idle_lock_minutes"), "idle_lock_minutes must be from 1 to 60"))
        }
        if !(1...24).contains(sessionHours) {
            issues.append(SpecIssue(root.key("session_hours"), "session_hours must be from 1 to 24"))
        }
        if rooms.isEmpty { issues.append(SpecIssue(root.key("rooms"), "a site needs at least one operating room")) }
        var seen: [String: String] = [:]
        for (list, key, what) in [(rooms, "rooms", "room"), (laundryLines, "laundry_lines", "laundry line")] {
            if list.count > Self.maximumEntries {
                issues.append(SpecIssue(root.key(key), "at most \(Self.maximumEntries) entries"))
            }
            for (i, place) in list.enumerated() {
                let path = root.key(key).index(i).key("id")
                if !Self.isPlaceId(place.id) {
                    issues.append(SpecIssue(path, "a \(what) id is 1–32 letters, digits, '-' or '_' (e.g. OR3)"))
                } else if let earlier = seen[place.id] {
                    issues.append(SpecIssue(path, "duplicate \(what) id '\(place.id)' (already a \(earlier))"))
                } else {
                    seen[place.id] = what
                }
            }
        }
        if let archive { issues += archive.validate(root.key("archive")) }
        if bundles.count > Self.maximumEntries {
            issues.append(SpecIssue(root.key("bundles"), "at most \(Self.maximumEntries) bundles"))
        }
        var bundleIds = Set<String>()
        let byId = library.map { specs in
            Dictionary(specs.map { ($0.id, $0) }, uniquingKeysWith: { $0.version >= $1.version ? $0 : $1 })
        }
        for (b, bundle) in bundles.enumerated() {
            let path = root.key("bundles").index(b)
            if !ProtocolSpec.isValidIdentifier(bundle.id) {
                issues.append(SpecIssue(path.key("id"), "a bundle id is lower-case letters, digits and '_'"))
            } else if !bundleIds.insert(bundle.id).inserted {
                issues.append(SpecIssue(path.key("id"), "duplicate bundle id '\(bundle.id)'"))
            }
            if bundle.subjectKind.range(of: "^[a-z][a-z0-9-]*$", options: .regularExpression) == nil {
                issues.append(SpecIssue(path.key("subject"), "a subject kind is a name like surgical-case"))
            }
            if bundle.protocols.isEmpty {
                issues.append(SpecIssue(path.key("protocols"), "a bundle needs at least one protocol"))
            }
            var scope: RuleScope?
            if let byId {
                let kinds = byId.values.filter { $0.subject == bundle.subjectKind }
                if kinds.isEmpty {
                    let known = Set(byId.values.map(\.subject)).sorted()
                    issues.append(
                        SpecIssue(
                            path.key("subject"),
                            "no protocol in the library runs on '\(bundle.subjectKind)' "
                                + "subjects\(RuleExpression.suggestion(bundle.subjectKind, known)) "
                                + "(kinds: \(known.joined(separator: ", ")))"
                        ))
                }
                var fields: [String: ValueType] = [:]
                for spec in kinds.sorted(by: { $0.id < $1.id }) {
                    for field in spec.subjectFields where fields[field.name] == nil { fields[field.name] = field.type }
                }
                scope = RuleScope(items: [:], subjectFields: fields)
            }
            if let when = bundle.when { issues += Self.check(when, path.key("when"), scope, bundle.subjectKind) }
            var entryIds = Set<String>()
            for (e, entry) in bundle.protocols.enumerated() {
                let entryPath = path.key("protocols").index(e)
                if !entryIds.insert(entry.protocolId).inserted {
                    issues.append(SpecIssue(entryPath, "protocol '\(entry.protocolId)' is listed twice in this bundle"))
                }
                if let byId {
                    if let spec = byId[entry.protocolId] {
                        if spec.subject != bundle.subjectKind {
                            issues.append(
                                SpecIssue(
                                    entryPath,
                                    "protocol '\(entry.protocolId)' runs on \(spec.subject) subjects, "
                                        + "not \(bundle.subjectKind)"
                                ))
                        }
                    } else {
                        issues.append(
                            SpecIssue(
                                entryPath,
                                "no protocol '\(entry.protocolId)' in the "
                                    + "library\(RuleExpression.suggestion(entry.protocolId, byId.keys))"
                            ))
                    }
                }
                if let when = entry.when {
                    issues += Self.check(when, entryPath.key("when"), scope, bundle.subjectKind)
                }
            }
        }
        return issues
    }

    /// Whether `text` is a room or laundry-line id.
    public static func isPlaceId(_ text: String) -> Bool {
        text.range(of: "^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$", options: .regularExpression) != nil
    }

    /// A bundle condition reads subject facts only, and (with a scope) only declared ones, as a boolean.
    private static func check(_ rule: RuleExpression, _ path: SpecPath, _ scope: RuleScope?, _ kind: String)
        -> [SpecIssue]
    {
        var bare: ExpressionNode?
        rule.root.visit { node in
            if bare == nil, case .item = node.kind { bare = node }
            if bare == nil, case .call(.answered, _) = node.kind { bare = node }
            if bare == nil, case .call(.isNA, _) = node.kind { bare = node }
        }
        if let bare {
            let name: String
            if case .item(let id) = bare.kind { name = id } else { name = "NAME" }
            return [
                SpecIssue(
                    path, "a bundle condition reads subject facts only: write subject.\(name)", offset: bare.offset)
            ]
        }
        guard let scope else { return [] }
        do {
            try rule.checkCondition(in: scope)
        } catch {
            var message = error.message
            if message.hasPrefix("unknown subject field") {
                let name = message.split(separator: "'").dropFirst().first.map(String.init) ?? ""
                message =
                    "no protocol for \(kind) subjects declares the fact "
                    + "'\(name)'\(RuleExpression.suggestion(name, scope.subjectFields.keys)) (see their "
                    + "subject_fields)"
            }
            return [SpecIssue(path, message, offset: error.offset)]
        }
        return []
    }
}
