import Foundation
import Testing

@testable import QFlowEngine

@Suite("Local time: the site's zone, else the machine's")
struct LocalTimeTests {
    let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    let newYork = TimeZone(identifier: "America/New_York")!

    @Test func daysMonthsAndMinutesAreTheZones() throws {
        // 2025-03-31T17:30Z is already April 1st in Shanghai (UTC+8) and still March 31st in New York (EDT, UTC−4).
        let instant = try #require(Timestamp.parse("2025-03-31T17:30:00Z"))
        #expect(LocalTime.day(instant, in: shanghai) == "2025-04-01")
        #expect(LocalTime.month(instant, in: shanghai) == "2025-04")
        #expect(LocalTime.month(instant, in: newYork) == "2025-03")
        #expect(LocalTime.minute(instant, in: shanghai) == "2025-04-01 01:30 (UTC+08:00)")
        #expect(LocalTime.minute(instant, in: newYork) == "2025-03-31 13:30 (UTC-04:00)")
        // In January New York is on EST: the offset shown is the one in force at that instant.
        let winter = try #require(Timestamp.parse("2025-01-15T12:05:00Z"))
        #expect(LocalTime.minute(winter, in: newYork) == "2025-01-15 07:05 (UTC-05:00)")
    }

    @Test func midnightIsTheDaysStartInTheZoneAndRefusesNonDays() {
        #expect(LocalTime.midnight("2025-01-01", in: shanghai).map(Timestamp.format) == "2024-12-31T16:00:00.000Z")
        #expect(LocalTime.midnight("2025-07-01", in: newYork).map(Timestamp.format) == "2025-07-01T04:00:00.000Z")
        for text in ["2025-02-30", "2025-1-01", "20250101", "", "2025-01-01T00:00"] {
            #expect(LocalTime.midnight(text, in: shanghai) == nil, "\(text)")
        }
    }

    @Test func theSitesZoneWinsAndAnUnknownNameFallsBackToTheMachine() {
        #expect(LocalTime.zone(site: "Asia/Shanghai") == shanghai)
        #expect(LocalTime.zone(site: "Mars/Olympus_Mons") == LocalTime.zone(site: nil))
    }
}
