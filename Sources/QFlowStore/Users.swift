import Foundation
import GRDB
import QFlowCrypto
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
    /// The subject the user is (a survey respondent answers only the runs of this subject), if any.
    public var subject: String?

    /// Creates a user record.
    public init(id: String, name: String, roles: [String], active: Bool = true, subject: String? = nil) {
        self.id = id
        self.name = name
        self.roles = roles
        self.active = active
        self.subject = subject
    }
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
    /// A short public id for lists and revocation (never the token).
    public var id: String
    /// The workstation was left idle past the lock time: only unlocking (the user's password) or signing out is
    /// accepted until ``Store/unlock(token:password:policy:at:)`` succeeds.
    public var locked = false

    /// The actor that this session's writes record; a user who is a subject acts bound to it.
    public var actor: Actor { Actor(id: user.id, role: role, workstation: workstation, subject: user.subject) }

    /// Whether a submitted CSRF token is this session's, compared in constant time.
    public func acceptsCSRF(_ submitted: String?) -> Bool {
        guard let submitted else { return false }
        return Self.constantTimeEqual(Array(submitted.utf8), Array(csrf.utf8))
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// A session as the account pages list it.
public struct SessionInfo: Sendable, Hashable, Codable {
    /// The session's public id.
    public var id: String
    /// Whose session.
    public var userId: String
    /// The role signed in as.
    public var role: String
    /// The workstation, if given.
    public var workstation: String?
    /// When it began.
    public var createdAt: Date
    /// When it was last used (to the minute).
    public var lastSeenAt: Date
    /// When it ends at the latest.
    public var expiresAt: Date
}

/// Sign-in rules: slow hash, lock-out, session length and idle time.
public struct SignInPolicy: Sendable {
    /// The cost of new password hashes in production (OWASP's 2023 figure for PBKDF2-HMAC-SHA256).
    public static let productionIterations = 600_000
    /// PBKDF2-HMAC-SHA256 iterations for new passwords; fewer than ``productionIterations`` only on a test database.
    public var iterations = productionIterations
    /// Failed attempts before the account is locked.
    public var maximumFailures = 5
    /// How long a lock lasts.
    public var lockout: TimeInterval = 15 * 60
    /// How long a session lasts at most (a shift).
    public var sessionLength: TimeInterval = 12 * 3600
    /// How long a session may go unused before it ends (a shared workstation left signed in).
    public var idleTimeout: TimeInterval = 30 * 60
    /// How long a session may go unused before it is locked (the password unlocks it); nil: never locked.
    public var lockAfter: TimeInterval?
    /// Shortest accepted password.
    public var minimumPasswordLength = 10

    /// The default policy. `QFLOW_PASSWORD_ITERATIONS` (at least 1,000) changes the cost of new password hashes;
    /// the store refuses a lower cost than production unless the database is marked as a test database.
    public init() {
        if let text = ProcessInfo.processInfo.environment["QFLOW_PASSWORD_ITERATIONS"], let n = Int(text), n >= 1_000 {
            iterations = n
        }
    }
}

extension Store {
    static let sameRefusal = "sign-in refused: check the staff id and the password (repeated failures lock an account)"

    // MARK: Accounts

    /// Adds a user with a password hashed by PBKDF2-HMAC-SHA256 and a random salt.
    public func addUser(
        id: String, name: String, roles: [String], password: String, subject: String? = nil,
        policy: SignInPolicy = SignInPolicy(), by admin: String? = nil, at: Date
    ) throws(StoreError) {
        guard id.range(of: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", options: .regularExpression) != nil else {
            throw StoreError(.invalidInput, "a user id has letters, digits, '.', '_', '-' (1–64)", item: "id")
        }
        try Self.checkRoles(roles)
        guard !name.isEmpty, name.count <= 200, !name.contains(where: \.isNewline) else {
            throw StoreError(.invalidInput, "a name is one line of 1–200 characters", item: "name")
        }
        if let subject, subject.isEmpty || subject.count > 64 || subject.contains(where: \.isNewline) {
            throw StoreError(.invalidInput, "a subject id is one line of 1–64 characters", item: "subject")
        }
        let stored = try passwordHash(password, policy: policy)
        try writer.submit("add user \(id)") { db, _ in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM user WHERE id = ?", arguments: [id]) == true {
                throw StoreError(.alreadyExists, "user \(id) already exists", item: "id")
            }
            try db.execute(
                sql: "INSERT INTO user (id, name, roles, password, created_at, subject_id) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [id, name, roles.joined(separator: ","), stored, Timestamp.format(at), subject])
            try Self.audit(db, id, "added (roles \(roles.joined(separator: ",")))", by: admin, at: at)
        }
    }

    /// Every user, by id (without password hashes).
    public func users() throws(StoreError) -> [User] {
        try read("list users") { db in
            try Row.fetchAll(db, sql: "SELECT id, name, roles, active, subject_id FROM user ORDER BY id").map(Self.user)
        }
    }

    /// A page of users by id, after `after` (exclusive), whose id starts with `prefix`; `next` is the id to pass as
    /// `after` for the following page (nil on the last).
    public func users(prefix: String? = nil, after: String? = nil, limit: Int) throws(StoreError)
        -> (users: [User], next: String?)
    {
        let limit = min(max(limit, 1), 500)
        return try read("list users") { db in
            var users = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, name, roles, active, subject_id FROM user
                    WHERE (?1 IS NULL OR id > ?1) AND (?2 IS NULL OR (id >= ?2 AND id < ?2 || char(1114111)))
                    ORDER BY id LIMIT ?3
                    """, arguments: [after, prefix, limit + 1]
            ).map(Self.user)
            var next: String?
            if users.count > limit {
                users.removeLast()
                next = users.last?.id
            }
            return (users, next)
        }
    }

    /// The live sessions of some users (a page of accounts), newest first: one query through the user index.
    public func sessions(users ids: [String], at now: Date) throws(StoreError) -> [SessionInfo] {
        guard !ids.isEmpty else { return [] }
        return try read("list sessions") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.sessionColumns) FROM session
                    WHERE user_id IN (\(databaseQuestionMarks(count: ids.count))) AND expires_at > ?
                    ORDER BY created_at DESC
                    """, arguments: StatementArguments(ids + [Timestamp.format(now)])
            ).map { Self.sessionInfo($0, now: now) }
        }
    }

    /// One user, or nil.
    public func user(_ id: String) throws(StoreError) -> User? {
        try read("read user") { db in
            try Row.fetchOne(
                db, sql: "SELECT id, name, roles, active, subject_id FROM user WHERE id = ?", arguments: [id]
            )
            .map(Self.user)
        }
    }

    /// Deactivates (or activates again) an account; deactivation ends its sessions at once.
    public func setActive(_ id: String, _ active: Bool, by admin: String? = nil, at: Date) throws(StoreError) {
        try writer.submit(active ? "activate user" : "deactivate user") { db, _ in
            try Self.requireUser(db, id)
            try db.execute(
                sql: "UPDATE user SET active = ?, failed_logins = 0, locked_until = NULL WHERE id = ?",
                arguments: [active, id])
            if !active { try db.execute(sql: "DELETE FROM session WHERE user_id = ?", arguments: [id]) }
            try Self.audit(db, id, active ? "activated" : "deactivated", by: admin, at: at)
        }
    }

    /// Replaces a user's roles; sessions in a role the user no longer holds end at once.
    public func setRoles(_ id: String, _ roles: [String], by admin: String? = nil, at: Date) throws(StoreError) {
        try Self.checkRoles(roles)
        try writer.submit("change roles") { db, _ in
            try Self.requireUser(db, id)
            try db.execute(
                sql: "UPDATE user SET roles = ? WHERE id = ?", arguments: [roles.joined(separator: ","), id])
            let placeholders = databaseQuestionMarks(count: roles.count)
            try db.execute(
                sql: "DELETE FROM session WHERE user_id = ? AND role NOT IN (\(placeholders))",
                arguments: StatementArguments([id] + roles))
            try Self.audit(db, id, "roles set to \(roles.joined(separator: ","))", by: admin, at: at)
        }
    }

    /// Sets a new password, unlocks the account and ends its sessions.
    public func resetPassword(
        _ id: String, password: String, policy: SignInPolicy = SignInPolicy(), by admin: String? = nil, at: Date
    ) throws(StoreError) {
        let stored = try passwordHash(password, policy: policy)
        try writer.submit("reset password") { db, _ in
            try Self.requireUser(db, id)
            try db.execute(
                sql: "UPDATE user SET password = ?, failed_logins = 0, locked_until = NULL WHERE id = ?",
                arguments: [stored, id])
            try db.execute(sql: "DELETE FROM session WHERE user_id = ?", arguments: [id])
            try Self.audit(db, id, "password reset", by: admin, at: at)
        }
    }

    static let sessionColumns = "token_hash, user_id, role, workstation, created_at, last_seen_at, expires_at"

    /// A row of ``sessionColumns`` as what the accounts pages show (the token only as its public id).
    static func sessionInfo(_ row: Row, now: Date) -> SessionInfo {
        let created = Timestamp.parse(row["created_at"]) ?? now
        return SessionInfo(
            id: publicId(row["token_hash"]), userId: row["user_id"], role: row["role"], workstation: row["workstation"],
            createdAt: created, lastSeenAt: (row["last_seen_at"] as String?).flatMap(Timestamp.parse) ?? created,
            expiresAt: Timestamp.parse(row["expires_at"]) ?? now)
    }

    /// The live sessions of a user (or of everyone), newest first.
    public func sessions(user: String? = nil, at now: Date) throws(StoreError) -> [SessionInfo] {
        try read("list sessions") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.sessionColumns) FROM session
                    WHERE (?1 IS NULL OR user_id = ?1) AND expires_at > ?2 ORDER BY created_at DESC LIMIT 500
                    """, arguments: [user, Timestamp.format(now)]
            ).map { Self.sessionInfo($0, now: now) }
        }
    }

    /// Ends a user's sessions (one, when `session` gives its public id); returns how many ended.
    @discardableResult
    public func revokeSessions(user id: String, session: String? = nil, by admin: String? = nil, at: Date)
        throws(StoreError) -> Int
    {
        try writer.submit("revoke sessions") { db, _ in
            try Self.requireUser(db, id)
            try db.execute(
                sql: "DELETE FROM session WHERE user_id = ? AND (? IS NULL OR substr(token_hash, 1, 12) = ?)",
                arguments: [id, session, session])
            let count = db.changesCount
            if session != nil, count == 0 {
                throw StoreError(.notFound, "\(id) has no session \(session ?? "")", item: "session")
            }
            try Self.audit(db, id, "\(count) session(s) revoked", by: admin, at: at)
            return count
        }
    }

    /// Marks this database as a test database: only then may new password hashes cost less than production.
    public func markAsTestDatabase() throws(StoreError) {
        try writer.submit("mark as a test database") { db, _ in
            try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES ('test_database', 'true')")
        }
    }

    /// Whether the database is marked as a test database.
    public var isTestDatabase: Bool {
        get throws(StoreError) {
            try read("read settings") { db in
                try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'test_database'") == "true"
            }
        }
    }

    // MARK: Sessions

    /// Signs a user in as one of their roles; returns the session and its token (shown once, stored only hashed).
    ///
    /// An unknown id, a wrong password, a locked and an inactive account get the same error after the same work
    /// (one slow hash). Each attempt is counted before its password is checked, in one statement, so concurrent
    /// guesses check at most `maximumFailures` passwords before the lock. A new session at a workstation ends the
    /// earlier session there.
    public func signIn(
        userId: String, password: String, role: String, workstation: String?, client: String? = nil,
        policy: SignInPolicy = SignInPolicy(), at now: Date
    ) throws(StoreError) -> (token: String, session: Session) {
        let refused = StoreError(.signInRefused, Self.sameRefusal)
        let lock = Timestamp.format(now.addingTimeInterval(policy.lockout))
        // Count the attempt first (and lock at the limit); an unknown, inactive or locked account matches nothing.
        let reserved = try writer.submit("count a sign-in attempt") { db, _ -> Row? in
            try Row.fetchOne(
                db,
                sql: """
                    UPDATE user SET failed_logins = failed_logins + 1,
                        locked_until = CASE WHEN failed_logins + 1 >= ?1 THEN ?2 ELSE NULL END
                    WHERE id = ?3 AND active = 1 AND (locked_until IS NULL OR locked_until <= ?4)
                    RETURNING id, name, roles, active, subject_id, password
                    """, arguments: [policy.maximumFailures, lock, userId, Timestamp.format(now)])
        }
        guard let row = reserved else {
            _ = Self.hashPassword(password, iterations: policy.iterations)  // the same work as a real check
            try recordAttempt(userId, "refused", client: client, at: now)
            throw refused
        }
        guard Self.verifyPassword(password, stored: row["password"]) else {
            try recordAttempt(userId, "wrong password", client: client, at: now)
            throw refused
        }
        let user = Self.user(row)
        guard user.roles.contains(role) else {
            try writer.submit("sign in") { db, _ in
                try db.execute(
                    sql: "UPDATE user SET failed_logins = 0, locked_until = NULL WHERE id = ?", arguments: [userId])
            }
            throw StoreError(.forbidden, "\(userId) does not hold the role \(role)", item: "role")
        }
        let token = Self.randomHex(32)
        let tokenHash = SHA256.hex(of: Array(token.utf8))
        let session = Session(
            user: user, role: role, workstation: workstation, csrf: Self.randomHex(16),
            expiresAt: now.addingTimeInterval(policy.sessionLength), id: Self.publicId(tokenHash))
        try writer.submit("sign in") { db, _ in
            let time = Timestamp.format(now)
            try db.execute(
                sql: "UPDATE user SET failed_logins = 0, locked_until = NULL WHERE id = ?", arguments: [userId])
            if let workstation {
                try db.execute(sql: "DELETE FROM session WHERE workstation = ?", arguments: [workstation])
            }
            try db.execute(
                sql: """
                    INSERT INTO session (token_hash, user_id, role, workstation, csrf, created_at, expires_at,\
                     last_seen_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    tokenHash, userId, role, workstation, session.csrf, time, Timestamp.format(session.expiresAt), time,
                ])
            try db.execute(sql: "DELETE FROM session WHERE expires_at < ?", arguments: [time])
            try Self.audit(db, userId, "signed in as \(role)", by: userId, client: client, at: now)
        }
        return (token, session)
    }

    /// The live session of a token, read afresh: nil when it is unknown, expired, idle too long, or its user is no
    /// longer active or no longer holds its role. Use refreshes its idle clock (to the minute).
    public func session(token: String, policy: SignInPolicy = SignInPolicy(), at now: Date) throws(StoreError)
        -> Session?
    {
        let tokenHash = SHA256.hex(of: Array(token.utf8))
        let found = try read("read session") { db -> (Session, Date)? in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT s.role, s.workstation, s.csrf, s.expires_at, s.last_seen_at, s.created_at,
                            u.id, u.name, u.roles, u.active, u.subject_id
                        FROM session s JOIN user u ON u.id = s.user_id
                        WHERE s.token_hash = ? AND s.expires_at > ?
                        """, arguments: [tokenHash, Timestamp.format(now)])
            else { return nil }
            let user = Self.user(row)
            guard user.active, user.roles.contains(row["role"]) else { return nil }
            let lastSeen =
                (row["last_seen_at"] as String?).flatMap(Timestamp.parse)
                ?? Timestamp.parse(row["created_at"]) ?? now
            let session = Session(
                user: user, role: row["role"], workstation: row["workstation"], csrf: row["csrf"],
                expiresAt: Timestamp.parse(row["expires_at"]) ?? now, id: Self.publicId(tokenHash))
            return (session, lastSeen)
        }
        guard let (session, lastSeen) = found else { return nil }
        if now.timeIntervalSince(lastSeen) > policy.idleTimeout {
            try writer.submit("end an idle session") { db, _ in
                try db.execute(sql: "DELETE FROM session WHERE token_hash = ?", arguments: [tokenHash])
            }
            return nil
        }
        if let lockAfter = policy.lockAfter, now.timeIntervalSince(lastSeen) > lockAfter {
            var locked = session
            locked.locked = true
            return locked  // not touched: only an unlock moves the idle clock again
        }
        if now.timeIntervalSince(lastSeen) >= 60 {
            try writer.submit("touch a session") { db, _ in
                try db.execute(
                    sql: "UPDATE session SET last_seen_at = ? WHERE token_hash = ?",
                    arguments: [Timestamp.format(now), tokenHash])
            }
        }
        return session
    }

    /// Unlocks an idle session with its user's password; a wrong password counts as a failed sign-in (and locks
    /// the account at the limit, which ends the session). True when the session is live and unlocked.
    public func unlock(token: String, password: String, policy: SignInPolicy = SignInPolicy(), at now: Date)
        throws(StoreError) -> Bool
    {
        let tokenHash = SHA256.hex(of: Array(token.utf8))
        let time = Timestamp.format(now)
        let lock = Timestamp.format(now.addingTimeInterval(policy.lockout))
        let reserved = try writer.submit("count an unlock attempt") { db, _ -> Row? in
            guard
                let userId = try String.fetchOne(
                    db, sql: "SELECT user_id FROM session WHERE token_hash = ? AND expires_at > ?",
                    arguments: [tokenHash, time])
            else { return nil }
            let row = try Row.fetchOne(
                db,
                sql: """
                    UPDATE user SET failed_logins = failed_logins + 1,
                        locked_until = CASE WHEN failed_logins + 1 >= ?1 THEN ?2 ELSE NULL END
                    WHERE id = ?3 AND active = 1 AND (locked_until IS NULL OR locked_until <= ?4)
                    RETURNING id, password
                    """, arguments: [policy.maximumFailures, lock, userId, time])
            if row == nil { try db.execute(sql: "DELETE FROM session WHERE token_hash = ?", arguments: [tokenHash]) }
            return row
        }
        guard let row = reserved else { return false }
        let userId: String = row["id"]
        guard Self.verifyPassword(password, stored: row["password"]) else {
            try recordAttempt(userId, "wrong password (unlock)", client: nil, at: now)
            return false
        }
        try writer.submit("unlock a session") { db, _ in
            try db.execute(
                sql: "UPDATE user SET failed_logins = 0, locked_until = NULL WHERE id = ?", arguments: [userId])
            try db.execute(
                sql: "UPDATE session SET last_seen_at = ? WHERE token_hash = ?", arguments: [time, tokenHash])
        }
        return true
    }

    /// Ends a session.
    public func signOut(token: String) throws(StoreError) {
        try writer.submit("sign out") { db, _ in
            try db.execute(
                sql: "DELETE FROM session WHERE token_hash = ?", arguments: [SHA256.hex(of: Array(token.utf8))])
        }
    }

    /// How many sign-in attempts for `user` ended with each outcome (`wrong password`, `refused`), for audits.
    public func signInFailures(user: String) throws(StoreError) -> [String: Int] {
        try read("read sign-in audit") { db in
            var out: [String: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql:
                    "SELECT action, count(*) FROM account_event WHERE user_id = ? AND action IN ('wrong password', "
                    + "'refused') GROUP BY action",
                arguments: [user])
            {
                out[row[0]] = row[1]
            }
            return out
        }
    }

    // MARK: Helpers

    private func recordAttempt(_ userId: String, _ outcome: String, client: String?, at now: Date) throws(StoreError) {
        try writer.submit("record a failed sign-in") { db, _ in
            try Self.audit(db, String(userId.prefix(64)), outcome, by: nil, client: client, at: now)
        }
    }

    private func passwordHash(_ password: String, policy: SignInPolicy) throws(StoreError) -> String {
        guard password.count >= policy.minimumPasswordLength, password.count <= 1_024 else {
            throw StoreError(
                .invalidInput, "a password has \(policy.minimumPasswordLength) to 1,024 characters", item: "password")
        }
        if policy.iterations < SignInPolicy.productionIterations, try !isTestDatabase {
            throw StoreError(
                .refused,
                "a password cost of \(policy.iterations) iterations (QFLOW_PASSWORD_ITERATIONS) is below "
                    + "production's \(SignInPolicy.productionIterations): only a test database (qflow init "
                    + "--test-database) accepts it",
                item: "QFLOW_PASSWORD_ITERATIONS")
        }
        return Self.hashPassword(password, iterations: policy.iterations)
    }

    private static func checkRoles(_ roles: [String]) throws(StoreError) {
        guard !roles.isEmpty, roles.count <= 32,
            roles.allSatisfy({ $0.range(of: "^[a-z][a-z0-9_]{0,63}$", options: .regularExpression) != nil })
        else {
            throw StoreError(.invalidInput, "roles are ids like circulating_nurse; give at least one", item: "roles")
        }
    }

    private static func requireUser(_ db: Database, _ id: String) throws {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM user WHERE id = ?", arguments: [id]) == true else {
            throw StoreError(.notFound, "no user \(id)", item: "user")
        }
    }

    private static func audit(
        _ db: Database, _ user: String, _ action: String, by: String?, client: String? = nil, at: Date
    ) throws {
        try db.execute(
            sql: "INSERT INTO account_event (at, user_id, action, by_user, client) VALUES (?, ?, ?, ?, ?)",
            arguments: [Timestamp.format(at), user, action, by, client.map { String($0.prefix(64)) }])
    }

    private static func user(_ row: Row) -> User {
        User(
            id: row["id"], name: row["name"], roles: (row["roles"] as String).split(separator: ",").map(String.init),
            active: row["active"], subject: row["subject_id"])
    }

    /// The first 12 hex digits of a token's hash: enough to name a session, useless to forge one.
    static func publicId(_ tokenHash: String) -> String { String(tokenHash.prefix(12)) }

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
        return Session.constantTimeEqual(actual, expected)
    }

    static func randomHex(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return hex((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

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
