import Foundation
import Testing

@testable import QFlowServer

@Suite("Times on pages")
struct CivilTimeTests {
    /// The arithmetic civil time agrees with Foundation's formatter across zones, centuries and DST changes.
    @Test func agreesWithDateFormatter() {
        let zones = [
            "Asia/Shanghai", "UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu",
            "Pacific/Chatham", "America/St_Johns",
        ].compactMap(TimeZone.init(identifier:))
        var generator = SystemRandomNumberGenerator()
        var instants: [Date] = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -1), Date(timeIntervalSince1970: -86_400.5),
            Date(timeIntervalSince1970: 951_782_400),  // 2000-02-29
            Date(timeIntervalSince1970: 4_107_542_399),  // 2100-02-28T23:59:59Z
        ]
        for _ in 0..<2_000 {
            instants.append(
                Date(
                    timeIntervalSince1970: Double(Int64.random(in: -2_208_988_800...4_102_444_800, using: &generator))
                        + 0.25))
        }
        for zone in zones {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = zone
            formatter.dateFormat = "yyyy-MM-dd HH:mm"
            let page = PageContext(language: .en, session: nil, timeZone: zone, idleLockSeconds: 0)
            for instant in instants {
                #expect(page.dateTime(instant) == formatter.string(from: instant), "\(zone.identifier) \(instant)")
            }
        }
    }
}
