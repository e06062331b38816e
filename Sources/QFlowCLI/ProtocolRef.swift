import ArgumentParser
import QFlowEngine

/// A protocol named on the command line: `ID` (the latest version) or `ID@VERSION`.
///
///     ProtocolRef(argument: "surgical_counts@3")  // id "surgical_counts", version 3
///     ProtocolRef(argument: "surgical_counts@x")  // nil: ArgumentParser refuses it, naming the argument
struct ProtocolRef: ExpressibleByArgument, Hashable, Sendable, CustomStringConvertible {
    /// The protocol's id.
    var id: String
    /// The version asked for, or nil for the latest.
    var version: Int?

    /// Reads `ID` or `ID@VERSION` (a version is a whole number from 1).
    init?(argument: String) {
        let parts = argument.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        guard let id = parts.first, !id.isEmpty else { return nil }
        if parts.count == 2 {
            guard let version = Int(parts[1]), version >= 1 else { return nil }
            self.version = version
        }
        self.id = String(id)
    }

    /// `ID` or `ID@VERSION`.
    var description: String { version.map { "\(id)@\($0)" } ?? id }

    /// Whether a definition is this protocol (at this version, when one is given).
    func matches(_ spec: ProtocolSpec) -> Bool {
        spec.id == id && (version == nil || spec.version == version)
    }
}
