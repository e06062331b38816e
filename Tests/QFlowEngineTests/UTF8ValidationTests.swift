import Testing

@testable import QFlowEngine

@Suite("UTF-8 validation of raw input")
struct UTF8ValidationTests {
    @Test(
        arguments: [
            ([0x61, 0x62], nil),  // ASCII
            ([0xE6, 0x89, 0x8B, 0xE6, 0x9C, 0xAF], nil),  // 手术
            ([0xF0, 0x9F, 0x98, 0x80], nil),  // U+1F600, four bytes
            ([0x61, 0xC0, 0xAF], 1),  // overlong '/'
            ([0xE0, 0x80, 0xAF], 0),  // overlong, three bytes
            ([0xED, 0xA0, 0x80], 0),  // a UTF-16 surrogate (U+D800)
            ([0xF4, 0x90, 0x80, 0x80], 0),  // above U+10FFFF
            ([0x61, 0x62, 0xE6, 0x89], 2),  // cut short
            ([0x80], 0),  // a continuation byte alone
            ([0xFF], 0),  // never valid
            ([0xB4, 0xF3], 0),  // GB 18030 for 手 is not UTF-8
        ] as [([UInt8], Int?)])
    func theFirstInvalidByteIsFound(bytes: [UInt8], expected: Int?) {
        #expect(UTF8Validation.firstInvalidByte(bytes) == expected)
    }
}
