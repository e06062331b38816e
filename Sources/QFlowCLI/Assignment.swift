import ArgumentParser

/// A `NAME=VALUE` pair typed on the command line: a subject fact (`--fact implant=true`) or an item rename
/// (`--map old=new`). The name must not be empty; the value may be, and may hold `=`.
struct Assignment: ExpressibleByArgument, Hashable, Sendable {
    /// The part before the first `=`.
    var name: String
    /// The part after it.
    var value: String

    /// Reads `NAME=VALUE`; nil without an `=` or with an empty name.
    init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return nil }
        name = String(parts[0])
        value = String(parts[1])
    }

    /// The pairs as a dictionary (the last one wins for a name given twice).
    static func dictionary(_ pairs: [Assignment]) -> [String: String] {
        Dictionary(pairs.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}
