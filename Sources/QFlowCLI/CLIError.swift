import ArgumentParser
import Foundation

/// A one-line error for people at a terminal; the CLI prints it and exits non-zero.
struct CLIError: Error, CustomStringConvertible {
    /// What went wrong and why.
    let message: String

    init(_ message: String) {
        self.message = message
    }

    var description: String { message }
}

/// Writes a line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
