/// Run-chart signals around the median (IHI rules): shifts and trends.
///
/// - Shift: 6 or more consecutive points on the same side of the median. Points exactly on the median are
///   skipped: they neither count nor break the run.
/// - Trend: 5 or more consecutive points all increasing or all decreasing. Equal consecutive values count once:
///   a repeated value neither extends nor breaks the trend.
public struct RunChart: Sendable, Equatable {
    /// One detected signal.
    public struct Signal: Sendable, Equatable {
        /// The kinds of signal.
        public enum Kind: String, Sendable {
            /// A run of points on one side of the median.
            case shift
            /// A monotone run of points.
            case trend
        }
        /// Which direction the signal points.
        public enum Direction: String, Sendable {
            /// Above the median, or increasing.
            case up
            /// Below the median, or decreasing.
            case down
        }
        /// Shift or trend.
        public let kind: Kind
        /// Up or down.
        public let direction: Direction
        /// 0-based index of the first point of the run.
        public let start: Int
        /// 0-based index of the last point of the run.
        public let end: Int
        /// The number of points that count towards the rule (points on the median or repeats excluded).
        public let length: Int
    }

    /// The series.
    public let values: [Double]
    /// The median of the series.
    public let median: Double
    /// The shifts and trends found, in order of their start.
    public let signals: [Signal]

    /// The minimum number of points for a shift.
    public static let shiftLength = 6
    /// The minimum number of points for a trend.
    public static let trendLength = 5

    /// Analyses a series; throws `.invalidInput` if it is empty or has a non-finite value.
    public init(values: [Double]) throws(StatsError) {
        guard !values.isEmpty else { throw .invalid("the run chart needs at least one point") }
        guard values.allSatisfy(\.isFinite) else { throw .invalid("the run chart has a non-finite value") }
        self.values = values
        let sorted = values.sorted()
        let m = sorted.count
        median = m % 2 == 1 ? sorted[m / 2] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2
        signals = (Self.shifts(values, median: median) + Self.trends(values)).sorted { $0.start < $1.start }
    }

    private static func shifts(_ values: [Double], median: Double) -> [Signal] {
        var result: [Signal] = []
        var side = 0
        var start = 0
        var last = 0
        var count = 0
        func close() {
            if count >= shiftLength {
                result.append(
                    Signal(
                        kind: .shift, direction: side > 0 ? .up : .down, start: start, end: last,
                        length: count))
            }
        }
        for (i, v) in values.enumerated() {
            let s = v > median ? 1 : (v < median ? -1 : 0)
            if s == 0 { continue }
            if s == side {
                count += 1
                last = i
            } else {
                close()
                side = s
                start = i
                last = i
                count = 1
            }
        }
        close()
        return result
    }

    private static func trends(_ values: [Double]) -> [Signal] {
        var result: [Signal] = []
        var direction = 0
        var start = 0
        var last = 0
        var count = 1
        func close() {
            if direction != 0 && count >= trendLength {
                result.append(
                    Signal(
                        kind: .trend, direction: direction > 0 ? .up : .down, start: start, end: last,
                        length: count))
            }
        }
        guard !values.isEmpty else { return result }
        var previous = values[0]
        for i in 1..<values.count {
            let v = values[i]
            let d = v > previous ? 1 : (v < previous ? -1 : 0)
            if d == 0 { continue }  // a repeated value counts once
            if d == direction {
                count += 1
                last = i
            } else {
                close()
                // The new run starts at the point before this step (the last distinct value).
                start = lastDistinctIndex(values, before: i)
                direction = d
                count = 2
                last = i
            }
            previous = v
        }
        close()
        return result
    }

    /// The index of the first point of the block of equal values that ends just before `i`.
    private static func lastDistinctIndex(_ values: [Double], before i: Int) -> Int {
        var j = i - 1
        while j > 0 && values[j - 1] == values[j] { j -= 1 }
        return j
    }
}
