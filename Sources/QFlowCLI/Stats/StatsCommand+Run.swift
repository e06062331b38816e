import ArgumentParser
import Foundation
import QFlowStats

extension StatsCommand {
    /// `qflow stats run --input FILE.json`: the machine contract.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer a JSON array of statistics requests; print a JSON array of results in the same order.",
            discussion: """
                Each request: {"id": …, "test": "proportions" | "contingency" | "mcnemar" | "welch" |
                "mann_whitney" | "pchart" | "power_proportions" | "power_mcnemar" |
                "power_welch" | "its", …inputs}. A malformed request gets {"id": …, "error": "…"} and the
                others are still answered; malformed JSON is one error line on stderr and exit code 1.
                Undefined values are null.
                """)

        @Option(name: .long, help: ArgumentHelp("The requests file; - reads standard input.", valueName: "file"))
        var input: String

        func validate() throws {
            if input != "-" && !FileManager.default.isReadableFile(atPath: input) {
                throw ValidationError("cannot read the input file \(input)")
            }
        }

        func run() throws {
            let data: Data
            if input == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let contents = FileManager.default.contents(atPath: input) else {
                    throw CLIError("cannot read the input file \(input)", kind: .io)
                }
                data = contents
            }
            let output = try StatsContract.run(data)
            FileHandle.standardOutput.write(output)
        }
    }
}
