import Foundation
import QFlowEngine
import Testing

@testable import QFlowProtocolFile

/// The site file's `archive` section: read, checked, and located when wrong.
@Suite("Site files: the archive section")
struct SiteArchiveTests {
    static let archive = """
        archive:
          fonds: A014
          classes:
            - { code: WS, title: { zh: 文书, en: Documents }, retention: Y, roles: [archivist] }
            - { code: ZP, title: { zh: 照片, en: Photographs }, retention: D30, roles: [archivist, quality_manager] }

        """

    func load(_ archive: String) -> SiteFile.LoadResult {
        SiteFile.load(bytes: Array((validSiteYAML + archive).utf8), file: "site.yaml", library: SiteFileTests.library)
    }

    @Test func aValidSectionIsRead() throws {
        let result = load(Self.archive)
        #expect(result.isValid, "\(result.diagnostics)")
        let archive = try #require(result.spec?.archive)
        #expect(archive.fonds == "A014")
        #expect(archive.classes.map(\.code) == ["WS", "ZP"])
        #expect(archive.recordClass("ZP")?.retention == .thirtyYears)
        #expect(archive.recordClass("ZP")?.roles == ["archivist", "quality_manager"])
    }

    @Test func aSiteWithoutTheSectionKeepsItsContentHash() throws {
        // Adding the optional key to the type must not change the hash of sites published before it existed.
        let spec = try #require(SiteFile.load(bytes: Array(validSiteYAML.utf8), file: "site.yaml").spec)
        #expect(spec.archive == nil)
        #expect(!String(decoding: CanonicalJSON.encode(spec), as: UTF8.self).contains("archive"))
    }

    @Test(arguments: [
        ("retention: Y", "retention: D20", 26, "unknown retention period 'D20'"),
        ("fonds: A014", "fonds: a-14", 24, "a fonds number is 1–16 upper-case letters or digits"),
        ("code: ZP", "code: WS", 27, "duplicate class code 'WS'"),
        ("roles: [archivist, quality_manager]", "roles: []", 27, "name at least one role"),
        ("roles: [archivist]", "roles: [Archivist]", 26, "a role is an id like archivist"),
    ])
    func problemsAreLocated(_ old: String, _ new: String, _ line: Int, _ message: String) {
        let text = Self.archive.replacingOccurrences(of: old, with: new)
        #expect(text != Self.archive)
        let result = load(text)
        #expect(!result.isValid)
        let lines: [Int] = result.diagnostics.filter { $0.message.contains(message) }.map(\.line)
        #expect(lines == [line], "\(result.diagnostics)")
    }
}
