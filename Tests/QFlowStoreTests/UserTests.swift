import Foundation
import GRDB
import QFlowEngine
import Testing

@testable import QFlowStore

@Suite("Users and sessions")
struct UserTests {
    /// A fast policy for tests (the default hashes 600,000 times); the test databases are marked as such.
    static var policy: SignInPolicy {
        var p = SignInPolicy()
        p.iterations = 1_000
        return p
    }

    static func signIn(
        _ store: Store, _ user: String, _ password: String, role: String, workstation: String? = nil,
        at: Date = t0
    ) throws -> (token: String, session: Session) {
        try store.signIn(userId: user, password: password, role: role, workstation: workstation, policy: policy, at: at)
    }

    @Test func signInGivesASessionWhoseTokenIsStoredOnlyHashed() throws {
        let db = try TemporaryDatabase(publishing: [])
        try db.store.addUser(
            id: "n-042", name: "Li Na", roles: ["circulating_nurse", "scrub_nurse"], password: "correct horse 42",
            policy: Self.policy, at: t0)
        let (token, session) = try Self.signIn(
            db.store, "n-042", "correct horse 42", role: "scrub_nurse", workstation: "OR3")
        #expect(session.actor == Actor(id: "n-042", role: "scrub_nurse", workstation: "OR3"))
        var longIdle = Self.policy
        longIdle.idleTimeout = 24 * 3600
        #expect(
            try db.store.session(token: token, policy: longIdle, at: t0.addingTimeInterval(3600))?.user.name == "Li Na")
        #expect(
            try db.store.session(token: token, policy: longIdle, at: t0.addingTimeInterval(13 * 3600)) == nil, "expired"
        )
        #expect(try db.store.session(token: "forged", at: t0) == nil)
        #expect(session.acceptsCSRF(session.csrf))
        #expect(!session.acceptsCSRF(nil) && !session.acceptsCSRF("x"))
        let stored = try DatabaseQueue(path: db.path).read { db in
            (
                try String.fetchAll(db, sql: "SELECT token_hash FROM session"),
                try String.fetchOne(db, sql: "SELECT password FROM user")
            )
        }
        #expect(!stored.0.contains(token))
        #expect(stored.1?.hasPrefix("pbkdf2-sha256$1000$") == true)
        #expect(stored.1?.contains("correct horse") == false)
        try db.store.signOut(token: token)
        #expect(try db.store.session(token: token, at: t0) == nil)
    }

    @Test func unknownWrongLockedAndInactiveAccountsGetTheSameAnswer() throws {
        let db = try TemporaryDatabase(publishing: [])
        for id in ["n-1", "n-2"] {
            try db.store.addUser(
                id: id, name: "N", roles: ["head_nurse"], password: "long enough pw", policy: Self.policy, at: t0)
        }
        try db.store.setActive("n-2", false, at: t0)
        var answers: [String] = []
        for attempt in 1...5 {
            let error = #expect(throws: StoreError.self) {
                try Self.signIn(db.store, "n-1", "guess \(attempt)", role: "head_nurse")
            }
            answers.append(error?.message ?? "")
            #expect(error?.code == .signInRefused)
        }
        for (user, password) in [("n-1", "long enough pw"), ("nobody", "long enough pw"), ("n-2", "long enough pw")] {
            let error = #expect(throws: StoreError.self) {
                try Self.signIn(db.store, user, password, role: "head_nurse", at: t0.addingTimeInterval(60))
            }
            #expect(error?.code == .signInRefused)
            answers.append(error?.message ?? "")
        }
        #expect(Set(answers) == [Store.sameRefusal], "locked (right password), unknown and inactive answer alike")
        #expect(!answers[0].contains("n-1") && !answers[0].contains("guess"))
        // The lock ends after its time; a right password then resets the counter.
        _ = try Self.signIn(db.store, "n-1", "long enough pw", role: "head_nurse", at: t0.addingTimeInterval(16 * 60))
        #expect(try db.store.signInFailures(user: "n-1") == ["wrong password": 5, "refused": 1])
    }

    @Test func concurrentGuessesCheckNoMorePasswordsThanThePolicyAllows() throws {
        let db = try TemporaryDatabase(publishing: [])
        try db.store.addUser(
            id: "n-1", name: "N", roles: ["head_nurse"], password: "long enough pw", policy: Self.policy, at: t0)
        let store = db.store
        DispatchQueue.concurrentPerform(iterations: 24) { i in
            _ = try? Self.signIn(store, "n-1", "guess \(i)", role: "head_nurse")
        }
        let failures = try store.signInFailures(user: "n-1")
        #expect(failures["wrong password"] == Self.policy.maximumFailures, "\(failures)")
        #expect(failures["refused"] == 24 - Self.policy.maximumFailures)
    }

    @Test func aRoleNotHeldIsForbiddenAndWeakPasswordsAreRefused() throws {
        let db = try TemporaryDatabase(publishing: [])
        try db.store.addUser(
            id: "n-2", name: "N", roles: ["scrub_nurse"], password: "long enough pw", policy: Self.policy, at: t0)
        let role = #expect(throws: StoreError.self) {
            try Self.signIn(db.store, "n-2", "long enough pw", role: "administrator")
        }
        #expect(role?.code == .forbidden)
        #expect(role?.message.contains("does not hold the role administrator") == true)
        #expect(throws: StoreError.self) {
            try db.store.addUser(
                id: "n-3", name: "N", roles: ["scrub_nurse"], password: "short", policy: Self.policy, at: t0)
        }
        #expect(throws: StoreError.self) {
            try db.store.addUser(
                id: "n-2", name: "N", roles: ["scrub_nurse"], password: "long enough pw", policy: Self.policy, at: t0)
        }
        #expect(try db.store.users().map(\.id) == ["n-2"])
    }

    @Test func aCheapPasswordHashNeedsATestDatabase() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store.open(path: directory.appendingPathComponent("prod.sqlite").path, create: true)
        let error = #expect(throws: StoreError.self) {
            try store.addUser(
                id: "n-1", name: "N", roles: ["head_nurse"], password: "long enough pw", policy: Self.policy, at: t0)
        }
        #expect(error?.message.contains("test database") == true)
        #expect(try store.users().isEmpty)
        #expect(try !store.isTestDatabase)
    }

    @Test func accountChangesTakeEffectOnTheNextRequest() throws {
        let db = try TemporaryDatabase(publishing: [])
        let store = db.store
        try store.addUser(
            id: "n-1", name: "N", roles: ["scrub_nurse", "circulating_nurse"], password: "long enough pw",
            policy: Self.policy, at: t0)
        let scrub = try Self.signIn(store, "n-1", "long enough pw", role: "scrub_nurse").token
        let circulating = try Self.signIn(store, "n-1", "long enough pw", role: "circulating_nurse").token
        // Removing a role ends the sessions in it, and only those.
        try store.setRoles("n-1", ["circulating_nurse"], by: "admin", at: t0)
        #expect(try store.session(token: scrub, at: t0) == nil)
        #expect(try store.session(token: circulating, at: t0) != nil)
        // Revoking, deactivating and resetting the password end sessions at once.
        let sessions = try store.sessions(user: "n-1", at: t0)
        #expect(sessions.map(\.role) == ["circulating_nurse"])
        #expect(try store.revokeSessions(user: "n-1", session: sessions[0].id, at: t0) == 1)
        #expect(try store.session(token: circulating, at: t0) == nil)
        let again = try Self.signIn(store, "n-1", "long enough pw", role: "circulating_nurse").token
        try store.setActive("n-1", false, at: t0)
        #expect(try store.session(token: again, at: t0) == nil)
        #expect(throws: StoreError.self) { try Self.signIn(store, "n-1", "long enough pw", role: "circulating_nurse") }
        try store.setActive("n-1", true, at: t0)
        let third = try Self.signIn(store, "n-1", "long enough pw", role: "circulating_nurse").token
        try store.resetPassword("n-1", password: "another long pw", policy: Self.policy, at: t0)
        #expect(try store.session(token: third, at: t0) == nil)
        #expect(throws: StoreError.self) { try Self.signIn(store, "n-1", "long enough pw", role: "circulating_nurse") }
        _ = try Self.signIn(store, "n-1", "another long pw", role: "circulating_nurse")
    }

    @Test func aNewSignInAtAWorkstationEndsTheEarlierOneThere() throws {
        let db = try TemporaryDatabase(publishing: [])
        for id in ["n-1", "n-2"] {
            try db.store.addUser(
                id: id, name: id, roles: ["scrub_nurse"], password: "long enough pw", policy: Self.policy, at: t0)
        }
        let first = try Self.signIn(db.store, "n-1", "long enough pw", role: "scrub_nurse", workstation: "OR3").token
        let elsewhere = try Self.signIn(db.store, "n-1", "long enough pw", role: "scrub_nurse", workstation: "OR4")
            .token
        let second = try Self.signIn(db.store, "n-2", "long enough pw", role: "scrub_nurse", workstation: "OR3").token
        #expect(try db.store.session(token: first, at: t0) == nil)
        #expect(try db.store.session(token: elsewhere, at: t0) != nil)
        #expect(try db.store.session(token: second, at: t0)?.user.id == "n-2")
    }

    @Test func anIdleSessionEnds() throws {
        let db = try TemporaryDatabase(publishing: [])
        try db.store.addUser(
            id: "n-1", name: "N", roles: ["scrub_nurse"], password: "long enough pw", policy: Self.policy, at: t0)
        var policy = Self.policy
        policy.idleTimeout = 10 * 60
        let token = try Self.signIn(db.store, "n-1", "long enough pw", role: "scrub_nurse").token
        // Used every nine minutes, it stays; left for eleven, it ends.
        for minutes in [9.0, 18, 27] {
            #expect(try db.store.session(token: token, policy: policy, at: t0.addingTimeInterval(minutes * 60)) != nil)
        }
        #expect(try db.store.session(token: token, policy: policy, at: t0.addingTimeInterval(38 * 60)) == nil)
        #expect(try db.store.session(token: token, policy: policy, at: t0.addingTimeInterval(39 * 60)) == nil)
    }

    @Test func aRespondentUserActsBoundToTheirSubject() throws {
        let db = try TemporaryDatabase(publishing: [])
        try db.store.addUser(
            id: "s-07", name: "Staff 7", roles: ["respondent"], password: "long enough pw", subject: "staff-07",
            policy: Self.policy, at: t0)
        let session = try Self.signIn(db.store, "s-07", "long enough pw", role: "respondent").session
        #expect(session.actor.subject == "staff-07")
        #expect(try db.store.user("s-07")?.subject == "staff-07")
    }
}
