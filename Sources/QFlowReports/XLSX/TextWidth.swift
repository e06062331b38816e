import Foundation

/// How wide text is in a spreadsheet cell, in widths of the digit 0: East Asian wide and full-width characters
/// count two, everything else one.
public enum TextWidth {
    /// The width of `text`'s longest line.
    public static func of(_ text: String) -> Double {
        // Most cells are one line of ASCII: their width is their byte count, read without splitting.
        var text = text
        let ascii = text.withUTF8 { bytes in bytes.allSatisfy { $0 < 0x80 && $0 != 0x0A } }
        if ascii { return Double(text.utf8.count) }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.unicodeScalars.reduce(0.0) { $0 + (isWide($1) ? 2 : 1) }
        }.max() ?? 0
    }

    /// The width of a number as `format` shows it.
    public static func ofNumber(_ value: Double, format: String?) -> Double {
        switch format {
        case "0.0%"?: Double(String(format: "%.1f%%", value * 100).count)
        case "0%"?: Double(String(format: "%.0f%%", value * 100).count)
        case "0.000"?: Double(String(format: "%.3f", value).count)
        case "yyyy-mm-dd hh:mm"?: 16
        case "yyyy-mm-dd"?: 10
        case "yyyy-mm"?: 7
        default: Double(generalLength(value))
        }
    }

    /// The length of `value` as `%.10G` prints it (Excel's General format shows about as much), worked out from
    /// the digits instead of formatting: a raw-data sheet has a number in most of its million cells.
    ///
    /// Exact for integers below 10¹⁰ and for other values from 10⁻⁴ to 10¹⁰ except within a rounding error of a
    /// tie at the tenth digit (then it may count one digit more or less); anything else is formatted.
    static func generalLength(_ value: Double) -> Int {
        let magnitude = value.magnitude
        let sign = value < 0 ? 1 : 0
        if magnitude == 0 { return 1 }
        guard magnitude >= 1e-4, magnitude < 1e10 else { return String(format: "%.10G", value).count }
        if magnitude.rounded(.towardZero) == magnitude {
            var digits = 1
            var rest = Int64(magnitude) / 10
            while rest > 0 {
                digits += 1
                rest /= 10
            }
            return sign + digits
        }
        var exponent = Int(Foundation.floor(Foundation.log10(magnitude)))
        var decimals = 9 - exponent
        var scaled = (magnitude * power10(decimals)).rounded()
        if scaled >= 1e10 {  // rounding carried into a new digit (9.9999999999 → 10)
            exponent += 1
            decimals -= 1
            scaled = (magnitude * power10(decimals)).rounded()
        }
        guard exponent < 10 else { return String(format: "%.10G", value).count }
        var digits = Int64(scaled)
        while decimals > 0 && digits % 10 == 0 {
            digits /= 10
            decimals -= 1
        }
        let integerDigits = max(exponent + 1, 1)
        return sign + integerDigits + (decimals > 0 ? 1 + decimals : 0)
    }

    private static func power10(_ n: Int) -> Double {
        var x = 1.0
        for _ in 0..<n { x *= 10 }
        return x
    }

    /// How many lines `text` wraps to in a cell `width` characters wide (words break at spaces; CJK anywhere).
    public static func lines(_ text: String, width: Double) -> Int {
        let usable = max(4, width - 1)
        var total = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var count = 1
            var current = 0.0
            for word in line.split(separator: " ", omittingEmptySubsequences: false) {
                let w = of(String(word))
                let needed = current == 0 ? w : current + 1 + w
                if needed <= usable {
                    current = needed
                } else if w <= usable {
                    count += 1
                    current = w
                } else {
                    // A word (or CJK run) longer than the line breaks across lines.
                    let rest = current == 0 ? w : current + 1 + w
                    count += Int((rest / usable).rounded(.up)) - 1
                    current = rest.truncatingRemainder(dividingBy: usable)
                }
            }
            total += count
        }
        return max(1, total)
    }

    static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            true
        default: false
        }
    }
}
