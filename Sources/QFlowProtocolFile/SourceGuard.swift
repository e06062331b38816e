import QFlowEngine

/// Cheap checks on raw bytes before a YAML parser sees them: size, UTF-8 validity and nesting depth.
///
/// They keep hostile files (50 MB, invalid UTF-8, ten thousand nested brackets) from reaching the recursive
/// composer, so every file gets a clear answer quickly.
package enum SourceGuard {
    /// Largest accepted protocol file.
    static let maximumBytes = 2 * 1024 * 1024
    /// Deepest accepted nesting of mappings and sequences.
    static let maximumDepth = 40

    struct Problem: Error {
        var line: Int
        var column: Int
        var message: String
    }

    /// Checks the bytes and returns them as a string.
    static func check(_ bytes: [UInt8]) throws(Problem) -> String {
        guard bytes.count <= maximumBytes else {
            let mb = Double(bytes.count) / 1_048_576
            throw Problem(
                line: 1, column: 1,
                message:
                    "file is \(String(format1(mb))) MB; a protocol file may be at most \(maximumBytes / 1_048_576) MB")
        }
        if let bad = UTF8Validation.firstInvalidByte(bytes) {
            let (line, column) = position(of: bad, in: bytes)
            throw Problem(
                line: line, column: column,
                message:
                    "invalid UTF-8 (byte 0x\(String(bytes[bad], radix: 16, uppercase: true)) at offset \(bad)); save "
                    + "the file as UTF-8"
            )
        }
        if bytes.contains(0) {
            let at = bytes.firstIndex(of: 0)!
            let (line, column) = position(of: at, in: bytes)
            throw Problem(line: line, column: column, message: "file contains a NUL byte; is it a text file?")
        }
        try checkDepth(bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func format1(_ x: Double) -> String {
        let tenths = Int((x * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    static func position(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        for i in 0..<min(offset, bytes.count) where bytes[i] == 10 {
            line += 1
            lineStart = i + 1
        }
        return (line, offset - lineStart + 1)
    }

    /// Approximates YAML nesting (indentation levels, leading `- ` entries, flow brackets) without parsing.
    private static func checkDepth(_ bytes: [UInt8]) throws(Problem) {
        var indents: [Int] = []
        var flow = 0
        var line = 1
        var i = 0
        let n = bytes.count
        while i < n {
            // Start of a line: measure indentation.
            var col = 0
            while i < n, bytes[i] == 32 {
                i += 1
                col += 1
            }
            let contentStart = i
            if i < n, bytes[i] != 10, bytes[i] != 13, bytes[i] != 35, flow == 0 {
                while let last = indents.last, last >= col { indents.removeLast() }
                indents.append(col)
                // "- - - x" opens one level per dash.
                var j = i
                var dashes = 0
                while j + 1 < n, bytes[j] == 45, bytes[j + 1] == 32 {
                    dashes += 1
                    j += 2
                    while j < n, bytes[j] == 32 { j += 1 }
                }
                if indents.count + dashes > maximumDepth {
                    throw Problem(line: line, column: col + 1, message: "nesting is deeper than \(maximumDepth) levels")
                }
            }
            // Rest of the line: track flow brackets outside quotes and comments.
            var quote: UInt8 = 0
            i = contentStart
            while i < n, bytes[i] != 10 {
                let c = bytes[i]
                if quote != 0 {
                    if c == quote { quote = 0 } else if c == 92, quote == 34 { i += 1 }
                } else if c == 34 || c == 39, i == contentStart || [32, 91, 123, 44, 58].contains(bytes[i - 1]) {
                    quote = c
                } else if c == 35, i == contentStart || bytes[i - 1] == 32 {
                    while i < n, bytes[i] != 10 { i += 1 }
                    break
                } else if c == 91 || c == 123 {
                    flow += 1
                    if flow + indents.count > maximumDepth {
                        let (l, column) = position(of: i, in: bytes)
                        throw Problem(line: l, column: column, message: "nesting is deeper than \(maximumDepth) levels")
                    }
                } else if c == 93 || c == 125 {
                    flow = max(0, flow - 1)
                }
                i += 1
            }
            i += 1
            line += 1
        }
    }
}
