/// UTF-8 validation on raw bytes, one rule for every text file qflow reads (protocol, site and BPMN files, case
/// schedules): overlong forms, surrogates and code points above U+10FFFF are refused, as the Unicode standard
/// requires (Swift's `String(decoding:as:)` would replace them silently).
public enum UTF8Validation {
    /// The offset of the first byte that does not start a valid UTF-8 sequence, nil when all of them do.
    public static func firstInvalidByte(_ bytes: [UInt8]) -> Int? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var scalar: UInt32
            let minimum: UInt32
            switch b {
            case 0xC2...0xDF: (length, scalar, minimum) = (2, UInt32(b & 0x1F), 0x80)
            case 0xE0...0xEF: (length, scalar, minimum) = (3, UInt32(b & 0x0F), 0x800)
            case 0xF0...0xF4: (length, scalar, minimum) = (4, UInt32(b & 0x07), 0x10000)
            default: return i
            }
            guard i + length <= n else { return i }
            for k in 1..<length {
                let c = bytes[i + k]
                guard c & 0xC0 == 0x80 else { return i }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { return i }
            i += length
        }
        return nil
    }
}
