import Testing

/// The agreement the issue asks for: relative 1e-10 against R/SciPy/mpmath.
let relativeTolerance = 1e-10

/// Whether `actual` agrees with `expected` to a relative 1e-10. A reference of exactly 0 demands |actual| ≤ 1e-15
/// (a value that is exactly 0 by construction, such as a Wilson lower limit at x = 0). nil must match nil.
func isClose(_ actual: Double?, _ expected: Double?, relative: Double = relativeTolerance) -> Bool {
    switch (actual, expected) {
    case (nil, nil): return true
    case (let a?, let e?):
        if e == 0 { return abs(a) <= 1e-15 }
        return abs(a - e) <= relative * abs(e)
    default: return false
    }
}

/// Records a failure naming the quantity when `actual` is not within tolerance of `expected`.
func expectClose(
    _ actual: Double?, _ expected: Double?, _ what: String, relative: Double = relativeTolerance,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(
        isClose(actual, expected, relative: relative),
        "\(what): got \(actual.map { "\($0)" } ?? "nil"), expected \(expected.map { "\($0)" } ?? "nil")",
        sourceLocation: sourceLocation)
}
