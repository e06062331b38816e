import Foundation
import QFlowEngine
import QFlowServer
import QFlowStore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `qflow serve` on loopback with many concurrent workstations recording answers through the API.
enum ServeBench {
    static func run(workstations: Int, answersEach: Int) async throws {
        print(
            "== serve: \(workstations) concurrent workstations recording answers through POST /api/v1/runs/ID/actions")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-serve-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store.open(path: directory.appendingPathComponent("s.sqlite").path, create: true)
        try store.markAsTestDatabase()
        let now = Date()
        try store.publish(StoreBench.spec, at: now)
        var policy = SignInPolicy()
        policy.iterations = 1_000  // sign-in cost is not what this measures
        var runs: [String] = []
        for w in 0..<workstations {
            try store.addSubject(Subject(id: "C-\(w)", kind: "surgical-case", room: "OR\(w % 50 + 1)"), at: now)
            runs.append(
                try store.perform(
                    ActionRequest(
                        .start(protocolId: StoreBench.spec.id, subjectId: "C-\(w)"), by: Actor(id: "s", role: "nurse"),
                        at: now)
                ).runId)
            try store.addUser(
                id: "n-\(w)", name: "Nurse \(w)", roles: ["nurse"], password: "password \(w)", policy: policy, at: now)
        }
        let server = WorkstationServer(store: store, policy: policy)
        let ready = AsyncStream<Int>.makeStream()
        let serving = Task { try? await server.run(host: "127.0.0.1", port: 0) { ready.continuation.yield($0) } }
        var port = 0
        for await bound in ready.stream {
            port = bound
            break
        }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = workstations
        let session = URLSession(configuration: configuration)
        let client = Client(session: session, port: port)
        let post = client.post
        var tokens: [String] = []
        for w in 0..<workstations {
            let (_, json) = try await post(
                "/api/v1/sessions",
                ["user": "n-\(w)", "password": "password \(w)", "role": "nurse", "workstation": "WS\(w)"],
                nil)
            tokens.append(json["token"] as? String ?? "")
        }
        let runIds = runs
        let tokenList = tokens
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk") {
            try runWrk(port: port, runs: runIds, token: tokenList[0], connections: workstations, directory: directory)
            serving.cancel()
            return
        }
        print("  (wrk is not installed: measuring with an in-process URLSession client, which shares the 2 cores)")
        let start = DispatchTime.now().uptimeNanoseconds
        let results = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
            for w in 0..<workstations {
                group.addTask {
                    var latencies: [Double] = []
                    var errors = 0
                    var seq = 1
                    for i in 0..<answersEach {
                        let t = DispatchTime.now().uptimeNanoseconds
                        let (status, json) = try await post(
                            "/api/v1/runs/\(runIds[w])/actions",
                            ["verb": "record", "item": "chk.\(i % 30 + 1)", "value": "yes", "expected_seq": seq],
                            tokenList[w])
                        latencies.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6)
                        if status == 200, let next = json["seq"] as? Int { seq = next } else { errors += 1 }
                    }
                    return (latencies, errors)
                }
            }
            var all: ([Double], Int) = ([], 0)
            for try await (latencies, errors) in group {
                all.0 += latencies
                all.1 += errors
            }
            return all
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        serving.cancel()
        let sorted = results.0.sorted()
        let p50 = sorted[sorted.count / 2]
        let p99 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
        print(
            String(
                format:
                    "  %d answers in %.2f s: %.0f answers/s, p50 %.2f ms, p99 %.2f ms, "
                    + "%d error responses (target: p99 < 50 ms, no errors)",
                sorted.count, seconds, Double(sorted.count) / seconds, p50, p99, results.1))
    }
}

extension ServeBench {
    /// wrk (Debian) as the load generator: `connections` workstations posting answers to their runs for 10 s.
    static func runWrk(port: Int, runs: [String], token: String, connections: Int, directory: URL) throws {
        let script = directory.appendingPathComponent("post.lua")
        let runList = runs.map { "\"\($0)\"" }.joined(separator: ",")
        try """
        local runs = {\(runList)}
        local counter = 0
        request = function()
          counter = counter + 1
          local run = runs[(counter % #runs) + 1]
          local body = '{"verb":"record","item":"chk.' .. ((counter % 30) + 1) .. '","value":"yes"}'
          return wrk.format("POST", "/api/v1/runs/" .. run .. "/actions",
            {["Authorization"] = "Bearer \(token)", ["Content-Type"] = "application/json"}, body)
        end
        """.write(to: script, atomically: true, encoding: .utf8)
        guard
            let output = Peers.shell([
                "/usr/bin/wrk", "-t2", "-c\(connections)", "-d10s", "--latency", "-s", script.path,
                "http://127.0.0.1:\(port)/",
            ])
        else { throw CLIBenchError(message: "wrk failed") }
        func value(_ label: String) -> String {
            output.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) }
                .map {
                    $0.trimmingCharacters(in: .whitespaces).dropFirst(label.count).trimmingCharacters(in: .whitespaces)
                } ?? "?"
        }
        let errors = value("Non-2xx or 3xx responses:")
        print(
            "  wrk, \(connections) connections, 10 s: \(value("Requests/sec:")) answers/s, "
                + "p50 \(value("50%")), p99 \(value("99%")), "
                + "\(errors == "?" ? "0" : errors) error responses, "
                + "\(value("Socket errors:") == "?" ? "no" : value("Socket errors:")) socket errors"
                + " (target: p99 < 50 ms, no errors)")
    }
}

/// A loopback HTTP client for the server benchmark.
struct Client: Sendable {
    let session: URLSession
    let port: Int

    @Sendable func post(_ path: String, _ body: [String: Any], _ token: String?) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await session.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (status, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }
}
