import Foundation

/// Deterministic JSON (sorted keys, no insignificant whitespace) used for content hashes and event payloads.
public enum CanonicalJSON {
    /// Encodes a value deterministically; dates are written as ISO-8601 with fractional seconds.
    public static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .timestamp
        do {
            return Array(try encoder.encode(value))
        } catch {
            // Our model types contain only strings, numbers, booleans and dates: encoding cannot fail.
            preconditionFailure("canonical encoding failed: \(error)")
        }
    }

    /// Decodes a value written by ``encode(_:)``.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "bad timestamp '\(text)'")
            }
            return date
        }
        return try decoder.decode(T.self, from: Data(bytes))
    }
}

/// ISO-8601 timestamps as QualityFlow reads and writes them (UTC out; any offset in).
public enum Timestamp {
    /// Formats a date as `2026-03-01T08:30:00.000Z` (UTC, milliseconds).
    public static func format(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let msOfDay = ms - days * 86_400_000
        let (y, m, d) = civil(days: days)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        let hh = msOfDay / 3_600_000
        let mi = msOfDay / 60_000 % 60
        let ss = msOfDay / 1000 % 60
        let fff = msOfDay % 1000
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(hh, 2)):\(pad(mi, 2)):\(pad(ss, 2)).\(pad(fff, 3))Z"
    }

    /// The proleptic Gregorian date of a day counted from 1970-01-01 (H. Hinnant, "chrono-compatible low-level
    /// date algorithms", civil_from_days).
    public static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Parses `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)`; returns nil for anything else (including no time zone).
    public static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 17, b.count <= 40 else { return nil }
        var i = 0
        func digits(_ n: Int) -> Int64? {
            guard i + n <= b.count else { return nil }
            var v: Int64 = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: Character) -> Bool {
            guard i < b.count, b[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard let y = digits(4), expect("-"), let m = digits(2), expect("-"), let d = digits(2) else { return nil }
        guard i < b.count, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: " ") else { return nil }
        i += 1
        guard let hh = digits(2), expect(":"), let mi = digits(2) else { return nil }
        var ss: Int64 = 0
        var frac = 0.0
        if expect(":") {
            guard let s = digits(2) else { return nil }
            ss = s
            if expect(".") {
                var scale = 0.1
                var any = false
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    frac += Double(b[i] - 48) * scale
                    scale /= 10
                    i += 1
                    any = true
                }
                guard any else { return nil }
            }
        }
        var offset: Int64 = 0
        if expect("Z") || expect("z") {
        } else if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            let sign: Int64 = b[i] == UInt8(ascii: "+") ? 1 : -1
            i += 1
            guard let oh = digits(2) else { return nil }
            _ = expect(":")
            guard let om = digits(2), oh <= 23, om <= 59 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        guard (1...12).contains(m), hh <= 23, mi <= 59, ss <= 59 else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let monthDays: [Int64] = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard d >= 1, d <= monthDays[Int(m - 1)] else { return nil }
        // Days from civil (H. Hinnant).
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = days * 86_400 + hh * 3600 + mi * 60 + ss - offset
        return Date(timeIntervalSince1970: Double(seconds) + frac)
    }
}

extension JSONEncoder.DateEncodingStrategy {
    /// Every time as ``Timestamp/format(_:)`` writes it (`2026-03-01T08:30:00.000Z`): how QualityFlow writes times
    /// in all its JSON (event payloads, the API, `--format json`).
    public static var timestamp: Self {
        .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
    }
}
