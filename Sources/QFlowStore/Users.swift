import Foundation
import GRDB
import QFlowEngine

/// A workstation user: staff id, name, the roles they may act in.
public struct User: Sendable, Hashable, Codable {
    /// Staff id (what events record as the actor).
    public var id: String
    /// Display name.
    public var name: String
    /// Role ids the user may sign in as (e.g. `circulating_nurse`, `head_nurse`, `administrator`).
    public var roles: [String]
    /// Whether the account may sign in.
    public var active: Bool
}

/// A signed-in session: who, in which role, at which workstation, until when, and its CSRF token.
public struct Session: Sendable, Hashable {
    /// The user.
    public var user: User
    /// The role chosen at sign-in.
    public var role: String
    /// The workstation, if given.
    public var workstation: String?
    /// The token forms must echo (compared in constant time by ``Session/acceptsCSRF(_:)``).
    public var csrf: String
    /// When the session ends.
    public var expiresAt: Date

    /// The actor that this session's writes record.
    public var actor: Actor { Actor(id: user.id, role: role, workstation: workstation) }

    /// Whether a submitted CSRF token is this session's, compared in constant time.
    public func acceptsCSRF(_ submitted: String?) -> Bool {
        guard let submitted else { return false }
        let a = Array(submitted.utf8), b = Array(csrf.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Sign-in rules: slow hash, lock-out, session length.
public struct SignInPolicy: Sendable {
    /// PBKDF2-HMAC-SHA256 iterations for new passwords (OWASP's 2023 figure is 600,000).
    public var iterations = 600_000
    /// Failed attempts before the account is locked.
    public var maximumFailures = 5
    /// How long a lock lasts.
    public var lockout: TimeInterval = 15 * 60
    /// How long a session lasts (a shift).
    public var sessionLength: TimeInterval = 12 * 3600
    /// Shortest accepted password.
    public var minimumPasswordLength = 10

    /// The default policy. `QFLOW_PASSWORD_ITERATIONS` (at least 1,000) lowers the cost of new password hashes for
    /// test databases; stored hashes keep their own count.
    public init() {
        if let text = ProcessInfo.processInfo.environment["QFLOW_PASSWORD_ITERATIONS"], let n = Int(text), n >= 1_000 {
            iterations = n
        }
    }
}

extension Store {
    /// Adds a user with a password hashed by PBKDF2-HMAC-SHA256 and a random salt.
    public func addUser(
        id: String, name: String, roles: [String], password: String, policy: SignInPolicy = SignInPolicy(), at: Date
    ) throws(StoreError) {
        guard id.range(of: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", options: .regularExpression) != nil else {
            throw StoreError(.invalidInput, "user id '\(id.prefix(40))': letters, digits, '.', '_', '-' (1–64)", item: "id")
        }
        guard !roles.isEmpty, roles.allSatisfy({ $0.range(of: "^[a-z][a-z0-9_]{0,63}$", options: .regularExpression) != nil })
        else {
            throw StoreError(.invalidInput, "roles are ids like circulating_nurse; give at least one", item: "roles")
        }
        guard password.count >= policy.minimumPasswordLength, password.count <= 1_024 else {
            throw StoreError(
                .invalidInput, "a password has \(policy.minimumPasswordLength) to 1,024 characters", item: "password")
        }
        guard !name.isEmpty, name.count <= 200, !name.contains(where: \.isNewline) else {
            throw StoreError(.invalidInput, "a name is one line of 1–200 characters", item: "name")
        }
        let stored = Self.hashPassword(password, iterations: policy.iterations)
        try writer.submit("add user \(id)") { db, _ in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM user WHERE id = ?", arguments: [id]) == true {
                throw StoreError(.alreadyExists, "user \(id) already exists")
            }
            try db.execute(
                sql: "INSERT INTO user (id, name, roles, password, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [id, name, roles.joined(separator: ","), stored, Timestamp.format(at)])
        }
    }

    /// Every user, by id (without password hashes).
    public func users() throws(StoreError) -> [User] {
        try read("list users") { db in
            try Row.fetchAll(db, sql: "SELECT id, name, roles, active FROM user ORDER BY id").map {
                User(id: $0[0], name: $0[1], roles: ($0[2] as String).split(separator: ",").map(String.init), active: $0[3])
            }
        }
    }

    /// Signs a user in as one of their roles; returns the session and its token (shown once, stored only hashed).
    ///
    /// A wrong id or password gives the same answer. After `maximumFailures` wrong passwords in a row the account
    /// is locked for `lockout`, even for the right password.
    public func signIn(
        userId: String, password: String, role: String, workstation: String?, policy: SignInPolicy = SignInPolicy(),
        at now: Date
    ) throws(StoreError) -> (token: String, session: Session) {
        let wrong = StoreError(.refused, "user id or password is wrong")
        guard let row = try read("sign in", { db in
            try Row.fetchOne(db, sql: "SELECT * FROM user WHERE id = ?", arguments: [userId])
        }) else {
            _ = Self.hashPassword(password, iterations: policy.iterations)  // same time as a real check
            throw wrong
        }
        let user = User(
            id: row["id"], name: row["name"], roles: (row["roles"] as String).split(separator: ",").map(String.init),
            active: row["active"])
        if let until = (row["locked_until"] as String?).flatMap(Timestamp.parse), until > now {
            throw StoreError(.refused, "the account is locked after repeated failures until \(Timestamp.format(until))")
        }
        guard user.active, Self.verifyPassword(password, stored: row["password"]) else {
            let failures = (row["failed_logins"] as Int) + 1
            let lock = failures >= policy.maximumFailures ? Timestamp.format(now.addingTimeInterval(policy.lockout)) : nil
            try writer.submit("record a failed sign-in") { db, _ in
                try db.execute(
                    sql: "UPDATE user SET failed_logins = ?, locked_until = ? WHERE id = ?",
                    arguments: [lock == nil ? failures : 0, lock, userId])
            }
            throw lock == nil ? wrong : StoreError(.refused, "the account is now locked until \(lock!) after repeated failures")
        }
        guard user.roles.contains(role) else {
            throw StoreError(.refused, "\(userId) may not act as \(role) (roles: \(user.roles.joined(separator: ", ")))")
        }
        let token = Self.randomHex(32)
        let session = Session(
            user: user, role: role, workstation: workstation, csrf: Self.randomHex(16),
            expiresAt: now.addingTimeInterval(policy.sessionLength))
        try writer.submit("sign in") { db, _ in
            try db.execute(sql: "UPDATE user SET failed_logins = 0, locked_until = NULL WHERE id = ?", arguments: [userId])
            try db.execute(
                sql: """
                    INSERT INTO session (token_hash, user_id, role, workstation, csrf, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    SHA256.hex(of: Array(token.utf8)), userId, role, workstation, session.csrf, Timestamp.format(now),
                    Timestamp.format(session.expiresAt),
                ])
            try db.execute(sql: "DELETE FROM session WHERE expires_at < ?", arguments: [Timestamp.format(now)])
        }
        return (token, session)
    }

    /// The live session of a token, or nil when it is unknown, expired, or its user is no longer active.
    public func session(token: String, at now: Date) throws(StoreError) -> Session? {
        try read("read session") { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT s.*, u.name, u.roles, u.active FROM session s JOIN user u ON u.id = s.user_id
                        WHERE s.token_hash = ? AND s.expires_at > ?
                        """, arguments: [SHA256.hex(of: Array(token.utf8)), Timestamp.format(now)]),
                row["active"] as Bool
            else { return nil }
            let user = User(
                id: row["user_id"], name: row["name"],
                roles: (row["roles"] as String).split(separator: ",").map(String.init), active: true)
            return Session(
                user: user, role: row["role"], workstation: row["workstation"], csrf: row["csrf"],
                expiresAt: Timestamp.parse(row["expires_at"]) ?? now)
        }
    }

    /// Ends a session.
    public func signOut(token: String) throws(StoreError) {
        try writer.submit("sign out") { db, _ in
            try db.execute(sql: "DELETE FROM session WHERE token_hash = ?", arguments: [SHA256.hex(of: Array(token.utf8))])
        }
    }

    /// `pbkdf2-sha256$ITERATIONS$SALT$HASH` (hex), with 16 random bytes of salt.
    static func hashPassword(_ password: String, iterations: Int) -> String {
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255) }
        let hash = SHA256.pbkdf2(password: Array(password.utf8), salt: salt, iterations: iterations)
        return "pbkdf2-sha256$\(iterations)$\(hex(salt))$\(hex(hash))"
    }

    static func verifyPassword(_ password: String, stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let iterations = Int(parts[1]), iterations >= 1,
            let salt = bytes(hex: parts[2]), let expected = bytes(hex: parts[3])
        else { return false }
        let actual = SHA256.pbkdf2(password: Array(password.utf8), salt: salt, iterations: iterations)
        return actual.count == expected.count && zip(actual, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func randomHex(_ count: Int) -> String { hex((0..<count).map { _ in UInt8.random(in: 0...255) }) }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] }, as: UTF8.self)
    }

    static func bytes(hex: String) -> [UInt8]? {
        let utf8 = Array(hex.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        for i in stride(from: 0, to: utf8.count, by: 2) {
            guard let byte = UInt8(String(decoding: utf8[i..<(i + 2)], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
        }
        return out
    }
}
