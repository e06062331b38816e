import ArgumentParser
import Foundation
import QFlowServer
import QFlowStore

/// `qflow serve`: the workstation server.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the workstation pages and JSON API (see /api/v1/openapi.json) over the database.",
        discussion: """
            Add users first with qflow user add. Build in release mode for serving (passwords hash slowly).
            Serve HTTPS with --tls-cert and --tls-key, or put a TLS-terminating proxy in front and pass
            --behind-proxy (README: "Serving a hospital").
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port (0 picks a free one).") var port = 8080
    @Option(help: "Report definitions offered for download on the quality page.") var reports = "Reports"
    @Option(help: "PEM file of the server's certificate chain (HTTPS; needs --tls-key).") var tlsCert: String?
    @Option(help: "PEM file of the server's private key.") var tlsKey: String?
    @Flag(help: "A TLS-terminating reverse proxy is in front: trust X-Forwarded-For and X-Forwarded-Proto.")
    var behindProxy = false
    @Option(help: "Minutes a session may stay unused before it ends (a shared workstation).") var idleMinutes = 30

    func validate() throws {
        guard (tlsCert == nil) == (tlsKey == nil) else {
            throw ValidationError("give both --tls-cert and --tls-key, or neither")
        }
        guard (1...720).contains(idleMinutes) else { throw ValidationError("--idle-minutes is 1 to 720") }
    }

    func run() throws {
        var policy = SignInPolicy()
        policy.idleTimeout = TimeInterval(idleMinutes * 60)
        let transport = WorkstationServer.Transport(
            tls: tlsCert.flatMap { cert in tlsKey.map { (cert, $0) } }, behindProxy: behindProxy)
        let server = WorkstationServer(
            store: try database.open(), policy: policy,
            reports: FileManager.default.fileExists(atPath: reports) ? reports : nil, transport: transport)
        let done = DispatchSemaphore(value: 0)
        let failure = Failures()
        let host = self.host
        let port = self.port
        let scheme = transport.tls == nil ? "http" : "https"
        Task {
            do {
                try await server.run(host: host, port: port) { bound in
                    print("serving \(scheme)://\(host):\(bound) (API: /api/v1, description: /api/v1/openapi.json)")
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
