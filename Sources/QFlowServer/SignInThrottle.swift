import Foundation

/// Counts sign-in attempts per client address and per account id over a sliding window; an attempt is counted
/// when it starts (so that parallel guesses cannot all pass) and forgiven when it succeeds.
public final class SignInThrottle: @unchecked Sendable {
    /// How many failures a window allows.
    public struct Limits: Sendable {
        /// Failed (or unfinished) attempts from one client address per window.
        public var perClient = 10
        /// Failed (or unfinished) attempts on one account id per window, from anywhere.
        public var perAccount = 10
        /// The window.
        public var window: TimeInterval = 5 * 60

        /// The default: 10 and 10 per five minutes.
        public init(perClient: Int = 10, perAccount: Int = 10, window: TimeInterval = 5 * 60) {
            self.perClient = perClient
            self.perAccount = perAccount
            self.window = window
        }
    }

    let limits: Limits
    private let lock = NSLock()
    private var clients: [String: [Date]] = [:]
    private var accounts: [String: [Date]] = [:]

    init(_ limits: Limits) {
        self.limits = limits
    }

    /// Counts an attempt, or returns how many seconds to wait when a limit is reached.
    func reserve(client: String, account: String, at now: Date) -> Int? {
        let accountKey = String(account.prefix(64))
        lock.lock()
        defer { lock.unlock() }
        if clients.count > 50_000 || accounts.count > 50_000 { prune(now) }
        let c = recent(clients[client], now)
        let a = recent(accounts[accountKey], now)
        for (times, limit) in [(c, limits.perClient), (a, limits.perAccount)] where times.count >= limit {
            let oldest = times[times.count - limit]
            return max(1, Int((oldest.addingTimeInterval(limits.window).timeIntervalSince(now)).rounded(.up)))
        }
        clients[client] = c + [now]
        accounts[accountKey] = a + [now]
        return nil
    }

    /// Ends an attempt: a failure stays counted, anything else is forgiven.
    func release(client: String, account: String, failed: Bool) {
        guard !failed else { return }
        let accountKey = String(account.prefix(64))
        lock.lock()
        defer { lock.unlock() }
        if !(clients[client]?.isEmpty ?? true) { clients[client]?.removeLast() }
        if !(accounts[accountKey]?.isEmpty ?? true) { accounts[accountKey]?.removeLast() }
    }

    private func recent(_ times: [Date]?, _ now: Date) -> [Date] {
        (times ?? []).filter { now.timeIntervalSince($0) < limits.window }
    }

    private func prune(_ now: Date) {
        clients = clients.compactMapValues {
            let r = recent($0, now)
            return r.isEmpty ? nil : r
        }
        accounts = accounts.compactMapValues {
            let r = recent($0, now)
            return r.isEmpty ? nil : r
        }
    }
}

/// Runs blocking work on a thread of its own, one job at a time, with a bounded queue: work beyond the queue is
/// refused at once (``Full``) instead of waiting, and the server's other threads stay free.
final class BoundedExecutor: @unchecked Sendable {
    /// The queue is full.
    struct Full: Error {}

    private let queue: DispatchQueue
    private let lock = NSLock()
    private var waiting = 0
    private let queueLimit: Int

    init(label: String, queueLimit: Int) {
        queue = DispatchQueue(label: label)
        self.queueLimit = queueLimit
    }

    /// Runs `body` in turn; throws ``Full`` when `queueLimit` jobs are already waiting or running.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws -> T {
        let admitted = lock.withLock {
            guard waiting < queueLimit else { return false }
            waiting += 1
            return true
        }
        guard admitted else { throw Full() }
        return await withCheckedContinuation { continuation in
            queue.async {
                let result = body()
                self.lock.withLock { self.waiting -= 1 }
                continuation.resume(returning: result)
            }
        }
    }
}
