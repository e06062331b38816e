import Foundation

/// The type of a value inside a rule expression.
public enum ValueType: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// True or false (check items, signatures, flags).
    case bool
    /// A number (counts, measurements, minutes).
    case number
    /// Text (text and choice items).
    case text
    /// A point in time.
    case time
    /// A calendar day (`2027-03-31`), read in the site's time zone.
    case date

    /// The type's name as written in protocol files.
    public var description: String { rawValue }
}

/// A value inside a rule expression.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    /// A boolean.
    case bool(Bool)
    /// A number.
    case number(Double)
    /// A text.
    case text(String)
    /// A point in time.
    case time(Date)
    /// A calendar day.
    case date(CivilDate)

    /// The value's type.
    public var type: ValueType {
        switch self {
        case .bool: .bool
        case .number: .number
        case .text: .text
        case .time: .time
        case .date: .date
        }
    }

    /// A short rendering for messages.
    public var description: String {
        switch self {
        case .bool(let b): b ? "true" : "false"
        case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .text(let s): "\"\(s)\""
        case .time(let d): Timestamp.format(d)
        case .date(let d): d.description
        }
    }
}
