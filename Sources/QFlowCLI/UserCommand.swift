import ArgumentParser
import Foundation
import QFlowStore

/// `qflow user …`: workstation users for `qflow serve`.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Add and list the users who sign in at workstations.",
        subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user; the password is read from standard input and stored as a PBKDF2-SHA256 hash.",
            discussion: "Example: printf '%s\\n' \"$PW\" | qflow user add n-042 --name 'Li Na' --role circulating_nurse --role scrub_nurse")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Staff id.") var id: String
        @Option(help: "Display name.") var name: String
        @Option(help: "A role the user may act in (repeatable).") var role: [String] = []

        func run() throws {
            try reporting {
                guard let password = readLine(strippingNewline: true), !password.isEmpty else {
                    throw CLIError("give the password on standard input (one line)")
                }
                try database.open().addUser(id: id, name: name, roles: role, password: password, at: Date())
                print("added user \(id) (\(role.joined(separator: ", ")))")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users and their roles.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "text or json") var format: OutputFormat = .text
        func run() throws {
            try reporting {
                let users = try database.open().users()
                if format == .json { return try printJSON(users) }
                for user in users {
                    print("\(user.id)  \(user.name)  \(user.roles.joined(separator: ","))\(user.active ? "" : "  (inactive)")")
                }
            }
        }
    }
}
