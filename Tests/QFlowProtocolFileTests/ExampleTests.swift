import Foundation
import QFlowEngine
import Testing

@testable import QFlowProtocolFile

/// The example protocols of `Examples/` (the seed's processes outside the hospital library), each with a worked run
/// `Examples/ID.run.yaml` beside it.
enum ExampleFixture {
    static let directory = LibraryFixture.root.appendingPathComponent("Examples")

    static let library: ProtocolLibraryLoader.LoadResult = ProtocolLibraryLoader.load(paths: [directory.path])

    static var specs: [String: ProtocolSpec] {
        Dictionary(library.specs.map { ($0.id, $0) }, uniquingKeysWith: { $0.version >= $1.version ? $0 : $1 })
    }

    static func run(for id: String) throws -> WorkedRun {
        try WorkedRun.load(path: directory.appendingPathComponent("\(id).run.yaml").path)
    }
}

@Suite("Example protocols")
struct ExampleTests {
    @Test func everyExampleValidates() {
        let library = ExampleFixture.library
        #expect(library.isValid, "\(library.diagnostics.map(\.description).joined(separator: "\n"))")
        #expect(ExampleFixture.specs["electronic_archive"] != nil)
    }

    @Test func everyExampleHasAWorkedRun() throws {
        let runs = try FileManager.default.contentsOfDirectory(atPath: ExampleFixture.directory.path)
            .filter { $0.hasSuffix(".run.yaml") }.map { String($0.dropLast(9)) }
        #expect(Set(ExampleFixture.specs.keys).subtracting(runs).sorted() == [])
        #expect(Set(runs).subtracting(ExampleFixture.specs.keys).sorted() == [])
    }

    @Test func theArchiveFollowsTheSevenProcessesOfTheSeed() throws {
        let spec = try #require(ExampleFixture.specs["electronic_archive"])
        #expect(spec.subject == "archive-record")
        #expect(
            spec.phases.map(\.title.zh) == [
                "电子档案形成", "电子档案收集", "档案鉴定", "纸质档案数字化处理", "编研出版", "公布前筛选", "数据库备份维护",
            ])
        #expect(Set(spec.subjectFields.map(\.name)) == ["record_class", "record_year", "org_code"])
        #expect(spec.items.allSatisfy { $0.source?.isEmpty == false }, "every item cites its source")
    }

    @Test(arguments: ExampleFixture.specs.keys.sorted())
    func theWorkedRunCompletes(_ id: String) throws {
        let spec = try #require(ExampleFixture.specs[id])
        let run = try ExampleFixture.run(for: id)
        let played = try LibraryFixture.play(spec, steps: run.steps, subject: run.subject ?? [:], start: run.start)
        #expect(played.refused.isEmpty, "\(played.refused.map { "\($0.0): \($0.1)" })")
        #expect(played.sheet.completionBlockers.isEmpty, "\(played.sheet.completionBlockers)")
        for item in spec.items where played.sheet.status(of: item) == .answered {
            if case .fail(let why)? = played.sheet.outcome(of: item) {
                Issue.record("\(id): '\(item.id)' fails in the worked run: \(why)")
            }
        }
        let context = CommandContext(
            actor: LibraryRunTests.owner(spec), at: played.lastTime, subject: played.sheet.subject)
        var state = played.state
        for event in try Engine.execute(.complete, spec: spec, state: played.state, context: context) {
            try state.apply(event)
        }
        #expect(state.status == .completed)
    }

    @Test(arguments: ExampleFixture.specs.keys.sorted())
    func everyCriticalItemBlocksCompletionWhenItFails(_ id: String) throws {
        try LibraryRunTests.criticalItemsBlockCompletion(
            id, spec: try #require(ExampleFixture.specs[id]), run: try ExampleFixture.run(for: id))
    }

    @Test func aClosedRecordCannotBePublished() throws {
        let spec = try #require(ExampleFixture.specs["electronic_archive"])
        let run = try ExampleFixture.run(for: "electronic_archive")
        let (steps, subject) = run.applying(try #require(run.failures?["ar.screen.decision"]))
        let played = try LibraryFixture.play(spec, steps: steps, subject: subject, start: run.start)
        let decision = try #require(spec.items.first { $0.id == "ar.screen.decision" })
        guard case .fail? = played.sheet.outcome(of: decision) else {
            Issue.record(
                "publishing a closed record must fail: \(String(describing: played.sheet.outcome(of: decision)))")
            return
        }
    }
}
