import Foundation

/// Number formatting shared by the human-readable reports.
enum Format {
    /// x with a fixed number of decimals ("4.142"); "—" for nil or non-finite values.
    static func fixed(_ x: Double?, _ decimals: Int) -> String {
        guard let x, x.isFinite else { return "—" }
        let s = String(format: "%.\(decimals)f", x)
        return s == "-" + String(format: "%.\(decimals)f", 0.0) ? String(s.dropFirst()) : s
    }

    /// A p-value as SPSS prints it: three decimals without the leading zero (".042"), "<.001" below 0.001.
    static func spssP(_ p: Double?) -> String {
        guard let p, p.isFinite else { return "—" }
        if p < 0.001 { return "<.001" }
        let s = fixed(p, 3)
        return s.hasPrefix("0.") ? String(s.dropFirst()) : s
    }

    /// A p-value as Chinese and most medical journals print it: "P=0.042", "P<0.001".
    static func journalP(_ p: Double?) -> String {
        guard let p, p.isFinite else { return "P=—" }
        if p < 0.001 { return "P<0.001" }
        return "P=" + fixed(p, 3)
    }

    /// A proportion as a percentage with the given decimals ("98.3%").
    static func percent(_ x: Double?, _ decimals: Int = 1) -> String {
        guard let x, x.isFinite else { return "—" }
        return fixed(100 * x, decimals) + "%"
    }

    /// A value with 3 significant decimals for statistics, switching to scientific notation when tiny.
    static func statistic(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "—" }
        if x != 0 && abs(x) < 0.001 { return String(format: "%.3g", x) }
        return fixed(x, 3)
    }

    /// A number in its shortest round-trippable form ("12", "12.5").
    static func plain(_ x: Double) -> String {
        if x.isFinite, x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }

    /// Pads `s` on the left to `width` display columns (CJK characters count as 2).
    static func left(_ s: String, _ width: Int) -> String {
        let w = displayWidth(s)
        return w >= width ? s : String(repeating: " ", count: width - w) + s
    }

    /// Pads `s` on the right to `width` display columns (CJK characters count as 2).
    static func right(_ s: String, _ width: Int) -> String {
        let w = displayWidth(s)
        return w >= width ? s : s + String(repeating: " ", count: width - w)
    }

    /// The number of terminal columns a string occupies.
    static func displayWidth(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { total, scalar in
            let v = scalar.value
            let wide =
                (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v)
            return total + (wide ? 2 : 1)
        }
    }
}
