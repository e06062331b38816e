import Foundation
import QFlowEngine

/// The engine benchmark: the 30-item checklist of `../shared/bench/checklist30.bpmn` (one exclusive 3-item branch
/// after item 12), run to completion `instances` times in memory, beside SpiffWorkflow on the same checklist.
enum EngineBench {
    static func checklist() -> ProtocolSpec {
        func text(_ s: String) -> LocalizedText { LocalizedText(zh: s, en: s) }
        var main: [ItemSpec] = []
        for i in 1...30 {
            main.append(ItemSpec(id: "task_\(i)", title: text("Task \(i)"), type: .check, critical: i % 5 == 0))
            if i == 12 {
                for b in 1...3 {
                    main.append(
                        ItemSpec(
                            id: "infection_\(b)", title: text("Infection step \(b)"), type: .check,
                            showIf: try! RuleExpression(parsing: "task_12")))
                }
            }
        }
        return ProtocolSpec(
            id: "checklist30", version: 1, title: text("Checklist 30"), kind: .core, subject: "surgical-case",
            roles: [RoleSpec(id: "nurse", title: text("Nurse"))],
            phases: [
                PhaseSpec(id: "pre", title: text("Pre"), items: Array(main[..<12])),
                PhaseSpec(id: "intra", title: text("Intra"), items: Array(main[12..<24])),
                PhaseSpec(id: "post", title: text("Post"), items: Array(main[24...])),
            ])
    }

    /// Runs the checklist; returns microseconds per recorded answer and the number of answers.
    static func run(instances: Int) throws -> (usPerAnswer: Double, answers: Int) {
        let spec = checklist()
        let hash = spec.contentHash
        // The answers a nurse gives, in order: the item and whether it is on the infection branch.
        let items = spec.items.map { ($0.id, $0.showIf != nil) }
        let actor = Actor(id: "n1", role: "nurse", workstation: "ws")
        let t0 = Date(timeIntervalSince1970: 1_772_000_000)
        var answers = 0
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for i in 0..<instances {
                let infection = i % 2 == 0
                let context = CommandContext(actor: actor, at: t0)
                // The run kept in memory from one answer to the next, as SpiffWorkflow keeps its workflow.
                var sheet = RunSheet(
                    tracking: spec,
                    state: try RunState.fold(
                        Engine.start(spec, runId: "r\(i)", subjectId: "s\(i)", context: context, specHash: hash)))
                for (id, branch) in items {
                    if branch && !infection { continue }
                    let value = AnswerValue.check(id == "task_12" ? infection : true)
                    for event in try Engine.execute(.record(item: id, value: value), on: sheet, context: context) {
                        try sheet.apply(event)
                    }
                    answers += 1
                }
                for event in try Engine.execute(.complete, on: sheet, context: context) {
                    try sheet.apply(event)
                }
                precondition(sheet.state.status == .completed, "benchmark run did not complete")
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (seconds * 1e6 / Double(answers), answers)
    }
}

/// Runs a peer script from `../shared/bench` and returns its standard output, or nil with the reason printed.
func runPeer(_ arguments: [String], python: Bool = false) -> String? {
    let bench = Peers.benchDirectory
    guard let shared = Peers.sharedBench else {
        print("  peer skipped: ../shared/bench is not present on this machine")
        return nil
    }
    // Make sure the peers' venv and C programs exist (run-peers.sh setup is idempotent and quick when done).
    if !FileManager.default.isExecutableFile(atPath: bench + "/venv/bin/python") {
        print("  setting up peers (once per machine)…")
        _ = Peers.shell([shared + "/run-peers.sh", "setup"])
    }
    let command = python ? [bench + "/venv/bin/python"] + arguments : arguments
    guard let output = Peers.shell(command) else {
        print("  peer failed: \(command.joined(separator: " "))")
        return nil
    }
    return output
}

/// Where the peer programs live.
enum Peers {
    static let benchDirectory = ProcessInfo.processInfo.environment["BENCH_DIR"] ?? "/tmp/qflow-peers"

    static var sharedBench: String? {
        let fromSource = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/bench").path
        let candidates = [FileManager.default.currentDirectoryPath + "/../shared/bench", fromSource]
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/run-peers.sh") }
    }

    static func shell(_ command: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }
}
