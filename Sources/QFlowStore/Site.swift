import Foundation
import GRDB
import QFlowEngine

/// A published version of the site definition.
public struct PublishedSite: Sendable, Hashable {
    /// The definition.
    public var spec: SiteSpec
    /// SHA-256 of its canonical JSON, fixed at publication.
    public var contentHash: String
    /// The file it was published from, if known.
    public var sourceFile: String?
    /// When it was published.
    public var publishedAt: Date
    /// Who published it.
    public var publishedBy: Actor
    /// The site's time zone (validated when published; UTC only if the system no longer knows the name).
    public var timeZone: TimeZone { TimeZone(identifier: spec.timeZone) ?? TimeZone(identifier: "UTC")! }
}

extension Store {
    /// Publishes a version of the site definition after checking it against the published protocols.
    ///
    /// Publishing the same content again is `unchanged`. Different content under a published version, or under a
    /// version lower than the latest, is refused: versions only go up. A database holds one site: a different
    /// site id is refused too.
    ///
    /// ```swift
    /// let site = SiteFile.load(path: "Site/site.yaml").spec!
    /// try store.publishSite(site, sourceFile: "Site/site.yaml", by: admin, at: now)   // .published
    /// ```
    @discardableResult
    public func publishSite(_ spec: SiteSpec, sourceFile: String? = nil, by actor: Actor, at: Date) throws(StoreError)
        -> PublishOutcome
    {
        try writer.submit("publish site version \(spec.version)") { db, cache in
            let library = try Self.latestSpecs(db, cache: cache)
            let issues = spec.validate(library: library)
            guard issues.isEmpty else {
                throw StoreError(
                    "the site definition has \(issues.count) problem\(issues.count == 1 ? "" : "s"); nothing was "
                        + "published",
                    problems: issues.map { StoreError.Problem(field: $0.path.description, message: $0.message) })
            }
            let hash = spec.contentHash
            if let existing = try Row.fetchOne(
                db, sql: "SELECT site_id, content_hash FROM site_version WHERE version = ?", arguments: [spec.version])
            {
                guard existing["content_hash"] == hash as String else {
                    throw StoreError(
                        .alreadyExists,
                        "site version \(spec.version) is already published with different content: a published "
                            + "version never changes; give the new content a higher version"
                    )
                }
                return .unchanged
            }
            if let latest = try Row.fetchOne(
                db, sql: "SELECT version, site_id FROM site_version ORDER BY version DESC LIMIT 1")
            {
                let siteId: String = latest["site_id"]
                guard siteId == spec.id else {
                    throw StoreError(
                        .invalidInput, "this database belongs to site '\(siteId)', not '\(spec.id)'", item: "site")
                }
                let version: Int = latest["version"]
                guard version < spec.version else {
                    throw StoreError(
                        .invalidInput,
                        "site version \(spec.version) is older than the published version \(version): versions only "
                            + "go up",
                        item: "version")
                }
            }
            try db.execute(
                sql: """
                    INSERT INTO site_version (version, site_id, content_hash, definition, source_file, published_at,
                        published_by, published_role) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    spec.version, spec.id, hash, String(decoding: CanonicalJSON.encode(spec), as: UTF8.self),
                    sourceFile, Timestamp.format(at), actor.id, actor.role,
                ])
            return .published
        }
    }

    /// The latest published site definition, or nil when none is published (then no bundle starts on intake).
    public func site() throws(StoreError) -> PublishedSite? {
        try read("read the site") { db in try Self.site(db) }
    }

    /// Every published site version, oldest first.
    public func siteVersions() throws(StoreError) -> [PublishedSite] {
        try read("list site versions") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM site_version ORDER BY version").map(Self.publishedSite)
        }
    }

    /// The zone local times are shown and grouped in: the published site's, else this machine's (`LocalTime`).
    public func localTimeZone() throws(StoreError) -> TimeZone {
        LocalTime.zone(site: try site()?.spec.timeZone)
    }

    /// The published site's time zone, UTC before a site is published: the zone `date` facts are read in (never
    /// the machine's, so that a fact means the same day to every process that reads it).
    static func siteZone(_ db: Database) throws -> TimeZone {
        try site(db)?.timeZone ?? TimeZone(identifier: "UTC")!
    }

    static func site(_ db: Database) throws -> PublishedSite? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM site_version ORDER BY version DESC LIMIT 1"))
            .map(publishedSite)
    }

    static func publishedSite(_ row: Row) throws -> PublishedSite {
        let definition: String = row["definition"]
        let spec: SiteSpec
        do {
            spec = try CanonicalJSON.decode(SiteSpec.self, from: Array(definition.utf8))
        } catch {
            throw StoreError(.corrupt, "site version \(row["version"] as Int) cannot be read: \(error)")
        }
        return PublishedSite(
            spec: spec, contentHash: row["content_hash"], sourceFile: row["source_file"],
            publishedAt: Timestamp.parse(row["published_at"]) ?? Date(timeIntervalSince1970: 0),
            publishedBy: Actor(id: row["published_by"], role: row["published_role"]))
    }

    /// The latest published version of every protocol.
    static func latestSpecs(_ db: Database, cache: WriterCache? = nil) throws -> [ProtocolSpec] {
        let rows = try Row.fetchAll(
            db, sql: "SELECT protocol_id, max(version) AS version FROM protocol_version GROUP BY protocol_id")
        return try rows.map { try Registry.spec($0["protocol_id"], version: $0["version"], db, cache: cache).spec }
    }
}
