import ArgumentParser
import Foundation
import QFlowEngine

extension QFlowCommand {
    /// What the root did with one command line: the exit code and the text it wrote for it.
    ///
    /// `stdout` holds ArgumentParser's help and version text; `stderr` the error lines (a `CodedError` through
    /// ``ErrorReport``, anything else as ArgumentParser words it). What a command prints itself goes to the
    /// process's own standard output and error.
    public struct Outcome: Sendable, Hashable {
        /// The exit code.
        public var exitCode: Int32
        /// Help or version text, if that was asked for.
        public var stdout: String
        /// The error lines, if the command line failed.
        public var stderr: String
    }

    /// Parses and runs a command line in this process, turning every error into an exit code and its lines.
    ///
    ///     let outcome = QFlowCommand.run(["run", "list", "--db", "missing.sqlite"])
    ///     // outcome.exitCode == 1, outcome.stderr starts with "error: "
    public static func run(_ arguments: [String]) -> Outcome {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            return outcome(of: error)
        }
        do {
            try command.run()
            return Outcome(exitCode: 0, stdout: "", stderr: "")
        } catch {
            return outcome(of: error)
        }
    }

    /// The outcome of an error: a `CodedError` by its kind, anything else (usage errors, `ExitCode`, help requests)
    /// as ArgumentParser reports it, with the value typed left out.
    public static func outcome(of error: any Error) -> Outcome {
        if let error = error as? any CodedError {
            let report = ErrorReport(error)
            return Outcome(exitCode: report.exitCode, stdout: "", stderr: report.text)
        }
        let code = exitCode(for: error).rawValue
        let text = withoutValue(fullMessage(for: error))
        guard !text.isEmpty else { return Outcome(exitCode: code, stdout: "", stderr: "") }
        if code == ExitCode.success.rawValue { return Outcome(exitCode: code, stdout: text + "\n", stderr: "") }
        return Outcome(exitCode: code, stdout: "", stderr: text + "\n")
    }

    /// ArgumentParser's message without the values it quotes (`The value 'X' is invalid for '--fact <fact>'`,
    /// `Unexpected argument 'X'`): what was typed may hold patient data, and the message names the option anyway.
    static func withoutValue(_ message: String) -> String {
        message
            .replacing(#/The value '[^\n]*' is invalid/#, with: "The value given is invalid")
            .replacing(#/Unexpected argument '[^\n]*'/#, with: "An unexpected argument was given (not repeated here)")
            .replacing(#/([0-9]+) unexpected arguments: '[^\n]*'/#) { "\($0.1) unexpected arguments were given" }
            .replacing(#/but '[^\n]*' was specified/#, with: "but a value was given")
    }

    /// Runs `qflow` with the process's arguments and exits with the outcome's code.
    public static func main() {
        main(nil)
    }

    /// Runs `qflow` with these arguments (the process's when nil) and exits with the outcome's code.
    public static func main(_ arguments: [String]?) -> Never {
        let outcome = run(arguments ?? Array(CommandLine.arguments.dropFirst()))
        FileHandle.standardOutput.write(Data(outcome.stdout.utf8))
        FileHandle.standardError.write(Data(outcome.stderr.utf8))
        Foundation.exit(outcome.exitCode)
    }
}
