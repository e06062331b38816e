import ArgumentParser
import Foundation
import QFlowBPMN
import QFlowEngine
import QFlowStore
import Testing

@testable import QFlowCLI

/// Command lines parsed in this process: the typed options, the one error map, and `--help` against golden files.
@Suite("qflow in-process")
struct InProcessTests {
    @Test(arguments: [
        ["run", "start", "counts", "--case", "C-1"],
        ["run", "start", "counts@2", "--case", "C-1"],
        ["run", "migrate", "R000001", "--map", "old=new", "--map", "a=b=c", "--reason", "v2"],
        ["run", "list", "--status", "suspended"],
        ["case", "add", "C-1", "--fact", "implant=true", "--fact", "note="],
        ["cohort", "add", "q1", "--fact", "emergency=false"],
        ["protocol", "show", "surgical_counts@3", "--lang", "zh"],
        ["stats", "proportions", "229/233", "221/233", "--lang", "zh"],
        ["compare", "item:sat.overall", "--cohort", "a", "--cohort", "b", "--over", "month", "--design", "its"],
        ["measure", "compliance", "--by", "item, month"],
    ])
    func validCommandLinesParse(arguments: [String]) throws {
        _ = try QFlowCommand.parseAsRoot(arguments)
    }

    @Test func typedOptionsCarryTheirParts() throws {
        let start = try #require(
            try QFlowCommand.parseAsRoot(["run", "start", "counts@2", "--case", "C-1"]) as? RunVerbsCommand.Start)
        #expect(start.protocolRef == ProtocolRef(argument: "counts@2"))
        #expect(start.protocolRef.id == "counts" && start.protocolRef.version == 2)
        let migrate = try #require(
            try QFlowCommand.parseAsRoot(["run", "migrate", "R1", "--map", "a=b=c"]) as? RunVerbsCommand.Migrate)
        #expect(migrate.maps.map(\.name) == ["a"] && migrate.maps.map(\.value) == ["b=c"])
        let list = try #require(
            try QFlowCommand.parseAsRoot(["run", "list", "--status", "stopped"]) as? RunVerbsCommand.List)
        #expect(list.status == .stopped)
        let show = try #require(try QFlowCommand.parseAsRoot(["protocol", "show", "x"]) as? ProtocolCommand.Show)
        #expect(show.lang == .en && show.id.version == nil)
        let stats = try #require(
            try QFlowCommand.parseAsRoot(["stats", "mcnemar", "4", "1", "--lang", "zh"]) as? StatsCommand.McNemar)
        #expect(stats.output.lang == .zh)
        let measure = try #require(
            try QFlowCommand.parseAsRoot(["measure", "compliance"]) as? MeasureCommand.Compliance)
        #expect(measure.by.dimensions == [.protocol])
    }

    /// Bad values are refused by ArgumentParser naming the option, with the usage exit code, never quoting the value.
    @Test(arguments: [
        (["run", "start", "counts@x", "--case", "C-1"], "<protocol>", "counts@x"),
        (["run", "start", "@3", "--case", "C-1"], "<protocol>", "@3"),
        (["run", "migrate", "R000001", "--map", "P-9f3a"], "--map", "P-9f3a"),
        (["run", "list", "--status", "open"], "--status", "open"),
        (["protocol", "show", "surgical_counts", "--lang", "fr"], "--lang", "fr"),
        (["stats", "mcnemar", "4", "1", "--lang", "fr"], "--lang", "fr"),
        (["case", "add", "C-1", "--fact", "=Zhang"], "--fact", "=Zhang"),
        (["cohort", "add", "q1", "--fact", "emergency"], "--fact", "emergency"),
        (["compare", "item:x", "--over", "week"], "--over", "week"),
        (["measure", "compliance", "--by", "item,weekday"], "--by", "weekday"),
        (["run", "show", "R000001", "Zhang San"], "unexpected argument", "Zhang San"),
        (["run", "show", "R000001", "Zhang", "San"], "unexpected arguments", "Zhang"),
    ])
    func badValuesAreRefusedNamingTheOption(arguments: [String], option: String, value: String) {
        #expect(throws: (any Error).self) { try QFlowCommand.parseAsRoot(arguments) }
        let outcome = QFlowCommand.run(arguments)
        #expect(outcome.exitCode == ExitCode.validationFailure.rawValue, "\(outcome)")
        #expect(outcome.stderr.contains(option), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("'\(value)'"), "\(outcome.stderr)")
        #expect(outcome.stdout.isEmpty)
    }

    /// Checks across options are made by `validate()`, before anything runs.
    @Test(
        arguments: [
            (["run", "migrate", "R1", "--map", "a=b", "--map", "a=c"], "--map renames item 'a' twice", 64),
            (["run", "complete", "R1", "--reason", "late"], "--reason goes with --deviation", 64),
            (
                ["compare", "item:x", "--cohort", "a", "--cohort", "b", "--design", "its"], "--design its needs --over",
                64
            ),
            (["report", "run", "Reports/study.yaml", "--out", "x.xlsx", "--pdf-data"], "--pdf-data needs --pdf", 64),
            (["report", "run", "Reports/study.yaml", "--out", "x.csv"], "must end in .xlsx", 64),
        ] as [([String], String, Int32)])
    func crossOptionChecksRefuseBeforeRunning(arguments: [String], message: String, exitCode: Int32) {
        #expect(throws: (any Error).self) { try QFlowCommand.parseAsRoot(arguments) }
        let outcome = QFlowCommand.run(arguments)
        #expect(outcome.exitCode == exitCode, "\(outcome)")
        #expect(outcome.stderr.contains(message), "\(outcome.stderr)")
        // A check across options is a usage error, as ArgumentParser reports them: the message and the usage.
        #expect(outcome.stderr.contains("Usage:"), "\(outcome.stderr)")
    }

    @Test(arguments: ErrorKind.allCases)
    func eachKindHasOneExitCode(kind: ErrorKind) {
        let expected: Int32 =
            switch kind {
            case .conflict: 3
            case .database, .corrupt: 4
            default: 1
            }
        #expect(ErrorReport.exitCode(for: kind) == expected)
        let report = ErrorReport(CLIError("x", kind: kind))
        #expect(report.exitCode == expected && report.lines == ["error: x"])
    }

    @Test func storeProblemsArePrintedByFileLineOrByField() {
        let problems = [
            StoreError.Problem(line: 2, field: "room", message: "not one of the site's rooms"),
            StoreError.Problem(line: 3, field: "scheduled_start", message: "not a time"),
        ]
        var error = StoreError("2 problems in 2 lines; nothing was imported", problems: problems)
        #expect(
            ErrorReport(error).lines == [
                "error: 2 problems in 2 lines; nothing was imported", "  2: room: not one of the site's rooms",
                "  3: scheduled_start: not a time",
            ])
        error.file = "day.csv"
        #expect(
            ErrorReport(error).lines == [
                "day.csv:2: room: not one of the site's rooms", "day.csv:3: scheduled_start: not a time",
                "error: 2 problems in 2 lines; nothing was imported",
            ])
        #expect(ErrorReport(error).exitCode == 1)
        let single = StoreError("room: not one of the site's rooms", problems: [problems[0]])
        #expect(ErrorReport(single).lines == ["error: room: not one of the site's rooms"])
        #expect(ErrorReport(StoreError(.conflict, "changed since you loaded it")).exitCode == 3)
        #expect(ErrorReport(StoreError(.corrupt, "not a QualityFlow database")).exitCode == 4)
    }

    @Test func bpmnProblemsArePrintedByPosition() {
        let error = BPMNError(.unsupported, file: "a.bpmn", line: 68, column: 5, "parallelGateway 'G' is not supported")
        #expect(
            ErrorReport(error).lines == [
                "a.bpmn:68:5: parallelGateway 'G' is not supported", "error: nothing was imported",
            ])
    }

    @Test func errorsThrownByACommandGoThroughTheMap() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-none-\(UUID()).sqlite")
        let outcome = QFlowCommand.run(["run", "list", "--db", missing.path])
        #expect(outcome.exitCode == 1)
        #expect(outcome.stderr.hasPrefix("error: ") && outcome.stderr.contains("qflow init"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: missing.path))
    }

    @Test func helpAndVersionGoToStandardOutputAndSucceed() {
        let help = QFlowCommand.run(["run", "start", "--help"])
        #expect(help.exitCode == 0 && help.stderr.isEmpty)
        #expect(help.stdout.contains("USAGE: qflow run start <protocol>"), "\(help.stdout)")
        let version = QFlowCommand.run(["--version"])
        #expect(version.exitCode == 0 && version.stdout == "0.1.0\n")
    }

    @Test func argumentParserMessagesLoseTheValue() {
        #expect(
            QFlowCommand.withoutValue("Error: The value 'Li Na' is invalid for '--fact <fact>'\nUsage: x")
                == "Error: The value given is invalid for '--fact <fact>'\nUsage: x")
        #expect(
            QFlowCommand.withoutValue("Error: Missing expected argument '--case <case>'")
                == "Error: Missing expected argument '--case <case>'")
    }
}

