/// Size, mean and sample variance of a numeric sample (two-pass, for accuracy).
public struct SampleSummary: Sendable, Equatable {
    /// Number of values.
    public let count: Int
    /// Arithmetic mean.
    public let mean: Double
    /// Sample variance (divisor n − 1); 0 for a single value.
    public let variance: Double

    /// Summarises a non-empty sample.
    public init(_ values: [Double]) {
        count = values.count
        let m = values.reduce(0, +) / Double(max(values.count, 1))
        // Second pass with the compensation term Σ(x − m) to absorb the rounding of m.
        var ss = 0.0
        var comp = 0.0
        for v in values {
            ss += (v - m) * (v - m)
            comp += v - m
        }
        mean = m
        variance = values.count > 1 ? (ss - comp * comp / Double(values.count)) / Double(values.count - 1) : 0
    }

    /// Sample standard deviation.
    public var standardDeviation: Double { variance.squareRoot() }
    /// Standard error of the mean.
    public var standardError: Double { (variance / Double(count)).squareRoot() }
}
