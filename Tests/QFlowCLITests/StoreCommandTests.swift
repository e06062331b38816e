import Foundation
import GRDB
import Testing

/// A scratch folder with two small protocols and a database path; every command gets `--db`.
final class Workspace: Sendable {
    let directory: URL
    var db: String { directory.appendingPathComponent("qflow.sqlite").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-cli-\(UUID().uuidString)")
        let protocols = directory.appendingPathComponent("Protocols")
        try FileManager.default.createDirectory(at: protocols, withIntermediateDirectories: true)
        try Self.counts.write(to: protocols.appendingPathComponent("counts.yaml"), atomically: true, encoding: .utf8)
        try Self.search.write(to: protocols.appendingPathComponent("search.yaml"), atomically: true, encoding: .utf8)
        try expectOK(["init"])
        try expectOK(["protocol", "publish", protocols.path])
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    static let counts = """
        id: counts
        version: 1
        title: { zh: 清点, en: Counts }
        kind: core
        subject: surgical-case
        subject_fields: { scheduled_start: time }
        roles:
          - { id: circulating_nurse, title: { zh: 巡回护士, en: Circulating nurse } }
          - { id: scrub_nurse, title: { zh: 洗手护士, en: Scrub nurse } }
        phases:
          - id: before
            title: { zh: 术前, en: Before }
            items:
              - id: base
                title: { zh: 术前清点, en: Baseline }
                type: count
                critical: true
                pass_if: base >= 0
                deadline: { before: PT0M, of: subject.scheduled_start, escalate_to: circulating_nurse }
              - { id: note, title: { zh: 备注, en: Note }, type: text, required: false }
          - id: after
            title: { zh: 术后, en: After }
            items:
              - { id: final, title: { zh: 关闭前清点, en: Final }, type: count, critical: true, pass_if: final == base }
              - id: signed
                title: { zh: 签名, en: Signed }
                type: signature
                signers: [scrub_nurse, circulating_nurse]
        triggers:
          - { id: mismatch, protocol: search, when: final != base, title: { zh: 清点不符, en: Count mismatch } }

        """

    static let search = """
        id: search
        version: 1
        title: { zh: 查找, en: Search }
        kind: auxiliary
        subject: surgical-case
        roles:
          - { id: circulating_nurse, title: { zh: 巡回护士, en: Circulating nurse } }
        phases:
          - id: only
            title: { zh: 查找, en: Search }
            items:
              - { id: searched, title: { zh: 已查找, en: Searched }, type: check, critical: true }

        """

    /// Runs qflow against this workspace's database as the circulating nurse (unless `as` says otherwise).
    @discardableResult
    func qflow(_ arguments: [String], as role: String = "circulating_nurse") throws -> QFlow.Result {
        let writes =
            ["run", "case", "site"].contains(arguments.first ?? "") && arguments.count > 1
            && !["show", "list", "validate"].contains(arguments[1])
        let actor = writes ? ["--user", "n-\(role.prefix(4))", "--role", role] : []
        return try QFlow.run(arguments + ["--db", db] + actor, in: directory)
    }

    @discardableResult
    func expectOK(_ arguments: [String], as role: String = "circulating_nurse") throws -> String {
        let result = try qflow(arguments, as: role)
        #expect(result.status == 0, "qflow \(arguments.joined(separator: " ")): \(result.stderr)")
        return result.stdout
    }

    func addCase(_ id: String) throws {
        try expectOK(["case", "add", id, "--room", "OR3", "--scheduled-start", "2026-03-02T08:00:00+08:00"])
    }
}

@Suite("qflow store commands")
struct StoreCommandTests {
    @Test func everyVerbWorksEndToEnd() throws {
        let ws = try Workspace()
        try ws.addCase("C-1")
        #expect(try ws.expectOK(["run", "start", "counts", "--case", "C-1"]).hasPrefix("R000001 #1 active"))
        try ws.expectOK(["run", "record", "R000001", "base", "12"])
        try ws.expectOK(["run", "return", "R000001", "--reason", "tray recounted"])
        try ws.expectOK(["run", "record", "R000001", "base", "14"])
        try ws.expectOK(["run", "jump", "R000001", "final", "--reason", "no note"])
        try ws.expectOK(["run", "suspend", "R000001", "--reason", "patient to CT"])
        try ws.expectOK(["run", "resume", "R000001", "--reason", "back"])
        try ws.expectOK(["run", "record", "R000001", "final", "14"])
        try ws.expectOK(["run", "sign", "R000001", "signed"], as: "scrub_nurse")
        try ws.expectOK(["run", "sign", "R000001", "signed"])
        try ws.expectOK(["run", "complete", "R000001"])
        let shown = try ws.expectOK(["run", "show", "R000001", "--history"])
        #expect(shown.contains("completed"))
        #expect(shown.contains("skipped: no note"))
        #expect(shown.contains("jumped to final"))
        let json = try ws.expectOK(["run", "show", "R000001", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect((object?["run"] as? [String: Any])?["status"] as? String == "completed")
        try ws.expectOK(["run", "restart", "R000001", "--reason", "second attempt for the audit"])
        try ws.expectOK(["run", "stop", "R000002", "--reason", "not needed"])
        #expect(try ws.expectOK(["run", "list"]).contains("R000002  counts@1  C-1  stopped"))
        #expect(try ws.expectOK(["case", "show", "C-1"]).contains("R000001"))
        #expect(try ws.expectOK(["verify"]).hasPrefix("ok: "))
        #expect(try ws.expectOK(["rebuild"]).contains("2 runs"))
        let backup = ws.directory.appendingPathComponent("backup.sqlite").path
        #expect(try ws.expectOK(["backup", backup]).contains("verifies"))
        #expect(try QFlow.run(["verify", "--db", backup]).status == 0)
    }

    @Test func migrateHasADryRunAndMovesTheRun() throws {
        let ws = try Workspace()
        try ws.addCase("C-1")
        try ws.expectOK(["run", "start", "counts", "--case", "C-1"])
        try ws.expectOK(["run", "record", "R000001", "base", "12"])
        let v2 = Workspace.counts.replacingOccurrences(of: "version: 1", with: "version: 2")
            .replacingOccurrences(of: "id: note", with: "id: remarks")
        let file = ws.directory.appendingPathComponent("counts-v2.yaml")
        try v2.write(to: file, atomically: true, encoding: .utf8)
        try ws.expectOK([
            "protocol", "publish", file.path, ws.directory.appendingPathComponent("Protocols/search.yaml").path,
        ])
        let plan = try ws.expectOK(["run", "migrate", "R000001", "--dry-run"])
        #expect(plan.contains("counts@1 → counts@2"))
        #expect(plan.contains("carried  base"))
        #expect(try ws.expectOK(["run", "show", "R000001"]).contains("counts@1"))
        try ws.expectOK(["run", "migrate", "R000001", "--reason", "new version"])
        #expect(try ws.expectOK(["run", "show", "R000001"]).contains("counts@2"))
        let changed = v2.replacingOccurrences(of: "en: Final", with: "en: Final count")
        try changed.write(to: file, atomically: true, encoding: .utf8)
        let refused = try ws.qflow([
            "protocol", "publish", file.path, ws.directory.appendingPathComponent("Protocols/search.yaml").path,
        ])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("never changes"))
    }

    @Test func refusedCommandsExplainAndChangeNothing() throws {
        let ws = try Workspace()
        try ws.addCase("C-1")
        try ws.expectOK(["run", "start", "counts", "--case", "C-1"])
        let cases: [([String], String)] = [
            (["run", "record", "R000001", "base", "twelve"], "'base' is a count"),
            (["run", "record", "R000001", "bse", "12"], "did you mean 'base'"),
            (["run", "record", "R000001", "final", "12"], "finish phase 'before' first"),
            (["run", "complete", "R000001"], "base"),
            (["run", "stop", "R000001"], "stop needs a reason"),
            (["run", "record", "R000404", "base", "1"], "no run R000404"),
            (["run", "start", "nothing", "--case", "C-1"], "no published protocol 'nothing'"),
        ]
        for (arguments, message) in cases {
            let result = try ws.qflow(arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        }
        let noActor = try QFlow.run(["run", "record", "R000001", "base", "1", "--db", ws.db])
        #expect(noActor.status == 1)
        #expect(noActor.stderr.contains("--user"))
        #expect(try ws.expectOK(["run", "show", "R000001", "--format", "json"]).contains("\"lastSeq\" : 1"))
        let missing = try QFlow.run(["run", "list", "--db", ws.directory.appendingPathComponent("none.sqlite").path])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("qflow init"))
    }

    @Test func overdueListsOpenItemsPastTheirDeadline() throws {
        let ws = try Workspace()
        try ws.addCase("C-1")
        try ws.expectOK(["run", "start", "counts", "--case", "C-1"])
        #expect(try ws.expectOK(["overdue", "--at", "2026-03-02T07:59:00+08:00"]).contains("nothing overdue"))
        let late = try ws.expectOK(["overdue", "--at", "2026-03-02T08:01:00+08:00"])
        #expect(late.contains("R000001  C-1  OR3  counts/base  → circulating_nurse"))
    }

    @Test func twoWritersOnTheSameRunOneWinsTheOtherGetsAConflict() throws {
        let ws = try Workspace()
        try ws.addCase("C-1")
        try ws.expectOK(["run", "start", "counts", "--case", "C-1"])
        // Both workstations loaded the run at #1 and answer at the same moment.
        let results = try [("12", "n-a"), ("13", "n-b")].concurrentMap { value, user in
            try QFlow.run(
                [
                    "run", "record", "R000001", "base", value, "--expect-seq", "1", "--db", ws.db, "--user", user,
                    "--role", "circulating_nurse",
                ])
        }
        #expect(results.map(\.status).sorted() == [0, 3], "\(results.map(\.stderr))")
        let loser = try #require(results.first { $0.status == 3 })
        #expect(loser.stderr.contains("changed since you loaded it"))
        #expect(try ws.expectOK(["verify"]).hasPrefix("ok: 2 events"))
    }

    @Test func severalProcessesRecordAtOnceWithoutLockErrors() throws {
        let ws = try Workspace()
        for n in 1...4 {
            try ws.addCase("C-\(n)")
            try ws.expectOK(["run", "start", "counts", "--case", "C-\(n)"])
        }
        let results = try (1...4).map { "R00000\($0)" }.concurrentMap { run in
            try QFlow.run(["debug", "record-loop", "--db", ws.db, "--run", run, "--item", "base", "--count", "40"])
        }
        for result in results {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!result.stderr.contains("locked"))
            #expect(result.stdout.split(separator: "\n").count == 40)
        }
        #expect(try ws.expectOK(["verify"]).hasPrefix("ok: 164 events in 4 runs"))
    }

