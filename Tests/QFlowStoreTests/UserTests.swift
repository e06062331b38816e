import Foundation
import GRDB
import QFlowEngine
import Testing

@testable import QFlowStore

@Suite("Users and sessions")
struct UserTests {
    /// A fast policy for tests (the default hashes 600,000 times).
    static var policy: SignInPolicy {
        var p = SignInPolicy()
        p.iterations = 1_000
        return p
    }

    @Test func signInGivesASessionWhoseTokenIsStoredOnlyHashed() throws {
        let db = try TemporaryDatabase(publishing: [])
        try db.store.addUser(
            id: "n-042", name: "Li Na", roles: ["circulating_nurse", "scrub_nurse"], password: "correct horse 42",
            policy: Self.policy, at: t0)
        let (token, session) = try db.store.signIn(
            userId: "n-042", password: "correct horse 42", role: "scrub_nurse", workstation: "OR3", policy: Self.policy,
            at: t0)
        #expect(session.actor == Actor(id: "n-042", role: "scrub_nurse", workstation: "OR3"))
        #expect(try db.store.session(token: token, at: t0.addingTimeInterval(3600))?.user.name == "Li Na")
        #expect(try db.store.session(token: token, at: t0.addingTimeInterval(13 * 3600)) == nil, "expired")
        #expect(try db.store.session(token: "forged", at: t0) == nil)
        #expect(session.acceptsCSRF(session.csrf))
        #expect(!session.acceptsCSRF(nil) && !session.acceptsCSRF("x"))
        let stored = try DatabaseQueue(path: db.path).read { db in
            (try String.fetchAll(db, sql: "SELECT token_hash FROM session"), try String.fetchOne(db, sql: "SELECT password FROM user"))
        }
        #expect(!stored.0.contains(token))
        #expect(stored.1?.hasPrefix("pbkdf2-sha256$1000$") == true)
        #expect(stored.1?.contains("correct horse") == false)
        try db.store.signOut(token: token)
        #expect(try db.store.session(token: token, at: t0) == nil)
    }

    @Test func repeatedFailuresLockTheAccount() throws {
        let db = try TemporaryDatabase(publishing: [])
        try db.store.addUser(id: "n-1", name: "N", roles: ["head_nurse"], password: "long enough pw", policy: Self.policy, at: t0)
        for attempt in 1...5 {
            let error = #expect(throws: StoreError.self) {
                try db.store.signIn(userId: "n-1", password: "guess \(attempt)", role: "head_nurse", workstation: nil,
                    policy: Self.policy, at: t0)
            }
            #expect(error?.message.contains(attempt < 5 ? "wrong" : "locked") == true, "\(error?.message ?? "")")
        }
        let locked = #expect(throws: StoreError.self) {
            try db.store.signIn(userId: "n-1", password: "long enough pw", role: "head_nurse", workstation: nil,
                policy: Self.policy, at: t0.addingTimeInterval(60))
        }
        #expect(locked?.message.contains("locked") == true)
        _ = try db.store.signIn(
            userId: "n-1", password: "long enough pw", role: "head_nurse", workstation: nil, policy: Self.policy,
            at: t0.addingTimeInterval(16 * 60))
    }

    @Test func unknownUsersWrongRolesAndWeakPasswordsAreRefused() throws {
        let db = try TemporaryDatabase(publishing: [])
        try db.store.addUser(id: "n-2", name: "N", roles: ["scrub_nurse"], password: "long enough pw", policy: Self.policy, at: t0)
        let unknown = #expect(throws: StoreError.self) {
            try db.store.signIn(userId: "nobody", password: "x", role: "scrub_nurse", workstation: nil, policy: Self.policy, at: t0)
        }
        #expect(unknown?.message == "user id or password is wrong")
        let role = #expect(throws: StoreError.self) {
            try db.store.signIn(userId: "n-2", password: "long enough pw", role: "administrator", workstation: nil,
                policy: Self.policy, at: t0)
        }
        #expect(role?.message.contains("may not act as administrator") == true)
        #expect(throws: StoreError.self) {
            try db.store.addUser(id: "n-3", name: "N", roles: ["scrub_nurse"], password: "short", policy: Self.policy, at: t0)
        }
        #expect(throws: StoreError.self) {
            try db.store.addUser(id: "n-2", name: "N", roles: ["scrub_nurse"], password: "long enough pw", policy: Self.policy, at: t0)
        }
        #expect(try db.store.users().map(\.id) == ["n-2"])
    }
}
