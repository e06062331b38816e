/// An ISO-8601 duration such as `PT60M`, `PT72H` or `P1DT2H`, limited to exact units (weeks, days, hours,
/// minutes, seconds); years and months are refused because their length varies.
public struct ISODuration: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The duration in seconds.
    public let seconds: Int
    /// The text it was parsed from.
    public let text: String

    /// A duration parse failure, with a message that says what is wrong.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong.
        public let message: String
        /// Describes the failure.
        public var description: String { message }
    }

    /// Parses an ISO-8601 duration (`PnW`, `PnDTnHnMnS` and their parts).
    public init(parsing text: String) throws(ParseError) {
        let fail = { (why: String) in
            ParseError(message: "bad duration '\(text)': \(why) (expected ISO-8601 such as PT60M, PT72H, P1DT2H)")
        }
        var chars = Array(text.utf8)
        guard chars.first == UInt8(ascii: "P") else { throw fail("it must start with 'P'") }
        chars.removeFirst()
        guard !chars.isEmpty else { throw fail("it has no parts") }
        var inTime = false
        var total = 0
        var number: Int?
        var sawPart = false
        var lastRank = -1
        for c in chars {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (m, o1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int(c - UInt8(ascii: "0")))
                guard !o1, !o2, s < 10_000_000 else { throw fail("the number is too large") }
                number = s
            case UInt8(ascii: "T"):
                guard !inTime, number == nil else { throw fail("misplaced 'T'") }
                inTime = true
            default:
                guard let n = number else { throw fail("a unit must follow a number") }
                let unit = Character(UnicodeScalar(c))
                let (rank, factor): (Int, Int)
                switch (inTime, unit) {
                case (false, "W"): (rank, factor) = (0, 604_800)
                case (false, "D"): (rank, factor) = (1, 86_400)
                case (true, "H"): (rank, factor) = (2, 3_600)
                case (true, "M"): (rank, factor) = (3, 60)
                case (true, "S"): (rank, factor) = (4, 1)
                case (false, "Y"), (false, "M"):
                    throw fail("years and months have no fixed length; use days (D) or weeks (W)")
                default:
                    throw fail("unknown unit '\(unit)'")
                }
                guard rank > lastRank else { throw fail("units out of order") }
                lastRank = rank
                total += n * factor
                number = nil
                sawPart = true
            }
        }
        guard number == nil else { throw fail("a number has no unit") }
        guard sawPart else { throw fail("it has no parts") }
        guard !(inTime && lastRank < 2) else { throw fail("'T' must be followed by hours, minutes or seconds") }
        self.seconds = total
        self.text = text
    }

    /// The ISO-8601 text.
    public var description: String { text }

    /// No time at all (`PT0S`).
    public static let zero = try! ISODuration(parsing: "PT0S")
}
