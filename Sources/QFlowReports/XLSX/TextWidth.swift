import Foundation

/// How wide text is in a spreadsheet cell, in widths of the digit 0: East Asian wide and full-width characters
/// count two, everything else one.
public enum TextWidth {
    /// The width of `text`'s longest line.
    public static func of(_ text: String) -> Double {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
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
        default: Double(String(format: "%.10G", value).count)
        }
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
