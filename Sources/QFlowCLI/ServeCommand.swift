import ArgumentParser
import Foundation
import QFlowServer
import QFlowStore

/// `qflow serve`: the workstation server.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the workstation JSON API (see /api/v1/openapi.json) over the database.",
        discussion: "Add users first with qflow user add. Build in release mode for serving (passwords hash slowly).")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port (0 picks a free one).") var port = 8080
    @Option(help: "Report definitions offered for download on the quality page.") var reports = "Reports"

    func run() throws {
        try reporting {
            let server = WorkstationServer(
                store: try database.open(), reports: FileManager.default.fileExists(atPath: reports) ? reports : nil)
            let done = DispatchSemaphore(value: 0)
            let failure = Failures()
            let host = self.host
            let port = self.port
            Task {
                do {
                    try await server.run(host: host, port: port) { bound in
                        print("serving http://\(host):\(bound) (API: /api/v1, description: /api/v1/openapi.json)")
                        fflush(nil)
                    }
                } catch {
                    failure.add("\(error)")
                }
                done.signal()
            }
            done.wait()
            if let message = failure.first { throw CLIError("serve: \(message)") }
        }
    }
}
