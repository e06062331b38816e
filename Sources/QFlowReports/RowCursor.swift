/// The next free row of a sheet written top to bottom (streamed sheets must be), so that no writer keeps its own
/// row number.
///
/// ```swift
/// var rows = RowCursor(first: 1)  // below the header row
/// for answer in answers { try sheet.row(rows.take(), cells(answer)) }
/// try sheet.autofilter(headerRow: 0, lastRow: rows.last, columns: 17)
/// ```
struct RowCursor {
    /// The first row the cursor hands out.
    let first: Int
    /// The row the next ``take()`` returns.
    private(set) var next: Int

    /// A cursor whose first row is `first` (the rows above it, e.g. a header, are written by hand).
    init(first: Int = 0) {
        self.first = first
        next = first
    }

    /// Takes the next free row.
    mutating func take() -> Int {
        defer { next += 1 }
        return next
    }

    /// The last row taken; the row above ``first`` (the header) when none was.
    var last: Int { next - 1 }

    /// How many rows were taken.
    var count: Int { next - first }
}
