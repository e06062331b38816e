import Foundation
import QFlowDemo
import QFlowEngine
import QFlowServer
import QFlowStore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The workstation at a year's data: p50/p99 of the pages and list endpoints a hospital opens all day, on databases
/// of 3,600, 36,000 and 180,000 cases built by `ScaleHospital` (the generator behind `qflow demo --hospital`).
///
/// The three are one 50-room hospital's data after a week, ten weeks and a year: 493 cases a day
/// (``ScaleHospital/yearPerDay``), so that "today" holds the same cases on every size and only the history grows.
/// Each database is built once by a child process (`--scale-build`) and kept in the temporary folder. The server's
/// clock is set to 10:00 on the middle day of the database's span.
/// Requests are sent one at a time from this process (the latency of one workstation, not throughput).
enum WorkstationBench {
    /// One measured route.
    struct Measured {
        var name: String
        var p50: Double
        var p99: Double
        var bytes: Int
    }

    static func run(sizes: [Int], requests: Int) async throws {
        print(
            "== workstation at scale: p50/p99 of pages and lists "
                + "(target: p99 ≤ 50 ms at 180,000 cases, ≤ 2× the 3,600 figure)"
        )
        var table: [Int: [Measured]] = [:]
        for cases in sizes {
            let path = try ScaleBench.ensure(cases: cases, perDay: ScaleHospital.yearPerDay)
            table[cases] = try await measure(path: path, cases: cases, requests: requests)
        }
        guard let smallest = sizes.min(), let base = table[smallest] else { return }
        for cases in sizes.sorted() {
            for (index, m) in (table[cases] ?? []).enumerated() {
                let ratio = m.p99 / max(base[index].p99, 0.001)
                print(
                    String(
                        format:
                            "  %7d cases  %-34@ p50 %6.2f ms  p99 %6.2f ms  %7d bytes  p99 %.2f× the %d-case figure",
                        cases, m.name as NSString, m.p50, m.p99, m.bytes, ratio, smallest))
            }
        }
    }

    static func measure(path: String, cases: Int, requests: Int) async throws -> [Measured] {
        // A copy, so that the users added here never change the cached build.
        let copy = path + ".workstation.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy + suffix) }
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy + suffix) } }
        let store = try Store.open(path: copy)
        try store.markAsTestDatabase()
        var policy = SignInPolicy()
        policy.iterations = 1_000  // sign-in cost is not what this measures
        let now = Date()
        for (id, role) in [("n-1", "circulating_nurse"), ("h-1", "head_nurse")] {
            try store.addUser(id: id, name: id, roles: [role], password: "password \(id)", policy: policy, at: now)
        }
        // 10:00 in the hospital's zone on the middle day of the span: the day's cases are on the pages.
        let middle = cases / ScaleHospital.yearPerDay / 2
        let clock = Timestamp.parse("2025-01-01T10:00:00+08:00")!.addingTimeInterval(TimeInterval(middle) * 86_400)
        let day = String(Timestamp.format(clock.addingTimeInterval(8 * 3600)).prefix(10))
        let server = WorkstationServer(
            store: store, policy: policy,
            site: SiteSettings(timeZone: TimeZone(identifier: "Asia/Shanghai")!), clock: { clock })
        let ready = AsyncStream<Int>.makeStream()
        let serving = Task { try? await server.run(host: "127.0.0.1", port: 0) { ready.continuation.yield($0) } }
        defer { serving.cancel() }
        var port = 0
        for await bound in ready.stream {
            port = bound
            break
        }
        let session = URLSession(configuration: .ephemeral)
        func signIn(_ user: String, _ role: String) async throws -> String {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/sessions")!)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(#"{"user":"\#(user)","password":"password \#(user)","role":"\#(role)"}"#.utf8)
            let (data, _) = try await session.data(for: request)
            let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            guard let token = json?["token"] as? String else { throw CLIBenchError(message: "sign-in failed") }
            return token
        }
        let nurse = try await signIn("n-1", "circulating_nurse")
        let head = try await signIn("h-1", "head_nurse")
        let run =
            try store.cases(
                CaseQuery(
                    kind: "surgical-case", from: clock.addingTimeInterval(-10 * 3600),
                    to: clock.addingTimeInterval(14 * 3600), limit: 1),
                at: clock
            ).rows.first?.runs.first?.id ?? "H0000001"
        let routes: [(String, String, String)] = [
            ("home page (circulating nurse)", "/", nurse),
            ("board (head nurse, whole day)", "/board", head),
            ("GET /api/v1/cases?date=", "/api/v1/cases?date=\(day)", nurse),
            ("run page", "/runs/\(run)", nurse),
        ]
        var out: [Measured] = []
        for (name, path, token) in routes {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            var latencies: [Double] = []
            var bytes = 0
            for i in 0..<(requests + 10) {
                let t = DispatchTime.now().uptimeNanoseconds
                let (data, response) = try await session.data(for: request)
                let ms = Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6
                guard (response as? HTTPURLResponse)?.statusCode == 200 else {
                    throw CLIBenchError(message: "\(path) answered \((response as? HTTPURLResponse)?.statusCode ?? 0)")
                }
                if i >= 10 { latencies.append(ms) }  // the first ten warm the caches
                bytes = data.count
            }
            latencies.sort()
            out.append(
                Measured(
                    name: name, p50: latencies[latencies.count / 2],
                    p99: latencies[min(latencies.count - 1, Int(Double(latencies.count) * 0.99))], bytes: bytes))
        }
        return out
    }
}

func runWorkstationBenchmark(sizes: [Int], requests: Int) throws {
    let done = DispatchSemaphore(value: 0)
    let failures = ErrorLog()
    Task {
        do {
            try await WorkstationBench.run(sizes: sizes, requests: requests)
        } catch {
            failures.add("\(error)")
        }
        done.signal()
    }
    done.wait()
    if let error = failures.first { throw CLIBenchError(message: "workstation bench: \(error)") }
}
