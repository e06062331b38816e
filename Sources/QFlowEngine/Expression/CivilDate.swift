import Foundation

/// A calendar day without a time or a zone (`2027-03-31`): a `date` subject fact such as a policy's expiry.
///
/// A day becomes a moment only in a time zone: its start, 00:00 there (``start(in:)``). Deadlines measured from a
/// date count whole days on the calendar of that zone, so that a change of daylight-saving time does not move them.
public struct CivilDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The year (1–9999).
    public var year: Int
    /// The month (1–12).
    public var month: Int
    /// The day of the month (1–31, valid for the month).
    public var day: Int

    /// Parses `YYYY-MM-DD`; nil for anything else, or a day that does not exist (`2027-02-30`).
    public init?(parsing text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            text.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || (0x30...0x39).contains($0) }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), y >= 1, (1...12).contains(m),
            d >= 1, d <= Self.days(inMonth: m, year: y)
        else { return nil }
        year = y
        month = m
        day = d
    }

    private static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// The day's first moment (00:00) in `zone`.
    public func start(in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: year, month: month, day: day)
        return calendar.date(from: components) ?? Date(timeIntervalSince1970: 0)
    }

    /// Encodes as `YYYY-MM-DD`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Decodes `YYYY-MM-DD`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CivilDate(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a day YYYY-MM-DD")
        }
        self = date
    }
}

extension Calendar {
    /// A Gregorian calendar in `zone`.
    static func gregorian(in zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }
}

extension ISODuration {
    /// `date` moved by this duration (back when `before`): the whole days on `calendar` (calendar days in its
    /// zone), the rest as elapsed seconds; without a calendar, all of it as elapsed seconds.
    public func shift(_ date: Date, before: Bool, calendar: Calendar?) -> Date {
        let sign = before ? -1 : 1
        guard let calendar else { return date.addingTimeInterval(Double(sign * seconds)) }
        let days = seconds / 86_400
        let rest = seconds % 86_400
        let moved = calendar.date(byAdding: .day, value: sign * days, to: date) ?? date
        return moved.addingTimeInterval(Double(sign * rest))
    }
}
