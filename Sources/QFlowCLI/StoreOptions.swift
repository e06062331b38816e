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
            throw CLIError(
                "--at: '\(at.prefix(40))' is not a time; write ISO-8601 with a zone, e.g. 2026-03-01T08:30:00+08:00")
        }
        return date
    }
}

/// `FILE:LINE: field: message` (without the parts a problem does not have).
func problemLine(_ file: String, _ problem: StoreError.Problem) -> String {
    var out = file
    if let line = problem.line { out += ":\(line)" }
    out += ": "
    if let field = problem.field { out += "\(field): " }
    return out + problem.message
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
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Runs a command body and turns store errors into one line on stderr and a distinct exit code.
///
/// An error that carries problems (a refused schedule or case) prints each first: as `FILE:LINE: column: message`
/// when `file` names the input, else as `  field: message` after the error line.
/// Exit codes: 1 refused or invalid, 3 conflict (reload and retry), 4 database problem.
func reporting(file: String? = nil, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as StoreError {
        if let file {
            for problem in error.problems {
                printError(problemLine(file, problem))
            }
            printError("error: \(error.message)")
        } else {
            printError("error: \(error.message)")
            if error.problems.count > 1 { for problem in error.problems { printError("  \(problem)") } }
        }
        switch error.code {
        case .conflict: throw ExitCode(3)
        case .database, .corrupt: throw ExitCode(4)
        default: throw ExitCode(1)
        }
    } catch let error as EngineError {
        printError("error: \(error.message)")
        throw ExitCode(1)
    } catch let error as CLIError {
        printError("error: \(error.message)")
        throw ExitCode(1)
    }
}