    @Test(arguments: [0.15, 0.4, 0.9])
    func everyAcknowledgedEventSurvivesSIGKILL(after seconds: Double) throws {
        let ws = try Workspace()
        for n in 1...3 {
            try ws.addCase("C-\(n)")
            try ws.expectOK(["run", "start", "counts", "--case", "C-\(n)"])
        }
        let process = Process()
        process.executableURL = QFlow.binary
        process.arguments = [
            "debug", "record-loop", "--db", ws.db, "--run", "R000001", "--run", "R000002", "--run", "R000003",
            "--item", "base",
        ]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Let it write, then kill it at a moment that varies from run to run.
        Thread.sleep(forTimeInterval: seconds + Double.random(in: 0...0.3))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let acknowledged = printed.split(separator: "\n").filter { $0.hasPrefix("ack ") && !$0.hasSuffix(" ") }
            .compactMap { Int64($0.dropFirst(4)) }
        #expect(!acknowledged.isEmpty, "the writer acknowledged nothing before it was killed")

        let queue = try DatabaseQueue(path: ws.db)
        let (integrity, present) = try queue.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA integrity_check"),
                Set(try Int64.fetchAll(db, sql: "SELECT id FROM event"))
            )
        }
        try queue.close()
        #expect(integrity == "ok")
        let lost = acknowledged.filter { !present.contains($0) }
        #expect(lost.isEmpty, "acknowledged but lost: \(lost.prefix(10))")
        let verify = try ws.qflow(["verify"])
        #expect(verify.status == 0, "\(verify.stdout)")
    }

    @Test func changingOneStoredByteIsFoundByVerify() throws {
        let ws = try Workspace()
        try ws.addCase("C-1")
        try ws.expectOK(["run", "start", "counts", "--case", "C-1"])
        try ws.expectOK(["run", "record", "R000001", "base", "12"])
        try ws.expectOK(["run", "record", "R000001", "note", "all present"])
        // Change one byte of the second event's payload, as someone with the file and the sqlite3 C API could.
        let queue = try DatabaseQueue(path: ws.db)
        try queue.write { db in
            let payload = try #require(try String.fetchOne(db, sql: "SELECT payload FROM event WHERE id = 2"))
            var bytes = Array(payload.utf8)
            let index = try #require(bytes.firstIndex(of: UInt8(ascii: "2")))
            bytes[index] = UInt8(ascii: "3")
            try db.execute(
                sql: "UPDATE event SET payload = ? WHERE id = 2", arguments: [String(decoding: bytes, as: UTF8.self)])
        }
        try queue.close()
        let result = try ws.qflow(["verify"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("first broken event: 2"))
        #expect(result.stdout.contains("event 2: hash does not match"))
    }
}

extension Array where Element: Sendable {
    /// Maps on one thread per element, all started together.
    func concurrentMap<T: Sendable>(_ transform: @escaping @Sendable (Element) throws -> T) throws -> [T] {
        let results = ResultBox<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { i in
            results.set(i, Result { try transform(self[i]) })
        }
        return try results.values.map { try $0!.get() }
    }
}

final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<T, any Error>?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: Result<T, any Error>) {
        lock.lock()
        storage[i] = value
        lock.unlock()
    }
    var values: [Result<T, any Error>?] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}
