import Foundation
import QFlowEngine
import Testing

@testable import QFlowProtocolFile

/// A small valid site file; each bad case below changes one line of it.
let validSiteYAML = """
    site: test_site
    version: 2
    name: { zh: 测试医院, en: Test hospital }
    time_zone: Asia/Shanghai
    linen_parameter_set: htm0104
    idle_lock_minutes: 10
    rooms:
      - { id: OR1, title: { zh: 1号, en: Room 1 } }
      - { id: OR2, title: { zh: 2号, en: Room 2 } }
    laundry_lines:
      - { id: L1, title: { zh: 洗涤线1, en: Line 1 } }
    bundles:
      - id: surgical_case
        subject: surgical-case
        title: { zh: 核心, en: Core }
        protocols: [or_circulating_nurse, surgical_counts]
      - id: surgical_case_auxiliary
        subject: surgical-case
        title: { zh: 辅助, en: Auxiliary }
        protocols:
          - { protocol: special_infection, when: subject.special_infection }
          - { protocol: specimen_submission, when: "subject.specimen_expected and not subject.emergency" }

    """

@Suite("Site files")
struct SiteFileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let library = ProtocolLibraryLoader.load(paths: [root.appendingPathComponent("Protocols").path]).specs

    func load(_ text: String, library: [ProtocolSpec]? = SiteFileTests.library) -> SiteFile.LoadResult {
        SiteFile.load(bytes: Array(text.utf8), file: "site.yaml", library: library)
    }

    @Test func theShippedSiteFileIsValidAgainstTheShippedProtocols() throws {
        #expect(!Self.library.isEmpty)
        let result = SiteFile.load(path: Self.root.appendingPathComponent("Site/site.yaml").path, library: Self.library)
        #expect(result.isValid, "\(result.diagnostics)")
        let spec = try #require(result.spec)
        #expect(spec.timeZone == "Asia/Shanghai")
        #expect(spec.rooms.count == 12)
        let core = try #require(spec.bundles.first { $0.id == "surgical_case" })
        #expect(
            core.protocols.map(\.protocolId) == [
                "or_circulating_nurse", "or_scrub_nurse", "surgical_counts", "patient_satisfaction",
            ])
        #expect(
            spec.bundles(for: "linen-batch").flatMap(\.protocols).map(\.protocolId) == [
                "linen_isolation", "linen_thermal_wash",
            ])
        // The on-duty nurse's once-a-shift duties run per shift, not per case.
        #expect(spec.bundles(for: "shift").flatMap(\.protocols).map(\.protocolId) == ["or_shift_handover"])
    }

    @Test func aValidFileReadsEveryField() throws {
        let result = load(validSiteYAML)
        #expect(result.isValid, "\(result.diagnostics)")
        let spec = try #require(result.spec)
        #expect(spec.id == "test_site")
        #expect(spec.version == 2)
        #expect(spec.linenParameterSet == .htm0104)
        #expect(spec.idleLockMinutes == 10)
        #expect(spec.sessionHours == 12)  // the default
        #expect(spec.laundryLines.map(\.id) == ["L1"])
        #expect(spec.bundles[1].protocols[1].when?.source == "subject.specimen_expected and not subject.emergency")
    }

    /// (the line to replace, its replacement, the expected `LINE:COLUMN: message` prefix or fragment).
    static let badCases: [(String, String, String)] = [
        (
            "idle_lock_minutes: 10", "idle_lok_minutes: 10",
            "6:1: unknown key 'idle_lok_minutes' in the site file (did you mean 'idle_lock_minutes'?)"
        ),
        (
            "  - { id: OR2, title: { zh: 2号, en: Room 2 } }", "  - { id: OR1, title: { zh: 2号, en: Room 2 } }",
            "9:11: duplicate room id 'OR1'"
        ),
        (
            "  - { id: L1, title: { zh: 洗涤线1, en: Line 1 } }", "  - { id: OR2, title: { zh: 洗涤线1, en: Line 1 } }",
            "11:11: duplicate laundry line id 'OR2' (already a room)"
        ),
        ("time_zone: Asia/Shanghai", "time_zone: Asia/Shangai", "4:12: unknown time zone 'Asia/Shangai'"),
        (
            "linen_parameter_set: htm0104", "linen_parameter_set: htm01-04",
            "5:22: unknown linen parameter set 'htm01-04' (did you mean 'htm0104'?)"
        ),
        (
            "protocols: [or_circulating_nurse, surgical_counts]", "protocols: [or_circulating_nurse, surgical_count]",
            "16:39: no protocol 'surgical_count' in the library (did you mean 'surgical_counts'?)"
        ),
        (
            "protocols: [or_circulating_nurse, surgical_counts]", "protocols: [or_circulating_nurse, linen_isolation]",
            "16:39: protocol 'linen_isolation' runs on linen-batch subjects, not surgical-case"
        ),
        (
            "when: subject.special_infection }", "when: subject.special_infection and }",
            "21:75: when: expected a value but found end of expression"
        ),
        (
            "when: subject.special_infection }", "when: subject.special_infektion }",
            "21:46: no protocol for surgical-case subjects declares the fact 'special_infektion' (did you mean "
                + "'special_infection'?)"
        ),
        (
            "when: subject.special_infection }", "when: special_infection }",
            "21:46: a bundle condition reads subject facts only: write subject.special_infection"
        ),
        (
            "when: subject.special_infection }", "when: subject.scheduled_start }",
            "21:46: a condition must be true or false"
        ),
        ("idle_lock_minutes: 10", "idle_lock_minutes: 90", "6:20: idle_lock_minutes must be from 1 to 60"),
        ("version: 2", "version: two", "2:10: version must be a whole number"),
        (
            "subject: surgical-case\n    title: { zh: 核心", "subject: surgery\n    title: { zh: 核心",
            "14:14: no protocol in the library runs on 'surgery' subjects"
        ),
    ]

    @Test(arguments: badCases)
    func eachProblemIsLocatedByLineAndColumn(_ line: String, _ replacement: String, _ expected: String) throws {
        #expect(validSiteYAML.contains(line), "the test's line is not in the file")
        let result = load(validSiteYAML.replacingOccurrences(of: line, with: replacement))
        #expect(!result.isValid)
        let printed = result.diagnostics.map(\.description)
        let position = String(expected.prefix(while: { $0 != " " }))
        let fragment = String(expected.dropFirst(position.count + 1))
        #expect(printed.contains { $0.hasPrefix("site.yaml:" + position + " ") && $0.contains(fragment) }, "\(printed)")
    }

    @Test func withoutALibraryOnlyTheFileItselfIsChecked() {
        let text = validSiteYAML.replacingOccurrences(of: "surgical_counts]", with: "no_such_protocol]")
        #expect(load(text, library: nil).isValid)
        #expect(!load(text).isValid)
    }

    @Test func anEmptyOrNonYAMLFileIsRefusedWithAPosition() {
        #expect(load("").diagnostics.first?.description.hasPrefix("site.yaml:1:1: the file is empty") == true)
        let anchors = load("site: &a x\nversion: *a\n")
        #expect(anchors.diagnostics.first?.message.contains("anchors") == true)
        let bad = SiteFile.load(bytes: [0x73, 0x69, 0xFF, 0x0A], file: "site.yaml")
        #expect(bad.diagnostics.first?.message.contains("UTF-8") == true)
    }

    @Test func bundleConditionsHoldOnlyWhenTheirFactsAreKnownAndTrue() throws {
        let spec = try #require(load(validSiteYAML).spec)
        let auxiliary = spec.bundles[1]
        let infected = SubjectFacts(["special_infection": .bool(true), "specimen_expected": .bool(false)])
        #expect(auxiliary.entries(for: infected).map(\.protocolId) == ["special_infection"])
        let specimen = SubjectFacts(["specimen_expected": .bool(true), "emergency": .bool(false)])
        #expect(auxiliary.entries(for: specimen).map(\.protocolId) == ["specimen_submission"])
        // An unknown fact is not a yes: nothing starts.
        #expect(auxiliary.entries(for: SubjectFacts(["specimen_expected": .bool(true)])).isEmpty)
        #expect(spec.bundles[0].entries(for: SubjectFacts()).count == 2)
    }
}