/// `--help` of every command compared with `Golden/qflow-….txt`; `QFLOW_UPDATE_GOLDEN=1` rewrites the files.
@Suite("qflow --help")
struct HelpGoldenTests {
    /// Every command by its path (`qflow`, `qflow run`, `qflow run start`, …), hidden ones included.
    static let commands: [String: any ParsableCommand.Type] = {
        var out: [String: any ParsableCommand.Type] = [:]
        func walk(_ type: any ParsableCommand.Type, _ path: [String]) {
            let here = path + [type._commandName]
            out[here.joined(separator: " ")] = type
            for sub in type.configuration.subcommands { walk(sub, here) }
        }
        walk(QFlowCommand.self, [])
        return out
    }()

    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    @Test(arguments: commands.keys.sorted())
    func helpMatchesTheGoldenFile(command: String) throws {
        let type = try #require(Self.commands[command])
        let help = QFlowCommand.helpMessage(for: type, includeHidden: false, columns: 100) + "\n"
        let file = Self.golden.appendingPathComponent(command.replacingOccurrences(of: " ", with: "-") + ".txt")
        if ProcessInfo.processInfo.environment["QFLOW_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.golden, withIntermediateDirectories: true)
            try help.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(help == expected, "\(file.lastPathComponent) differs; rerun with QFLOW_UPDATE_GOLDEN=1 to accept")
    }

    @Test func everyGoldenFileNamesACommand() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.golden.path).filter {
            $0.hasSuffix(".txt")
        }
        let expected = Self.commands.keys.map { $0.replacingOccurrences(of: " ", with: "-") + ".txt" }
        #expect(Set(files) == Set(expected))
    }
}
