import ArgumentParser

/// The root `qflow` command.
public struct QFlowCommand: ParsableCommand {
    /// Describes the command tree.
    public static let configuration = CommandConfiguration(
        commandName: "qflow",
        abstract: "QualityFlow: hospital process protocols, case checklists and quality statistics.",
        version: "0.1.0",
        subcommands: [ProtocolCommand.self, StatsCommand.self]
    )

    /// Creates the command (used by ArgumentParser).
    public init() {}
}
