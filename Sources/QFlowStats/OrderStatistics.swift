/// The k-th smallest values of an array by selection (Hoare's quickselect), for a few order statistics of a large
/// sample without sorting it: each selection partitions only the stretch between the positions already fixed.
struct OrderStatistics {
    private var values: [Double]
    /// Positions whose value is final: everything before is ≤ it, everything after ≥ it. Kept sorted.
    private var fixed: [Int] = []

    /// Takes the values (any order; they must not be NaN).
    init(_ values: [Double]) {
        self.values = values
    }

    /// The value that would be at index `k` of the sorted array, 0 ≤ k < count.
    mutating func value(at k: Int) -> Double {
        precondition(values.indices.contains(k), "order statistic \(k) of \(values.count) values")
        let after = fixed.firstIndex { $0 >= k } ?? fixed.count
        if after < fixed.count && fixed[after] == k { return values[k] }
        var low = after > 0 ? fixed[after - 1] + 1 : 0
        var high = after < fixed.count ? fixed[after] - 1 : values.count - 1
        // Each round keeps the side that holds k; past 2·log₂ rounds (an adversarial order) the stretch is sorted.
        var budget = 2 * (Int.bitWidth - (high - low + 1).leadingZeroBitCount) + 4
        while low < high {
            if budget == 0 {
                values[low...high].sort()
                break
            }
            budget -= 1
            let (left, right) = partition(low, high)
            if k <= left {
                high = left
            } else if k >= right {
                low = right
            } else {
                break  // k lies between the two parts: every value there equals the pivot
            }
        }
        fixed.insert(k, at: after)
        return values[k]
    }

    /// Hoare's partition of values[low...high] around a median-of-three pivot: afterwards values[low...left] ≤ pivot,
    /// values[right...high] ≥ pivot, and anything strictly between equals the pivot.
    private mutating func partition(_ low: Int, _ high: Int) -> (left: Int, right: Int) {
        let mid = low + (high - low) / 2
        if values[mid] < values[low] { values.swapAt(mid, low) }
        if values[high] < values[low] { values.swapAt(high, low) }
        if values[high] < values[mid] { values.swapAt(high, mid) }
        let pivot = values[mid]
        var i = low
        var j = high
        while i <= j {
            while values[i] < pivot { i += 1 }
            while values[j] > pivot { j -= 1 }
            if i <= j {
                values.swapAt(i, j)
                i += 1
                j -= 1
            }
        }
        return (j, i)
    }
}
