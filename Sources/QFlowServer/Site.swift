import Foundation
import NIOConcurrencyHelpers
import QFlowStore

/// What the site sets for the workstation: its time zone, the idle lock, and the rooms and laundry lines lists
/// filter by.
public struct SiteSettings: Sendable, Hashable {
    /// The hospital's time zone: "today", times on pages and local times typed into forms are read in it.
    public var timeZone: TimeZone
    /// Seconds without input before a workstation locks.
    public var idleLockSeconds: Int
    /// Operating rooms, in the site file's order.
    public var rooms: [String]
    /// Laundry lines, in the site file's order.
    public var laundryLines: [String]

    /// Settings for a server without a published site file.
    public init(
        timeZone: TimeZone = TimeZone(identifier: "UTC")!, idleLockSeconds: Int = 5 * 60, rooms: [String] = [],
        laundryLines: [String] = []
    ) {
        self.timeZone = timeZone
        self.idleLockSeconds = idleLockSeconds
        self.rooms = rooms
        self.laundryLines = laundryLines
    }

    /// The published site's settings, else `defaults`.
    static func current(_ store: Store, defaults: SiteSettings) throws -> SiteSettings {
        guard let site = try store.site() else { return defaults }
        return SiteSettings(
            timeZone: site.timeZone, idleLockSeconds: site.spec.idleLockMinutes * 60, rooms: site.spec.rooms.map(\.id),
            laundryLines: site.spec.laundryLines.map(\.id))
    }
}

/// The last site settings read, for a few seconds (a published change shows within that time).
final class SiteCache: Sendable {
    private let box = NIOLockedValueBox<(SiteSettings, Date)?>(nil)

    func value(at now: Date) -> SiteSettings? {
        box.withLockedValue { entry in
            guard let (settings, at) = entry, now.timeIntervalSince(at) < 5, now >= at else { return nil }
            return settings
        }
    }

    func remember(_ settings: SiteSettings, at now: Date) { box.withLockedValue { $0 = (settings, now) } }
}
