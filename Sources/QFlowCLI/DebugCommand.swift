import ArgumentParser
import Foundation
import QFlowEngine
import QFlowStore
import Synchronization

/// `qflow debug …`: tools for reliability tests and benchmarks (not shown in help).
struct DebugCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug", abstract: "Tools for reliability tests and benchmarks.", shouldDisplay: false,
        subcommands: [RecordLoop.self])

    /// Records answers to one count item as fast as possible, printing `ack EVENT_ID` after each durable commit.
    struct RecordLoop: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "record-loop",
            abstract: "Record answers as fast as possible; print each acknowledged event id.")

        @OptionGroup var database: DatabaseOptions
        @Option(name: .customLong("run"), help: "Runs to record into (one writer thread per run; repeatable).")
        var runs: [String]
        @Option(help: "A count item of those runs.") var item: String
        @Option(help: "Answers per run (0: until killed).") var count = 0
        @Option(help: "Seconds to wait for the database before giving up.") var busyTimeout: Double = 60

        func run() throws {
            let store = try Store.open(path: database.resolvedPath, busyTimeout: busyTimeout)
            let output = NSLock()
            let failures = Failures()
            let done = DispatchGroup()
            for runId in runs {
                done.enter()
                Thread {
                    defer { done.leave() }
                    let actor = Actor(id: "loop", role: "circulating_nurse", workstation: "debug")
                    var n = 0
                    while count == 0 || n < count {
                        do {
                            let result = try store.perform(
                                ActionRequest(
                                    .command(runId: runId, .record(item: item, value: .count(n))), by: actor,
                                    at: Date()))
                            let lines = result.events.map { "ack \($0.id)\n" }.joined()
                            output.lock()
                            FileHandle.standardOutput.write(Data(lines.utf8))
                            output.unlock()
                        } catch {
                            failures.add("\(runId): \(error)")
                            return
                        }
                        n += 1
                    }
                }.start()
            }
            done.wait()
            if let first = failures.first { throw CLIError(first) }
        }
    }
}

/// Thread-safe first-failure holder.
final class Failures: Sendable {
    private let messages = Mutex<[String]>([])

    func add(_ message: String) { messages.withLock { $0.append(message) } }

    var first: String? { messages.withLock { $0.first } }
}
