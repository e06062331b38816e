import ArgumentParser

/// The root `qflow` command.
public struct QFlowCommand: ParsableCommand {
    /// Describes the command tree.
    public static let configuration = CommandConfiguration(
        commandName: "qflow",
        abstract: "QualityFlow: hospital process protocols, case checklists and quality statistics.",
        version: "0.1.0",
        subcommands: [
            DemoCommand.self, InitCommand.self, ProtocolCommand.self, SiteCommand.self, CaseCommand.self,
            RunVerbsCommand.self, OverdueCommand.self,
            QueueCommand.self, EscalateCommand.self,
            CohortCommand.self, CompareCommand.self, MeasureCommand.self, ReportCommand.self,
            UserCommand.self, ServeCommand.self, VerifyCommand.self, RebuildCommand.self,
            BackupCommand.self, ArchiveCommand.self, StatsCommand.self, DebugCommand.self,
        ]
    )

    /// Creates the command (used by ArgumentParser).
    public init() {}
}
