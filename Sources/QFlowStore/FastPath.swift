import Foundation
import GRDB
import GRDBSQLite

/// A value bound to a statement on the write path (`package`: the benchmark's SQLite floor binds the same values).
package enum SQLValue {
    case text(String)
    case integer(Int64)
    case real(Double)
    case null

    init(_ text: String?) { self = text.map(SQLValue.text) ?? .null }
    init(_ int: Int?) { self = int.map { .integer(Int64($0)) } ?? .null }
    init(_ real: Double?) { self = real.map(SQLValue.real) ?? .null }
}

/// The hot write path binds and steps GRDB's cached statements through the C API directly.
///
/// GRDB's `execute(arguments:)` costs about 15 µs per call in bookkeeping (argument boxing, observation and
/// cancellation checks) that the event log does not use: no transaction observers are registered on the writer.
/// Statements stay owned by GRDB's cache; this only binds, steps and resets them. Everything else uses GRDB.
extension Statement {
    /// Binds `values` and runs the statement to completion.
    package func run(_ values: [SQLValue]) throws {
        let handle = sqliteStatement
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        try bind(values, handle)
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else { throw error(code, handle) }
    }

    /// Binds `values` and reads the first row with `read`, or returns nil when there is none.
    func first<T>(_ values: [SQLValue], _ read: (SQLiteStatement) -> T) throws -> T? {
        let handle = sqliteStatement
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        try bind(values, handle)
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return read(handle)
        case SQLITE_DONE: return nil
        default: throw error(code, handle)
        }
    }

    private func bind(_ values: [SQLValue], _ handle: SQLiteStatement) throws {
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .text(let text): code = sqlite3_bind_text(handle, index, text, -1, transient)
            case .integer(let n): code = sqlite3_bind_int64(handle, index, n)
            case .real(let x): code = sqlite3_bind_double(handle, index, x)
            case .null: code = sqlite3_bind_null(handle, index)
            }
            guard code == SQLITE_OK else { throw error(code, handle) }
        }
    }

    private func error(_ code: Int32, _ handle: SQLiteStatement) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: code),
            message: sqlite3_errmsg(sqlite3_db_handle(handle)).map { String(cString: $0) }, sql: sql)
    }
}

/// Column readers for `Statement.first(_:_:)`.
enum SQLColumn {
    static func text(_ handle: SQLiteStatement, _ index: Int32) -> String? {
        guard let bytes = sqlite3_column_text(handle, index) else { return nil }
        return String(cString: bytes)
    }

    static func integer(_ handle: SQLiteStatement, _ index: Int32) -> Int64 {
        sqlite3_column_int64(handle, index)
    }
}
