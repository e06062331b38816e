import Foundation

/// A small CSV reader for `qflow stats welch|mann-whitney --csv`: a header row, comma-separated fields,
/// double-quoted fields with "" escapes, LF or CRLF line ends, a UTF-8 byte-order mark tolerated.
struct StatsCSV {
    /// The header names.
    let header: [String]
    /// The data rows (each as long as the header; short rows are padded with empty fields).
    let rows: [[String]]

    /// Reads and parses a file; throws `CLIError` naming the file.
    static func read(path: String) throws -> StatsCSV {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("cannot read the CSV file \(path)", kind: .io)
        }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let records = parse(text).filter { !($0.count == 1 && $0[0].isEmpty) }
        guard let header = records.first else { throw CLIError("the CSV file \(path) is empty") }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces) }
        let rows = records.dropFirst().map { $0 + Array(repeating: "", count: max(0, names.count - $0.count)) }
        return StatsCSV(header: names, rows: Array(rows))
    }

    /// Splits fields and records, honouring quotes.
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(text).makeIterator()
        var pending: Character? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.append("\"")
                        } else {
                            quoted = false
                            pending = next
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == "," {
                record.append(field)
                field = ""
            } else if c == "\n" || c == "\r\n" || c == "\r" {
                record.append(field)
                records.append(record)
                record = []
                field = ""
            } else {
                field.append(c)
            }
        }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        return records
    }

    /// The numeric values of `value`, split into two groups by the `group` column. Empty values are skipped;
    /// a non-numeric value is an error naming its line.
    func twoGroups(value: String, group: String, names: [String]?) throws -> (
        a: [Double], b: [Double], labels: (String, String)
    ) {
        guard let vi = header.firstIndex(of: value) else {
            throw CLIError("the CSV has no column \"\(value)\" (columns: \(header.joined(separator: ", ")))")
        }
        guard let gi = header.firstIndex(of: group) else {
            throw CLIError("the CSV has no column \"\(group)\" (columns: \(header.joined(separator: ", ")))")
        }
        var order: [String] = []
        for row in rows where !row[gi].isEmpty && !order.contains(row[gi]) { order.append(row[gi]) }
        let chosen = names ?? Array(order.prefix(2))
        guard chosen.count == 2 else {
            throw CLIError("the column \"\(group)\" has \(order.count) group value(s); two are needed")
        }
        if names == nil && order.count > 2 {
            throw CLIError("the column \"\(group)\" has \(order.count) groups; choose two with --groups A,B")
        }
        var a: [Double] = []
        var b: [Double] = []
        for (i, row) in rows.enumerated() where row[gi] == chosen[0] || row[gi] == chosen[1] {
            let cell = row[vi].trimmingCharacters(in: .whitespaces)
            if cell.isEmpty { continue }
            guard let v = Double(cell), v.isFinite else {
                throw CLIError("line \(i + 2), column \"\(value)\": not a number")
            }
            if row[gi] == chosen[0] { a.append(v) } else { b.append(v) }
        }
        return (a, b, (chosen[0], chosen[1]))
    }
}
