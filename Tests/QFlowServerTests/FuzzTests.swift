import Foundation
import QFlowServer
import QFlowStore
import Testing

/// Schemathesis (PyPI, in the venv `make test` prepares) fuzzes the API from its own OpenAPI document: no request
/// may make the server fail, and every response must be one the document describes, with its schema.
@Suite("The API against its description", .serialized)
struct FuzzTests {
    static var schemathesis: String {
        if let python = ProcessInfo.processInfo.environment["QFLOW_PYTHON"] {
            return URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent("schemathesis").path
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/pyenv/bin/schemathesis").path
    }

    /// Runs Schemathesis with a bearer token on the operations that match, and returns its exit code and output.
    static func fuzz(_ server: LiveServer, token: String, _ filters: [String]) async throws -> (Int32, String) {
        // The description is read here (Schemathesis gives its own download ten seconds, which a loaded test
        // machine can exceed) and handed over as a file.
        let schema = server.directory.appendingPathComponent("openapi.json")
        let (data, _) = try await server.http.data(
            from: URL(string: "http://127.0.0.1:\(server.port)/api/v1/openapi.json")!)
        try data.write(to: schema)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: schemathesis)
        process.arguments =
            [
                "run", schema.path, "--url", "http://127.0.0.1:\(server.port)", "-H", "Authorization: Bearer \(token)",
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
                "--max-examples", "25", "--seed", "20261202", "--workers", "1", "--request-timeout", "60",
                // The rest of the suite runs beside it on two cores: a slow answer is not a wrong one.
                "--no-color",
            ] + filters
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-fuzz-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        process.currentDirectoryURL = server.directory
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }

    @Test func fuzzedRequestsNeverFailTheServerAndEveryResponseIsDocumented() async throws {
        #expect(
            FileManager.default.isExecutableFile(atPath: Self.schemathesis),
            "no Schemathesis at \(Self.schemathesis): run `make test` (it prepares .build/pyenv)")
        // Fuzzed sign-ins and unlocks fail by the hundred from one address: the throttle (tested on its own) would
        // answer 429 to the test's own sign-ins.
        let server = try await LiveServer(throttle: .init(perClient: 100_000, perAccount: 100_000))
        // A head nurse reaches every clinical route; signing out would end the token, so DELETE is left out
        // (its own tests cover it).
        let (head, _) = try await server.signIn("h-1", role: "head_nurse")
        // Unlocking with fuzzed passwords would lock the account (that is the lock's job): fuzzed last, alone.
        // One exclusion pattern (two exclusion options would have to match together to exclude anything).
        let clinical = try await Self.fuzz(
            server, token: head, ["--exclude-name-regex", "^(DELETE /api/v1/sessions|POST /api/v1/sessions/unlock)$"])
        #expect(clinical.0 == 0, "\(clinical.1.suffix(6000))")
        // The administrator's routes, with an administrator's token.
        let (admin, _) = try await server.signIn("a-1", role: "administrator")
        let accounts = try await Self.fuzz(server, token: admin, ["--include-path-regex", "users|protocols"])
        #expect(accounts.0 == 0, "\(accounts.1.suffix(6000))")
        let (nurse, _) = try await server.signIn("n-1", role: "circulating_nurse")
        let unlock = try await Self.fuzz(server, token: nurse, ["--include-path-regex", "unlock"])
        #expect(unlock.0 == 0, "\(unlock.1.suffix(6000))")
        // The run is still intact: fuzzing goes through the engine like any workstation.
        let verified = try server.store.verify()
        #expect(verified.problems.isEmpty && verified.firstBrokenEvent == nil, "\(verified.problems)")
    }
}
