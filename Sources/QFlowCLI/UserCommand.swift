import ArgumentParser
import Foundation
import QFlowEngine
import QFlowStore

/// `qflow user …`: workstation users for `qflow serve`.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage the users who sign in at workstations, and their sessions.",
        discussion: """
            Every change takes effect on the user's next request: a deactivated user, a removed role or a revoked \
            session can no longer act.
            """,
        subcommands: [
            Add.self, List.self, Deactivate.self, Activate.self, Roles.self, ResetPassword.self, Sessions.self,
            Revoke.self,
        ])

    /// Reads one line (a password) from standard input.
    static func password() throws -> String {
        guard let password = readLine(strippingNewline: true), !password.isEmpty else {
            throw CLIError("give the password on standard input (one line)")
        }
        return password
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user; the password is read from standard input and stored as a PBKDF2-SHA256 hash.",
            discussion: """
                Example: printf '%s\\n' "$PW" | qflow user add n-042 --name 'Li Na' --role circulating_nurse \\
                           --role scrub_nurse
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Staff id.") var id: String
        @Option(help: "Display name.") var name: String
        @Option(help: "A role the user may act in (repeatable).") var role: [String] = []
        @Option(help: "For a survey respondent: the subject they are (they answer only their own survey).")
        var subject: String?

        func run() throws {
            let password = try UserCommand.password()
            try database.open().addUser(
                id: id, name: name, roles: role, password: password, subject: subject, at: Date())
            print("added user \(id) (\(role.joined(separator: ", ")))")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users and their roles.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "text or json") var format: OutputFormat = .text
        func run() throws {
            let users = try database.open().users()
            if format == .json { return try printJSON(users) }
            for user in users {
                let subject = user.subject.map { "  subject \($0)" } ?? ""
                let inactive = user.active ? "" : "  (inactive)"
                print("\(user.id)  \(user.name)  \(user.roles.joined(separator: ","))\(subject)\(inactive)")
            }
        }
    }

    struct Deactivate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a user signing in; their sessions end at once.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Staff id.") var id: String
        func run() throws {
            try database.open().setActive(id, false, at: Date())
            print("deactivated \(id)")
        }
    }

    struct Activate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a user sign in again (and unlock the account).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Staff id.") var id: String
        func run() throws {
            try database.open().setActive(id, true, at: Date())
            print("activated \(id)")
        }
    }

    struct Roles: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a user's roles; sessions in a role no longer held end at once.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Staff id.") var id: String
        @Option(help: "A role the user may act in (repeatable).") var role: [String] = []
        func validate() throws {
            if role.isEmpty { throw ValidationError("give at least one --role") }
        }
        func run() throws {
            try database.open().setRoles(id, role, at: Date())
            print("\(id): \(role.joined(separator: ", "))")
        }
    }

    struct ResetPassword: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract: "Set a new password (read from standard input); unlocks the account and ends its sessions.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Staff id.") var id: String
        func run() throws {
            try database.open().resetPassword(id, password: try UserCommand.password(), at: Date())
            print("password reset for \(id)")
        }
    }

    struct Sessions: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List live sessions (of one user, or everyone's).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Staff id (all users when left out).") var id: String?
        @Option(help: "text or json") var format: OutputFormat = .text
        func run() throws {
            let sessions = try database.open().sessions(user: id, at: Date())
            if format == .json { return try printJSON(sessions) }
            for s in sessions {
                print(
                    "\(s.id)  \(s.userId)  \(s.role)  \(s.workstation ?? "-")  "
                        + "last seen \(Timestamp.format(s.lastSeenAt))  until \(Timestamp.format(s.expiresAt))")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a user's sessions (or one of them) at once.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Staff id.") var id: String
        @Option(help: "The session id shown by `qflow user sessions` (all of the user's when left out).")
        var session: String?
        func run() throws {
            let count = try database.open().revokeSessions(user: id, session: session, at: Date())
            print("ended \(count) session(s) of \(id)")
        }
    }
}
