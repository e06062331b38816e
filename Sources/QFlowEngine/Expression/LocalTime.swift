import Foundation

/// What "local" means wherever a time is shown, or grouped by day or month: the site's time zone once a site is
/// published, else this machine's.
///
/// The only place in the product that reads the machine's zone. Front ends resolve the zone once (the store's
/// `localTimeZone()`, the server's site settings) and hand it to what they call; nothing else looks it up.
public enum LocalTime {
    /// The zone named by the site's `time_zone`, or this machine's when there is no site (nil) or the system no
    /// longer knows the name.
    public static func zone(site identifier: String?) -> TimeZone {
        identifier.flatMap(TimeZone.init(identifier:)) ?? TimeZone.current
    }

    /// `YYYY-MM-DD` of an instant in `zone`.
    public static func day(_ date: Date, in zone: TimeZone) -> String {
        let c = Calendar.gregorian(in: zone).dateComponents([.year, .month, .day], from: date)
        return CivilDate(year: c.year ?? 1, month: c.month ?? 1, day: c.day ?? 1).description
    }

    /// `YYYY-MM` of an instant in `zone`.
    public static func month(_ date: Date, in zone: TimeZone) -> String {
        String(day(date, in: zone).prefix(7))
    }

    /// `YYYY-MM-DD HH:MM (UTC±hh:mm)`: the local minute with the offset in force then, for a reader of a printout.
    public static func minute(_ date: Date, in zone: TimeZone) -> String {
        let c = Calendar.gregorian(in: zone).dateComponents([.hour, .minute], from: date)
        let offset = zone.secondsFromGMT(for: date)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(day(date, in: zone)) \(two(c.hour ?? 0)):\(two(c.minute ?? 0)) (UTC\(offset < 0 ? "-" : "+")"
            + "\(two(abs(offset) / 3600)):\(two(abs(offset) % 3600 / 60)))"
    }

    /// The first moment (00:00) of a `YYYY-MM-DD` day in `zone`; nil for text that is not a day that exists.
    public static func midnight(_ text: String, in zone: TimeZone) -> Date? {
        CivilDate(parsing: text)?.start(in: zone)
    }
}

extension CivilDate {
    /// A day from its parts; the caller guarantees they form a day (components read off a calendar).
    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }
}
