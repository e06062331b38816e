import Foundation
import Synchronization

/// Counts sign-in attempts per client address and per account id over a sliding window; an attempt is counted
/// when it starts (so that parallel guesses cannot all pass) and forgiven when it succeeds.
public final class SignInThrottle: Sendable {
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
    /// Attempt times per client address and per account id, pruned as they leave the window.
    private struct Attempts {
        var clients: [String: [Date]] = [:]
        var accounts: [String: [Date]] = [:]
    }
    private let attempts = Mutex(Attempts())

    init(_ limits: Limits) {
        self.limits = limits
    }

    /// Counts an attempt, or returns how many seconds to wait when a limit is reached.
    func reserve(client: String, account: String, at now: Date) -> Int? {
        let accountKey = String(account.prefix(64))
        let (limits, window) = (limits, limits.window)
        return attempts.withLock { attempts -> Int? in
            if attempts.clients.count > 50_000 || attempts.accounts.count > 50_000 {
                attempts.clients = Self.pruned(attempts.clients, now, window)
                attempts.accounts = Self.pruned(attempts.accounts, now, window)
            }
            let c = Self.recent(attempts.clients[client], now, window)
            let a = Self.recent(attempts.accounts[accountKey], now, window)
            for (times, limit) in [(c, limits.perClient), (a, limits.perAccount)] where times.count >= limit {
                let oldest = times[times.count - limit]
                return max(1, Int((oldest.addingTimeInterval(window).timeIntervalSince(now)).rounded(.up)))
            }
            attempts.clients[client] = c + [now]
            attempts.accounts[accountKey] = a + [now]
            return nil
        }
    }

    /// Ends an attempt: a failure stays counted, anything else is forgiven.
    func release(client: String, account: String, failed: Bool) {
        guard !failed else { return }
        let accountKey = String(account.prefix(64))
        attempts.withLock { attempts in
            if !(attempts.clients[client]?.isEmpty ?? true) { attempts.clients[client]?.removeLast() }
            if !(attempts.accounts[accountKey]?.isEmpty ?? true) { attempts.accounts[accountKey]?.removeLast() }
        }
    }

    private static func recent(_ times: [Date]?, _ now: Date, _ window: TimeInterval) -> [Date] {
        (times ?? []).filter { now.timeIntervalSince($0) < window }
    }

    private static func pruned(_ times: [String: [Date]], _ now: Date, _ window: TimeInterval) -> [String: [Date]] {
        times.compactMapValues {
            let r = recent($0, now, window)
            return r.isEmpty ? nil : r
        }
    }
}

/// Runs blocking work on a thread of its own, one job at a time, with a bounded queue: work beyond the queue is
/// refused at once (``Full``) instead of waiting, and the server's other threads stay free.
final class BoundedExecutor: Sendable {
    /// The queue is full.
    struct Full: Error {}

    private let queue: DispatchQueue
    /// Jobs waiting or running.
    private let waiting = Mutex(0)
    private let queueLimit: Int

    init(label: String, queueLimit: Int) {
        queue = DispatchQueue(label: label)
        self.queueLimit = queueLimit
    }

    /// Runs `body` in turn; throws ``Full`` when `queueLimit` jobs are already waiting or running.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws -> T {
        let admitted = waiting.withLock { waiting in
            guard waiting < queueLimit else { return false }
            waiting += 1
            return true
        }
        guard admitted else { throw Full() }
        return await withCheckedContinuation { continuation in
            queue.async {
                let result = body()
                self.waiting.withLock { $0 -= 1 }
                continuation.resume(returning: result)
            }
        }
    }
}
