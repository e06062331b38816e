import ArgumentParser
import Foundation
import QFlowEngine
import QFlowStore

/// `--db PATH`: which database file (default `$QFLOW_DB`, else `./qflow.sqlite`).
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "Database file (default: $QFLOW_DB, else ./qflow.sqlite).")
    var path: String?

    /// The file to use.
    var resolvedPath: String { path ?? Store.defaultPath }

    /// Opens the database; only `qflow init` creates one.
    func open(create: Bool = false) throws -> Store {
        try Store.open(path: resolvedPath, create: create)
    }
}

/// Who is acting: `--user`, `--role`, `--workstation` (or `QFLOW_USER`, `QFLOW_ROLE`, `QFLOW_WORKSTATION`).
struct ActorOptions: ParsableArguments {
    @Option(help: "Your staff id (default: $QFLOW_USER).")
    var user: String?

    @Option(help: "The role you act in, e.g. circulating_nurse (default: $QFLOW_ROLE).")
    var role: String?

    @Option(help: "This workstation's name (default: $QFLOW_WORKSTATION, else the host name).")
    var workstation: String?

    @Option(help: "When it happened, ISO-8601 with a zone (default: now), for entering a paper record later.")
    var at: String?

    /// The actor, or a clear error saying how to give one.
    func actor() throws -> Actor {
        let env = ProcessInfo.processInfo.environment
        guard let user = user ?? env["QFLOW_USER"], !user.isEmpty,
            let role = role ?? env["QFLOW_ROLE"], !role.isEmpty
        else {
            throw CLIError("who is acting? pass --user ID --role ROLE (or set QFLOW_USER and QFLOW_ROLE)")
        }
        let station = workstation ?? env["QFLOW_WORKSTATION"] ?? ProcessInfo.processInfo.hostName
        return Actor(id: user, role: role, workstation: station.isEmpty ? nil : station)
    }

    /// The time of the action.
    func time() throws -> Date {
        guard let at else { return Date() }
        guard let date = Timestamp.parse(at) else {
            throw CLIError("--at: not a time; write ISO-8601 with a zone, e.g. 2026-03-01T08:30:00+08:00")
        }
        return date
    }
}

/// `--format text|json`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

/// Prints a value as pretty, key-sorted JSON.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .timestamp
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
