import ArgumentParser
import Foundation
import QFlowEngine

/// A one-line error for people at a terminal about the command line itself (an option, a file named in it); the
/// CLI's root prints it and exits with its kind's code.
struct CLIError: CodedError {
    /// What kind of failure (`invalid_input` unless said otherwise).
    let kind: ErrorKind
    /// What went wrong and why, naming the option or the file, never the value typed.
    let message: String

    init(_ message: String, kind: ErrorKind = .invalidInput) {
        self.kind = kind
        self.message = message
    }

    var codeText: String { kind.rawValue }
    var description: String { message }
}

/// Writes a line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
