import Foundation
import QFlowEngine
import QFlowProtocolFile
import QFlowStore

/// A training and benchmark hospital: a year of generated cases (``ScaleHospital``), the site file published with
/// the requested number of rooms, and demo accounts, in a database marked as a test database.
///
/// The year's history is loaded directly (each case's circulating-nurse run and patient survey, produced by the
/// engine); the site is published afterwards, so cases added later through intake get the site's bundles.
///
/// ```swift
/// let built = try HospitalSandbox.build(
///     store: store, protocols: "Protocols", siteFile: "Site/site.yaml", cases: 3_600)
/// ```
public enum HospitalSandbox {
    /// The password of every demo account (a test database only).
    public static let password = "sandbox-password"

    /// The demo accounts: id, name and roles.
    public static let accounts: [(id: String, name: String, roles: [String])] = [
        ("admin", "Sandbox administrator", ["administrator"]),
        ("hn-01", "Head nurse (sandbox)", ["head_nurse"]),
        ("cn-01", "Circulating nurse (sandbox)", ["circulating_nurse"]),
        ("sn-01", "Scrub nurse (sandbox)", ["scrub_nurse"]),
        ("od-01", "On-duty nurse (sandbox)", ["on_duty_nurse"]),
        ("dr-01", "Surgeon (sandbox)", ["surgeon"]),
        ("ln-01", "Linen staff (sandbox)", ["linen_staff"]),
        ("qm-01", "Quality manager (sandbox)", ["quality_manager"]),
    ]

    /// What was built.
    public struct Result: Sendable {
        /// The generated year.
        public var scale: ScaleHospital.Result
        /// The site published.
        public var site: SiteSpec
    }

    /// Why a sandbox cannot be built.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    /// Builds the sandbox into an empty database: `cases` cases over 2025 in `rooms` rooms (`OR1`…), the site
    /// file (`siteFile`, else a minimal site in Asia/Shanghai) published with those rooms, and ``accounts``.
    public static func build(
        store: Store, protocols: String, siteFile: String?, cases: Int, rooms: Int = 50, seed: UInt64 = 7,
        progress: (String) -> Void = { _ in }
    ) throws -> Result {
        try store.markAsTestDatabase()
        let scale = try ScaleHospital.build(
            store: store, protocols: protocols, cases: cases, rooms: rooms, seed: seed, progress: progress)
        var site: SiteSpec
        if let siteFile {
            let loaded = SiteFile.load(path: siteFile)
            guard loaded.isValid, let spec = loaded.spec else {
                throw Failure(description: loaded.diagnostics.map(\.description).joined(separator: "\n"))
            }
            site = spec
        } else {
            site = SiteSpec(
                id: "sandbox", version: 1, name: LocalizedText(zh: "培训医院", en: "Training hospital"),
                timeZone: "Asia/Shanghai", rooms: [], linenParameterSet: .wst508)
        }
        site.rooms = (1...max(1, rooms)).map {
            SitePlace(id: "OR\($0)", title: LocalizedText(zh: "\($0)号手术间", en: "Operating room \($0)"))
        }
        let admin = Actor(id: "admin", role: "administrator", workstation: "sandbox")
        let epoch = Date(timeIntervalSince1970: 1_735_689_600)
        try store.publishSite(site, sourceFile: siteFile, by: admin, at: epoch)
        var policy = SignInPolicy()
        policy.iterations = 10_000
        for account in accounts {
            try store.addUser(
                id: account.id, name: account.name, roles: account.roles, password: password, policy: policy,
                by: admin.id, at: epoch)
        }
        return Result(scale: scale, site: site)
    }
}
